/**
 * Lowering of tinybig's compression functions and standalone geometric expansions (spec rpn2-compression-geometric
 * §2, §4, §10): x (batch, m) → κ(x) (batch, D). Pre/post processing slots are applied by lowerExpansion around this.
 *
 *   identity: x;  reciprocal: 1/clamp(x) (values in [0, 1e-6] → 1e-6, in [−1e-6, 0) → −1e-6)
 *   linear: c·x (c a number or a row vector), pre_C·x (b×b, fixed batch), x·post_C (m×m); constants from the options
 *           or the weights (`…data_transformation.pre_C` / `.post_C`)
 *   max / min / sum / mean / prod: Reduce* over the features (keepdims);  l1 / l2 norm; std / variance (unbiased)
 *   median: the element of rank ⌊(m−1)/2⌋ (lower median), picked with a stable rank count (Less + ReduceSum): rank_j =
 *           #{i < j: x_i ≤ x_j} + #{i > j: x_i < x_j}, a permutation of 0…m−1, so exactly one element is picked
 *   extended: concatenation of the members; nested: composition
 *   geometric compression: the grid_compression_head lowering (compiler/lower/grid.ts); geometric expansion:
 *           compiler/lower/geometric.ts
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s, tensor } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import { FORCED_NORMALIZATION, NAIVE_DISTRIBUTIONS, compressionMetric, isSamplingCorner, subsets } from '../spec/compression.js';
import { geometricCompressionClass } from '../spec/geometric.js';
import type { WeightSource } from '../spec/params.js';
import type { ExpansionSpec } from '../spec/types.js';
import { lowerExpansion } from './expansion.js';
import { lowerGeometricExpansion } from './geometric.js';
import { lowerCompression as lowerPatchPooling } from './grid.js';

export function lowerCompressionCore(b: GraphBuilder, x: Value, e: ExpansionSpec, ws: WeightSource): Value {
  const o = e.options;
  const m = e.m;
  switch (e.type) {
    case 'identity_compression':
      return x;
    case 'reciprocal_compression': {
      const e6 = Math.fround(1e-6);
      const pos = b.where(b.greaterOrEqual(x, 0), b.constant(float32s([e6], [])), -e6);
      return b.div(1, b.where(b.less(b.abs(x), e6), pos, x)); // |x| = 1e-6 exactly keeps its value: the same ±1e-6
    }
    case 'linear_compression': {
      if (o.c !== undefined && o.c !== null) {
        return Array.isArray(o.c) ? b.mul(x, b.constant(float32s(o.c as number[], [1, (o.c as number[]).length]), `${e.prefix}c`)) : b.mul(x, o.c as number);
      }
      if (o.preC !== undefined && o.preC !== null) {
        const B = o.preC === 'sidecar' ? (o.b as number) : (o.preC as number[][]).length;
        return b.matmul(matrixConstant(b, o.preC, B, B, `${e.prefix}pre_C`, ws, e), x);
      }
      if (o.postC !== undefined && o.postC !== null) return b.matmul(x, matrixConstant(b, o.postC, m, m, `${e.prefix}post_C`, ws, e));
      return x;
    }
    case 'extended_compression':
      return b.concat(e.children.map((c) => lowerExpansion(b, x, c, ws)), 1);
    case 'nested_compression':
      return e.children.reduce((acc, c) => lowerExpansion(b, acc, c, ws), x);
    default:
      break;
  }
  if (isSamplingCorner(e.type)) return lowerCorner(b, x, e);
  const metric = compressionMetric(e);
  if (metric) return lowerMetric(b, x, metric, m, e.prefix);
  if (e.grid) {
    if (geometricCompressionClass(e.type)) return lowerPatchPooling(b, x, e.grid, e.prefix);
    return lowerGeometricExpansion(b, x, e.grid, e.prefix);
  }
  return fail('RPN4101', `no lowering for compression ${e.type}`);
}

/** A constant matrix of a linear_compression: the option's rows, or the side-car tensor under its key. */
function matrixConstant(b: GraphBuilder, v: unknown, rows: number, cols: number, key: string, ws: WeightSource, e: ExpansionSpec): Value {
  const data = v === 'sidecar' ? ws.get(key, [rows, cols], { requiredBy: `${e.type} (a plain tensor attribute tinybig keeps outside its state_dict: export it as a side-car, e.g. the oracle's extras.safetensors)` }) : (v as number[][]).flat();
  return b.constant(float32s([...data], [rows, cols]), key);
}

