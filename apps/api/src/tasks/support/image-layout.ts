import type { ImageLayout } from "./decode-image";

/** Images are resized to this when the model's input size is symbolic and none is declared. */
const DEFAULT_SIZE = 224;

/**
 * The layout, channels and size an image model's input declares; a symbolic height or width
 * takes the preprocessing's `inputSize` (publish refuses a symbolic size without one).
 */
export function imageLayoutOf(
  shape: (number | string | null)[] | null,
  inputSize?: { height: number; width: number },
): ImageLayout {
  const dims = (shape ?? []).map((d) => (typeof d === "number" && d > 0 ? d : null));
  const nchw = dims[1] === 1 || dims[1] === 3;
  const channels = (nchw ? dims[1] : dims[3]) as 1 | 3;
  const height = (nchw ? dims[2] : dims[1]) ?? inputSize?.height ?? DEFAULT_SIZE;
  const width = (nchw ? dims[3] : dims[2]) ?? inputSize?.width ?? DEFAULT_SIZE;
  return { layout: nchw ? "NCHW" : "NHWC", channels, height, width };
}

/** Whether the graph leaves the image's height or width open. */
export function hasSymbolicSize(shape: (number | string | null)[] | null): boolean {
  const dims = shape ?? [];
  const nchw = dims[1] === 1 || dims[1] === 3;
  const [h, w] = nchw ? [dims[2], dims[3]] : [dims[1], dims[2]];
  return !(typeof h === "number" && h > 0 && typeof w === "number" && w > 0);
}
