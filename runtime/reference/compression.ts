/**
 * Compression functions (spec rpn2-compression-geometric §2), straight from the definitions: x (b×m) → κ(x) (b×D).
 *
 *   identity: x;  reciprocal: 1/v with v ∈ [0, 1e-6] → 1e-6 and v ∈ [−1e-6, 0) → −1e-6
 *   linear: c·x | pre_C·x (pre_C b×b) | x·post_C (post_C m×m) — the first given wins; none → x
 *   max / min / sum / mean / prod / median (torch.median: lower median) / l1, l2 norm / std, variance (unbiased): one column
 *   extended: [f_1(x) | … | f_k(x)];  nested: f_k(…f_1(x))
 *   geometric compression / expansion: runtime/reference/geometric.ts
 */
import type { WeightSource } from '../../compiler/spec/params.js';
import type { ExpansionSpec } from '../../compiler/spec/types.js';
import { expand } from './expansion.js';
import { geometricCompression, geometricExpansion } from './geometric.js';
import { concatCols, map, matmul, zeros, type Mat } from './matrix.js';

const REDUCTIONS: Record<string, string> = {
  max_compression: 'batch_max', min_compression: 'batch_min', sum_compression: 'batch_sum', mean_compression: 'batch_mean',
  prod_compression: 'batch_prod', median_compression: 'batch_median',
};

export function compressCore(e: ExpansionSpec, x: Mat, ws: WeightSource): Mat {
  const o = e.options;
  switch (e.type) {
    case 'identity_compression':
      return x;
    case 'reciprocal_compression': {
      const eps = Math.fround(1e-6);
      return map(x, (v) => 1 / (v >= 0 && v <= eps ? eps : v < 0 && v >= -eps ? -eps : v));
    }
    case 'linear_compression': {
      if (o.c !== undefined && o.c !== null) {
        const c = o.c;
        return map(x, (v, _i, j) => (Array.isArray(c) ? (c.length === 1 ? c[0] : c[j]) : (c as number)) * v);
      }
      if (o.preC !== undefined && o.preC !== null) return matmul(constMatrix(e, 'pre_C', o.preC, x.rows, x.rows, ws), x);
      if (o.postC !== undefined && o.postC !== null) return matmul(x, constMatrix(e, 'post_C', o.postC, x.cols, x.cols, ws));
      return x;
    }
    case 'extended_compression':
      return concatCols(e.children.map((c) => expand(c, x, ws)));
    case 'nested_compression':
      return e.children.reduce((acc, c) => expand(c, acc, ws), x);
    default:
      break;
  }
  const metric = e.type === 'metric_compression' ? (o.metric as string) : REDUCTIONS[e.type];
  if (metric) {
    const y = zeros(x.rows, 1);
    for (let r = 0; r < x.rows; r++) y.data[r] = reduce(metric, Array.from(x.data.slice(r * x.cols, (r + 1) * x.cols)));
    return y;
  }
  if (e.grid) {
    if (e.type.endsWith('_compression')) return geometricCompression(e.grid, geometricMetric(e), x);
    return geometricExpansion(e.grid, x);
  }
  throw new Error(`reference: compression ${e.type} is not implemented`);
}

/** The metric of a geometric compression class. */
function geometricMetric(e: ExpansionSpec): string {
  const mt = /_(max|min|mean)_based_geometric_compression$/.exec(e.type);
  return mt ? `batch_${mt[1]}` : (e.options.metric as string);
}

function constMatrix(e: ExpansionSpec, name: string, v: unknown, rows: number, cols: number, ws: WeightSource): Mat {
  const data = v === 'sidecar' ? ws.get(`${e.prefix}${name}`, [rows, cols], { requiredBy: `${e.type} (reference)` }) : (v as number[][]).flat();
  if (data.length !== rows * cols) throw new Error(`reference: ${e.type}'s ${name} is not ${rows}×${cols}`);
  return { rows, cols, data: Float64Array.from(data) };
}

function reduce(metric: string, v: number[]): number {
  const m = v.length;
  const mean = v.reduce((a, b) => a + b, 0) / m;
  switch (metric) {
    case 'batch_max': return Math.max(...v);
    case 'batch_min': return Math.min(...v);
    case 'batch_sum': return v.reduce((a, b) => a + b, 0);
    case 'batch_mean': return mean;
    case 'batch_prod': return v.reduce((a, b) => a * b, 1);
    case 'batch_median': return [...v].sort((a, b) => a - b)[Math.floor((m - 1) / 2)];
    case 'batch_l1_norm': return v.reduce((a, b) => a + Math.abs(b), 0);
    case 'batch_l2_norm': return Math.sqrt(v.reduce((a, b) => a + b * b, 0));
    case 'batch_variance': return v.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1);
    case 'batch_std': return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1));
    default: throw new Error(`reference: unknown metric ${metric}`);
  }
}
