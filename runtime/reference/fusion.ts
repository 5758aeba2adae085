/**
 * Fusions (rpn-semantics §10): combine K inputs x_0 … x_{K−1} (each b×n_k) into one b×n matrix.
 * Used for a head's channels (channel fusion) and for a layer's heads (head fusion).
 * `w` is the fusion's (1, l) parameter row, for the parameterized concatenations.
 */
import { reconciliationExtras, type WeightSource } from '../../compiler/spec/params.js';
import type { FusionSpec } from '../../compiler/spec/types.js';
import { concatCols, linear, zeros, type Mat } from './matrix.js';
import { applyProcessList } from './processing.js';
import { fabricate } from './reconciliation.js';

export function fuse(f: FusionSpec, inputs: Mat[], w: Float32Array | undefined, ws: WeightSource): Mat {
  // pre-processing is applied to every input (tinybig applies it to the stacked K×b×n tensor)
  const xs = inputs.map((x) => applyProcessList(f.pre, x, ws));
  const out = fuseCore(f, xs, w, f.reconciliation ? reconciliationExtras(f.reconciliation, ws) : {});
  if (out.cols !== f.n) throw new Error(`reference: ${f.type} produced ${out.cols} columns, spec says n = ${f.n}`);
  return applyProcessList(f.post, out, ws);
}

function fuseCore(f: FusionSpec, xs: Mat[], w: Float32Array | undefined, extras: Record<string, Float32Array>): Mat {
  const K = xs.length;
  switch (f.type) {
    case 'mean_fusion':
      return elementwise(xs, (v) => v.reduce((a, b) => a + b, 0) / K);
    case 'sum_fusion':
    case 'summation_fusion': // weights 1
      return elementwise(xs, (v) => v.reduce((a, b) => a + b, 0));
    case 'average_fusion': // weights 1/K
      return elementwise(xs, (v) => v.reduce((a, b) => a + b / K, 0));
    case 'parameterized_weighted_summation_fusion': // tinybig runs one input only: y = w[0,0]·x
      if (K !== 1 || !w) throw new Error('reference: parameterized_weighted_summation_fusion takes one input and its parameter');
      return elementwise(xs, (v) => w[0] * v[0]);
    case 'weighted_summation_fusion': {
      const weights = f.options.weights as number[];
      return elementwise(xs, (v) => v.reduce((a, b, k) => a + weights[k] * b, 0));
    }
    case 'max_fusion':
      return elementwise(xs, (v) => v.reduce((a, b) => Math.max(a, b), -Infinity));
    case 'min_fusion':
      return elementwise(xs, (v) => v.reduce((a, b) => Math.min(a, b), Infinity));
    case 'prod_fusion':
      return elementwise(xs, (v) => v.reduce((a, b) => a * b, 1));
    case 'median_fusion':
      // torch.median: the lower median for an even K
      return elementwise(xs, (v) => [...v].sort((a, b) => a - b)[Math.floor((K - 1) / 2)]);
    case 'concatenation_fusion':
      return concatCols(xs);
    case 'parameterized_concatenation_fusion':
    case 'lowrank_parameterized_concatenation_fusion':
    case 'hm_parameterized_concatenation_fusion':
    case 'lphm_parameterized_concatenation_fusion':
    case 'dual_lphm_parameterized_concatenation_fusion':
    case 'random_matrix_adaption_parameterized_concatenation_fusion': {
      // cat(x)·Wᵀ, W (n × Σdims) fabricated from w by the fusion's reconciliation (identity = plain reshape)
      if (!f.reconciliation) throw new Error(`reference: ${f.type} has no reconciliation in its spec`);
      const W = fabricate(f.reconciliation, w, extras);
      return linear(concatCols(xs), W);
    }
    default:
      throw new Error(`reference: fusion '${f.type}' is not implemented`);
  }
}

/** out[i, j] = f([x_0[i, j], …, x_{K−1}[i, j]]). */
function elementwise(xs: Mat[], f: (values: number[]) => number): Mat {
  const { rows, cols } = xs[0];
  for (const x of xs) if (x.rows !== rows || x.cols !== cols) throw new Error('reference: fusing inputs of different shapes');
  const out = zeros(rows, cols);
  for (let k = 0; k < rows * cols; k++) out.data[k] = f(xs.map((x) => x.data[k]));
  return out;
}
