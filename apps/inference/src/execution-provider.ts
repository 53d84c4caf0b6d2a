import fs from "node:fs";
import path from "node:path";

/**
 * Fails at start, with what is missing, when the configured execution provider cannot run.
 * The CPU provider ships inside onnxruntime-node; the CUDA one is a separate library that
 * the repo's `.npmrc` (onnxruntime-node-install=skip) does not download.
 */
export function assertExecutionProvider(provider: "cpu" | "cuda"): void {
  if (provider === "cpu") return;
  const binDir = path.join(
    path.dirname(require.resolve("onnxruntime-node/package.json")),
    "bin",
    "napi-v6",
    process.platform,
    process.arch,
  );
  const library = path.join(binDir, "libonnxruntime_providers_cuda.so");
  if (!fs.existsSync(library)) {
    throw new Error(
      `INFERENCE_EXECUTION_PROVIDER=cuda, but ${library} is missing: onnxruntime-node was installed ` +
        "without its CUDA provider (onnxruntime-node-install=skip in .npmrc). Install it on the GPU " +
        "image with `npm rebuild onnxruntime-node --onnxruntime-node-install=cuda12` and make the CUDA 12 " +
        "and cuDNN 9 libraries loadable (LD_LIBRARY_PATH), or use INFERENCE_EXECUTION_PROVIDER=cpu.",
    );
  }
}
