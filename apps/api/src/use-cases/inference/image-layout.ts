import type { ImageLayout } from "./decode-image";

/** Images are resized to this when the model's input size is symbolic. */
const DEFAULT_SIZE = 224;

/** The layout, channels and size an image model's input declares. */
export function imageLayoutOf(shape: (number | string | null)[] | null): ImageLayout {
  const dims = (shape ?? []).map((d) => (typeof d === "number" && d > 0 ? d : null));
  const nchw = dims[1] === 1 || dims[1] === 3;
  const channels = (nchw ? dims[1] : dims[3]) as 1 | 3;
  const height = (nchw ? dims[2] : dims[1]) ?? DEFAULT_SIZE;
  const width = (nchw ? dims[3] : dims[2]) ?? DEFAULT_SIZE;
  return { layout: nchw ? "NCHW" : "NHWC", channels, height, width };
}
