import type { ConventionCheck } from "./convention-check";
import { hasSymbolicSize, imageLayoutOf } from "./image-layout";
import { type ImagePreprocessing, imagePreprocessing, parsePreprocessing } from "./preprocessing";

/**
 * One float image input of rank 4 (NCHW or NHWC, 1 or 3 channels) and a preprocessing
 * declaration that fits it: a declared size where the graph's is symbolic, a crop that fits.
 */
export async function checkImageInput(c: ConventionCheck): Promise<ImagePreprocessing> {
  const [image, ...extra] = c.signature.inputs;
  if (!image || extra.length)
    throw c.misfit(`it must take exactly one input (an image), not ${c.signature.inputs.length}`);
  c.expectTensor(image, ["float"], 4, "the image input");
  const channels = image.shape?.[1] === 1 || image.shape?.[1] === 3 || image.shape?.[3] === 1 || image.shape?.[3] === 3;
  if (!channels) throw c.misfit(`input "${image.name}" must be NCHW or NHWC with 1 or 3 channels`);
  const declared = parsePreprocessing(
    imagePreprocessing,
    c.has("preprocessing") ? await c.readJson("preprocessing", "a JSON object") : {},
  );
  if (!declared.ok) throw c.misfit(`the preprocessing asset is invalid (${declared.why})`);
  const pre = declared.value;
  if (hasSymbolicSize(image.shape) && !pre.inputSize) {
    throw c.misfit(
      `input "${image.name}" leaves its height or width open (${JSON.stringify(image.shape)}): declare the size it ` +
        'expects in the preprocessing asset, e.g. {"inputSize": {"height": 32, "width": 128}, "resize": "letterbox"}',
    );
  }
  const size = imageLayoutOf(image.shape, pre.inputSize);
  // A preset made for another graph (ImageNet's 3-channel mean on a 1-channel model) is refused,
  // never applied halfway: one value for every channel, or one per channel.
  for (const key of ["mean", "std"] as const) {
    const values = pre[key];
    if (values && values.length !== 1 && values.length !== size.channels) {
      throw c.misfit(
        `preprocessing.${key} has ${values.length} values but input "${image.name}" has ${size.channels} channel${size.channels === 1 ? "" : "s"}: give one value, or one per channel`,
      );
    }
  }
  if (pre.channelOrder === "BGR" && size.channels === 1) {
    throw c.misfit(`preprocessing.channelOrder "BGR" needs a 3-channel input; "${image.name}" has 1 channel`);
  }
  if (pre.inputSize && !hasSymbolicSize(image.shape)) {
    if (pre.inputSize.height !== size.height || pre.inputSize.width !== size.width) {
      throw c.misfit(
        `preprocessing.inputSize ${pre.inputSize.height}×${pre.inputSize.width} contradicts input "${image.name}" (${size.height}×${size.width})`,
      );
    }
  }
  if (pre.resize === "shorter-side-crop" && pre.shorterSide && pre.shorterSide < Math.max(size.height, size.width)) {
    throw c.misfit(
      `preprocessing.shorterSide ${pre.shorterSide} is smaller than the crop ${size.height}×${size.width}`,
    );
  }
  return pre;
}
