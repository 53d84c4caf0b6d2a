/** A binary logistic-regression head: p(positive) = σ(w·x + b). */
export interface LogisticHead {
  weights: Float64Array;
  bias: number;
}

export interface LogisticOptions {
  /** L2 penalty on the weights. */
  l2: number;
  epochs: number;
  learningRate: number;
}

export const DEFAULT_LOGISTIC: LogisticOptions = { l2: 1e-4, epochs: 400, learningRate: 0.05 };

/**
 * Full-batch Adam on the mean log-loss + L2. Deterministic (no sampling), so the same data
 * gives the same head bit for bit.
 */
export function trainLogistic(
  x: Float32Array[],
  y: number[],
  options: LogisticOptions = DEFAULT_LOGISTIC,
): LogisticHead {
  const dims = x[0]?.length ?? 0;
  const w = new Float64Array(dims);
  let b = 0;
  const m = new Float64Array(dims + 1);
  const v = new Float64Array(dims + 1);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  const grad = new Float64Array(dims + 1);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    grad.fill(0);
    for (let i = 0; i < x.length; i++) {
      const row = x[i] as Float32Array;
      const err = sigmoid(score(w, b, row)) - (y[i] as number);
      for (let d = 0; d < dims; d++) grad[d] = (grad[d] as number) + err * (row[d] as number);
      grad[dims] = (grad[dims] as number) + err;
    }
    for (let d = 0; d <= dims; d++) {
      const g = (grad[d] as number) / x.length + (d < dims ? options.l2 * (w[d] as number) : 0);
      m[d] = beta1 * (m[d] as number) + (1 - beta1) * g;
      v[d] = beta2 * (v[d] as number) + (1 - beta2) * g * g;
      const step =
        (options.learningRate * ((m[d] as number) / (1 - beta1 ** epoch))) /
        (Math.sqrt((v[d] as number) / (1 - beta2 ** epoch)) + eps);
      if (d < dims) w[d] = (w[d] as number) - step;
      else b -= step;
    }
  }
  return { weights: w, bias: b };
}

export function predictPositive(head: LogisticHead, row: Float32Array): number {
  return sigmoid(score(head.weights, head.bias, row));
}

function score(w: Float64Array, b: number, row: Float32Array): number {
  let s = b;
  for (let d = 0; d < row.length; d++) s += (w[d] as number) * (row[d] as number);
  return s;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Accuracy and F1 (positive class) of a head on labelled rows. */
export function binaryMetrics(head: LogisticHead, x: Float32Array[], y: number[]): { accuracy: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let correct = 0;
  x.forEach((row, i) => {
    const predicted = predictPositive(head, row) >= 0.5 ? 1 : 0;
    if (predicted === y[i]) correct++;
    if (predicted === 1 && y[i] === 1) tp++;
    if (predicted === 1 && y[i] === 0) fp++;
    if (predicted === 0 && y[i] === 1) fn++;
  });
  return { accuracy: correct / x.length, f1: (2 * tp) / (2 * tp + fp + fn) };
}