function lowerMetric(b: GraphBuilder, x: Value, metric: string, m: number, prefix: string): Value {
  const r = { name: `${prefix}reduce` };
  switch (metric) {
    case 'batch_max': return b.reduceMax(x, [1], true, r);
    case 'batch_min': return b.reduceMin(x, [1], true, r);
    case 'batch_sum': return b.reduceSum(x, [1], true, r);
    case 'batch_mean': return b.reduceMean(x, [1], true, r);
    case 'batch_prod': return b.reduceProd(x, [1], true, r);
    case 'batch_l1_norm': return b.reduceSum(b.abs(x), [1], true, r);
    case 'batch_l2_norm': return b.sqrt(b.reduceSum(b.mul(x, x), [1], true), r);
    case 'batch_variance':
    case 'batch_std': {
      const d = b.sub(x, b.reduceMean(x, [1], true));
      const v = b.div(b.reduceSum(b.mul(d, d), [1], true), m - 1); // unbiased (torch.var / torch.std defaults)
      return metric === 'batch_std' ? b.sqrt(v, r) : v;
    }
    case 'batch_median': {
      if (m === 1) return x;
      const xi = b.unsqueeze(x, [2]); // (batch, m, 1): x_i
      const xj = b.unsqueeze(x, [1]); // (batch, 1, m): x_j
      const lt = b.cast(b.less(xi, xj), 'float32'); // [x_i < x_j]
      const gt = b.cast(b.less(xj, xi), 'float32'); // [x_j < x_i]
      const below = tensor('float32', [m, m]); // i > j
      const above = tensor('float32', [m, m]); // i < j
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
        (below.data as Float32Array)[i * m + j] = i > j ? 1 : 0;
        (above.data as Float32Array)[i * m + j] = i < j ? 1 : 0;
      }
      const aboveC = b.constant(above, `${prefix}median_upper`);
      // rank_j = Σ_{i>j} [x_i < x_j] + Σ_{i<j} (1 − [x_j < x_i])
      const terms = b.add(b.mul(lt, b.constant(below, `${prefix}median_lower`)), b.sub(aboveC, b.mul(gt, aboveC)));
      const rank = b.reduceSum(terms, [1], false); // (batch, m)
      const k = Math.floor((m - 1) / 2);
      const pick = b.less(b.abs(b.sub(rank, k)), 0.5);
      return b.reduceSum(b.where(pick, x, 0), [1], true, r);
    }
    default:
      return fail('RPN4101', `no lowering for metric ${metric}`);
  }
}

/** ln Γ(z) for the constant shape parameters (Lanczos, g = 7). */
function lnGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  z -= 1;
  let a = c[0];
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The deterministic corners of the sampling compressions (§3.5) and the first-call variance selection (§3.6):
 *   naive, k = m:  x (simply_sampling) | u | log p(u),  u = 0.99·σ(x) + 0.001 when normalised
 *   combinatorial, k = C(m, r) ∀ r ≤ d: every subset s_i in lexicographic order, [s_i of r = 1 | s_i of r = 2 | …] per i (raw
 *                  values, subset-major), or −½(r·ln 2π + Σ u²) block-major: [all i of r = 1 | all i of r = 2 | …]
 *   variance threshold: the D columns of largest batch variance, lowest first — a stable rank of the column variances
 *                  (Less + ReduceSum, as the median) and a 0/1 selection matrix built from it.
 */
