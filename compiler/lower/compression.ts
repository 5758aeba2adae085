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
import { compressionMetric } from '../spec/compression.js';
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
