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
  if (/probabilistic_compression$|^combinatorial_compression$/.test(e.type) || e.type === 'incremental_variance_threshold_based_compression') return corner(e, x);
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
    case 'batch_max': return v.reduce((a, b) => Math.max(a, b), -Infinity);
    case 'batch_min': return v.reduce((a, b) => Math.min(a, b), Infinity);
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

/** ln Γ by the reflection-free Stirling series with a shift (the reference's own). */
function lnGammaRef(z: number): number {
  let shift = 0;
  while (z < 10) {
    shift -= Math.log(z);
    z += 1;
  }
  return shift + (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5);
}

/** The deterministic corners of the sampling compressions (spec §3.5) and the first-call variance selection (§3.6). */
function corner(e: ExpansionSpec, x: Mat): Mat {
  const o = e.options;
  const forced = ['naive_probabilistic_compression', 'naive_uniform_probabilistic_compression', 'naive_chi2_probabilistic_compression', 'naive_exponential_probabilistic_compression', 'naive_gamma_probabilistic_compression'];
  const normalised = o.requireNormalization !== false || forced.includes(e.type);
  const u = (v: number) => (normalised ? 0.99 / (1 + Math.exp(-v)) + 0.001 : v);
  const opt = (k: string, dflt: number) => (o[k] as number | undefined) ?? dflt;
  if (e.type.startsWith('naive_')) {
    if (o.simplySampling !== false) return x;
    if (o.logProb !== true) return map(x, u);
    const logp: (t: number) => number = (() => {
      switch (e.type) {
        case 'naive_normal_probabilistic_compression': { const mu = opt('mean', 0), sd = opt('std', 1); return (t) => -((t - mu) ** 2) / (2 * sd * sd) - Math.log(sd) - 0.5 * Math.log(2 * Math.PI); }
        case 'naive_cauchy_probabilistic_compression': { const l = opt('loc', 0), s = opt('scale', 1); return (t) => -Math.log(Math.PI * s * (1 + ((t - l) / s) ** 2)); }
        case 'naive_laplace_probabilistic_compression': { const l = opt('loc', 0), s = opt('scale', 1); return (t) => -Math.log(2 * s) - Math.abs(t - l) / s; }
        case 'naive_exponential_probabilistic_compression': { const r = opt('rate', 0.5); return (t) => Math.log(r) - r * t; }
        case 'naive_chi2_probabilistic_compression': { const k = opt('df', 1); return (t) => (k / 2 - 1) * Math.log(t) - t / 2 - (k / 2) * Math.log(2) - lnGammaRef(k / 2); }
        case 'naive_gamma_probabilistic_compression': { const a = opt('concentration', 1), r = opt('rate', 1); return (t) => a * Math.log(r) + (a - 1) * Math.log(t) - r * t - lnGammaRef(a); }
        default: { const lo = opt('low', 0), hi = opt('high', 1); return () => -Math.log(hi - lo); }
      }
    })();
    return map(x, (v) => logp(u(v)));
  }
  if (e.type.startsWith('combinatorial_')) {
    const d = opt('d', 1), k = opt('k', 1), m = x.cols;
    const all: number[][][] = [];
    for (let r = 1; r <= d; r++) {
      const sets: number[][] = [];
      const rec = (start: number, cur: number[]) => { if (cur.length === r) { sets.push(cur); return; } for (let i = start; i < m; i++) rec(i + 1, [...cur, i]); };
      rec(0, []);
      all.push(sets);
    }
    const probabilistic = e.type === 'combinatorial_probabilistic_compression' || (o.simplySampling === false && o.logProb === true);
    const rowOut = (row: number[]): number[] => {
      const out: number[] = [];
      // log-densities: block-major (all subsets of r = 1, then r = 2, …); raw subsets: subset-major ([s_i of r = 1, s_i of r = 2, …] per i)
      if (probabilistic) for (let r = 1; r <= d; r++) for (let i = 0; i < k; i++) out.push(-0.5 * (r * Math.log(2 * Math.PI) + all[r - 1][i].reduce((a, j) => a + u(row[j]) ** 2, 0)));
      else for (let i = 0; i < k; i++) for (let r = 1; r <= d; r++) for (const j of all[r - 1][i]) out.push(o.simplySampling === false ? u(row[j]) : row[j]);
      return out;
    };
    const rows = Array.from({ length: x.rows }, (_, r) => rowOut(Array.from(x.data.slice(r * x.cols, (r + 1) * x.cols))));
    const y = zeros(x.rows, rows[0].length);
    rows.forEach((r, i) => r.forEach((v, j) => (y.data[i * y.cols + j] = v)));
    return y;
  }
  // variance threshold, first call: unbiased batch variance per column, the D largest, in ascending order of variance
  const D = o.D as number;
  const vars = Array.from({ length: x.cols }, (_, j) => {
    const col = Array.from({ length: x.rows }, (_, i) => x.data[i * x.cols + j]);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    return col.reduce((a, b) => a + (b - mean) ** 2, 0) / (col.length - 1);
  });
  const order = vars.map((v, j) => [v, j]).sort((a, c) => a[0] - c[0] || a[1] - c[1]).map((p) => p[1]);
  const keep = order.slice(order.length - D);
  const y = zeros(x.rows, D);
  for (let i = 0; i < x.rows; i++) keep.forEach((j, t) => (y.data[i * D + t] = x.data[i * x.cols + j]));
  return y;
}