function lowerCorner(b: GraphBuilder, x: Value, e: ExpansionSpec): Value {
  const o = e.options;
  const m = e.m;
  const normalised = o.requireNormalization !== false || FORCED_NORMALIZATION.includes(e.type);
  const u = () => (normalised ? b.add(b.mul(b.sigmoid(x), 0.99), 0.001) : x);
  if (Object.hasOwn(NAIVE_DISTRIBUTIONS, e.type)) {
    if (o.simplySampling !== false) return x;
    if (o.logProb !== true) return u();
    const p = { ...NAIVE_DISTRIBUTIONS[e.type], ...Object.fromEntries(Object.keys(NAIVE_DISTRIBUTIONS[e.type]).filter((k) => o[k] !== undefined).map((k) => [k, o[k] as number])) };
    const v = u();
    switch (e.type) {
      case 'naive_normal_probabilistic_compression': {
        const z = b.div(b.sub(v, p.mean), p.std);
        return b.sub(b.mul(b.mul(z, z), -0.5), Math.log(p.std) + 0.5 * Math.log(2 * Math.PI));
      }
      case 'naive_cauchy_probabilistic_compression': {
        const z = b.div(b.sub(v, p.loc), p.scale);
        return b.neg(b.add(b.log(b.add(b.mul(z, z), 1)), Math.log(Math.PI * p.scale)));
      }
      case 'naive_laplace_probabilistic_compression':
        return b.sub(b.mul(b.abs(b.sub(v, p.loc)), -1 / p.scale), Math.log(2 * p.scale));
      case 'naive_exponential_probabilistic_compression':
        return b.add(b.mul(v, -p.rate), Math.log(p.rate));
      case 'naive_chi2_probabilistic_compression':
      case 'naive_gamma_probabilistic_compression': {
        const [a, rate] = e.type === 'naive_chi2_probabilistic_compression' ? [p.df / 2, 0.5] : [p.concentration, p.rate];
        return b.add(b.sub(b.mul(b.log(v), a - 1), b.mul(v, rate)), a * Math.log(rate) - lnGamma(a));
      }
      default: // uniform(low, high)
        return b.add(b.mul(v, 0), -Math.log(p.high - p.low));
    }
  }
  if (e.type.startsWith('combinatorial_')) {
    const d = (o.d as number | undefined) ?? 1;
    const k = (o.k as number | undefined) ?? 1;
    const sets = Array.from({ length: d }, (_, r) => subsets(m, r + 1));
    const probabilistic = e.type === 'combinatorial_probabilistic_compression' || (o.simplySampling === false && o.logProb === true);
    if (!probabilistic) {
      const idx: number[] = [];
      for (let i = 0; i < k; i++) for (const s of sets) idx.push(...s[i]);
      return b.gather(o.simplySampling === false ? u() : x, b.constant(tensor('int64', [idx.length], idx), `${e.prefix}subset_index`), 1);
    }
    const v = u();
    const blocks = sets.map((s, r) => {
      const g = b.gather(v, b.constant(tensor('int64', [k, r + 1], s.flat()), `${e.prefix}subset_index_${r + 1}`), 1); // (batch, k, r)
      return b.add(b.mul(b.reduceSum(b.mul(g, g), [2], true), -0.5), -0.5 * (r + 1) * Math.log(2 * Math.PI)); // (batch, k, 1)
    });
    // the log-densities come block-major: all k subsets of r = 1, then of r = 2, … (checked against tinybig, x_c11)
    const flat = blocks.map((bl) => b.reshape(bl, [-1, k]));
    return flat.length === 1 ? flat[0] : b.concat(flat, 1);
  }
  // incremental_variance_threshold_based_compression, first call: batch variances (any positive multiple: only the order matters)
  const D = o.D as number;
  const dev = b.sub(x, b.reduceMean(x, [0], true));
  const v = b.reshape(b.reduceSum(b.mul(dev, dev), [0], true), [m]);
  const lt = b.cast(b.less(b.unsqueeze(v, [1]), b.unsqueeze(v, [0])), 'float32'); // [v_i < v_j]   (m, m)
  const gt = b.cast(b.less(b.unsqueeze(v, [0]), b.unsqueeze(v, [1])), 'float32'); // [v_j < v_i]
  const below = tensor('float32', [m, m]);
  const above = tensor('float32', [m, m]);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
    (below.data as Float32Array)[i * m + j] = i > j ? 1 : 0;
    (above.data as Float32Array)[i * m + j] = i < j ? 1 : 0;
  }
  const aboveC = b.constant(above, `${e.prefix}rank_upper`);
  const rank = b.reduceSum(b.add(b.mul(lt, b.constant(below, `${e.prefix}rank_lower`)), b.sub(aboveC, b.mul(gt, aboveC))), [0], false); // (m)
  const targets = b.constant(float32s(Array.from({ length: D }, (_, t) => m - D + t), [1, D]), `${e.prefix}selected_ranks`);
  const select = b.cast(b.less(b.abs(b.sub(b.unsqueeze(rank, [1]), targets)), 0.5), 'float32'); // (m, D)
  return b.matmul(x, select);
}
