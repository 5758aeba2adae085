/**
 * Processing functions (torch.nn modules in tinybig's processing slots), applied to a b×F matrix.
 * Rows are samples, columns are features. A list is applied left to right.
 */
import { batchNormParams, layerNormParams, type WeightSource } from '../../compiler/spec/params.js';
import type { ProcessSpec } from '../../compiler/spec/types.js';
import { map, zeros, type Mat } from './matrix.js';

export function applyProcessList(list: ProcessSpec[], x: Mat, ws: WeightSource): Mat {
  let y = x;
  for (const p of list) y = applyProcess(p, y, ws);
  return y;
}

export function applyProcess(p: ProcessSpec, x: Mat, ws: WeightSource): Mat {
  const o = p.options;
  switch (p.type) {
    case 'Identity':
    case 'Dropout': // inference: identity
      return x;
    case 'ReLU':
      return map(x, (v) => (v > 0 || Number.isNaN(v) ? v : 0)); // torch.relu keeps NaN
    case 'Sigmoid':
      return map(x, sigmoid);
    case 'Tanh':
      return map(x, Math.tanh);
    case 'exp':
      return map(x, Math.exp);
    case 'SiLU':
      return map(x, (v) => v * sigmoid(v));
    case 'GELU':
      if (o.approximate === 'tanh') return map(x, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
      return map(x, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2)));
    case 'LeakyReLU': {
      const slope = (o.negativeSlope as number | undefined) ?? 0.01;
      return map(x, (v) => (v >= 0 ? v : slope * v));
    }
    case 'ELU': {
      const alpha = (o.alpha as number | undefined) ?? 1;
      return map(x, (v) => (v > 0 ? v : alpha * (Math.exp(v) - 1)));
    }
    case 'CELU': {
      const alpha = (o.alpha as number | undefined) ?? 1;
      return map(x, (v) => Math.max(0, v) + Math.min(0, alpha * (Math.exp(v / alpha) - 1)));
    }
    case 'Softplus': {
      const beta = (o.beta as number | undefined) ?? 1;
      const threshold = (o.threshold as number | undefined) ?? 20;
      return map(x, (v) => (v * beta > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta));
    }
    case 'Softmax':
      return softmaxRows(x, false);
    case 'LogSoftmax':
      return softmaxRows(x, true);
    case 'BatchNorm1d':
      return batchNorm(p, x, ws);
    case 'LayerNorm':
      return layerNorm(p, x, ws);
    default:
      throw new Error(`reference: processing function '${p.type}' is not implemented`);
  }
}

export function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

/** Softmax (or log-softmax) over the feature axis of every row. */
function softmaxRows(x: Mat, log: boolean): Mat {
  const out = zeros(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    let max = -Infinity;
    for (let j = 0; j < x.cols; j++) max = Math.max(max, x.data[i * x.cols + j]);
    let sum = 0;
    for (let j = 0; j < x.cols; j++) sum += Math.exp(x.data[i * x.cols + j] - max);
    for (let j = 0; j < x.cols; j++) {
      const z = x.data[i * x.cols + j] - max;
      out.data[i * x.cols + j] = log ? z - Math.log(sum) : Math.exp(z) / sum;
    }
  }
  return out;
}

/**
 * BatchNorm1d over the feature axis.
 * eval (running stats in the weights): y = (x − μ_run)/√(σ²_run + ε)·γ + β.
 * batch (tinybig's list-held BatchNorm): μ, σ² (biased) over the rows of this batch, γ = 1, β = 0.
 */
function batchNorm(p: ProcessSpec, x: Mat, ws: WeightSource): Mat {
  const bn = batchNormParams(p, ws);
  const out = zeros(x.rows, x.cols);
  for (let j = 0; j < x.cols; j++) {
    let mean: number;
    let variance: number;
    let gamma = 1;
    let beta = 0;
    if (bn.mode === 'eval') {
      mean = bn.runningMean![j];
      variance = bn.runningVar![j];
      if (bn.weight) gamma = bn.weight[j];
      if (bn.bias) beta = bn.bias[j];
    } else {
      if (x.rows < 2) throw new Error('reference: BatchNorm1d with batch statistics needs at least 2 rows');
      mean = 0;
      for (let i = 0; i < x.rows; i++) mean += x.data[i * x.cols + j];
      mean /= x.rows;
      variance = 0;
      for (let i = 0; i < x.rows; i++) variance += (x.data[i * x.cols + j] - mean) ** 2;
      variance /= x.rows;
    }
    for (let i = 0; i < x.rows; i++) out.data[i * x.cols + j] = ((x.data[i * x.cols + j] - mean) / Math.sqrt(variance + bn.eps)) * gamma + beta;
  }
  return out;
}

/** LayerNorm over the feature axis of every row (biased variance); γ/β from the weights or 1/0. */
function layerNorm(p: ProcessSpec, x: Mat, ws: WeightSource): Mat {
  const ln = layerNormParams(p, ws);
  const out = zeros(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    let mean = 0;
    for (let j = 0; j < x.cols; j++) mean += x.data[i * x.cols + j];
    mean /= x.cols;
    let variance = 0;
    for (let j = 0; j < x.cols; j++) variance += (x.data[i * x.cols + j] - mean) ** 2;
    variance /= x.cols;
    for (let j = 0; j < x.cols; j++) {
      const g = ln.weight ? ln.weight[j] : 1;
      const b = ln.bias ? ln.bias[j] : 0;
      out.data[i * x.cols + j] = ((x.data[i * x.cols + j] - mean) / Math.sqrt(variance + ln.eps)) * g + b;
    }
  }
  return out;
}

/**
 * The error function to double precision: Maclaurin series for |x| < 2.5, the continued fraction of
 * erfc beyond (both converge to ~1e-15 there).
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) {
    // erf(x) = 2/√π · Σ_n (−1)^n x^(2n+1) / (n! (2n+1))
    let term = x; // (−1)^n x^(2n+1) / n!
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (a > 6) return Math.sign(x);
  // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …)))))
  let t = a;
  for (let k = 80; k >= 1; k--) t = a + k / 2 / t;
  const erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / t;
  return Math.sign(x) * (1 - erfc);
}
