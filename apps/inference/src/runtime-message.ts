/**
 * onnxruntime's message without its internals: the first line, without source paths
 * (`/onnxruntime_src/…/x.cc:123`), C++ signatures (`onnxruntime::…(…)`) and bracketed
 * prefixes such as `[ONNXRuntimeError] : 2 : INVALID_ARGUMENT :`.
 */
export function runtimeMessage(raw: string): string {
  const firstLine = raw.split("\n")[0] ?? "";
  const cleaned = firstLine
    .replace(/\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*[A-Z_]+\s*:\s*/g, "")
    .replace(/\S*\/[\w./-]+\.(cc|cpp|h|hpp|c)(:\d+)?\s*/g, "")
    .replace(/(\w+::)+[\w~<>]+\s*\([^)]*\)(\s*const)?\s*/g, "")
    .replace(/(\w+::)+[\w~<>*&]+\s*/g, "")
    .replace(/\s+/g, " ")
    .trim();
  return (cleaned || "inference failed").slice(0, 300);
}
