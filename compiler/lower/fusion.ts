/**
 * Lowering of fusions (tinybig.fusion), used for channel fusion in a head and head fusion in a layer.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import { reconciliationExtras, type WeightSource } from '../spec/params.js';
import type { FusionSpec } from '../spec/types.js';
import { lowerProcessList } from './processing.js';
import { lowerReconciliation } from './reconciliation.js';

const addAll = (b: GraphBuilder, xs: Value[]): Value => xs.reduce((acc, x) => b.add(acc, x));

export function lowerFusion(b: GraphBuilder, inputs: Value[], f: FusionSpec, param: Float32Array | undefined, ws: WeightSource): Value {
  return b.scoped(`fusion[${f.type}]`, () => fusionCore(b, inputs, f, param, ws));
}

function fusionCore(b: GraphBuilder, inputs: Value[], f: FusionSpec, param: Float32Array | undefined, ws: WeightSource): Value {
  const xs = inputs.map((x) => lowerProcessList(b, x, f.pre, ws));
  const K = xs.length;
  let y: Value;
  switch (f.type) {
    case 'mean_fusion':
      y = K === 1 ? xs[0] : b.div(addAll(b, xs), K);
      break;
    case 'sum_fusion':
    case 'summation_fusion':
      y = addAll(b, xs);
      break;
    case 'average_fusion':
      y = addAll(b, xs.map((x) => b.mul(x, 1 / K)));
      break;
    case 'parameterized_weighted_summation_fusion': // one input only (K > 1 refused): y = w[0,0]·x
      y = b.mul(xs[0], b.constant(float32s([param![0]], []), f.paramKey));
      break;
    case 'weighted_summation_fusion': {
      const w = f.options.weights as number[];
      y = addAll(b, xs.map((x, k) => b.mul(x, w[k])));
      break;
    }
    case 'max_fusion':
      y = K === 1 ? xs[0] : b.max(xs);
      break;
    case 'min_fusion':
      y = K === 1 ? xs[0] : b.min(xs);
      break;
    case 'prod_fusion':
      y = xs.reduce((acc, x) => b.mul(acc, x));
      break;
    case 'median_fusion': {
      // lower median: sort with compare-exchange (min/max), take element ⌊(K−1)/2⌋
      const s = [...xs];
      for (let i = 0; i < K; i++) for (let j = 0; j + 1 < K - i; j++) {
        const lo = b.min([s[j], s[j + 1]]);
        const hi = b.max([s[j], s[j + 1]]);
        s[j] = lo;
        s[j + 1] = hi;
      }
      y = s[Math.floor((K - 1) / 2)];
      break;
    }
    case 'concatenation_fusion':
      y = K === 1 ? xs[0] : b.concat(xs, 1);
      break;
    case 'parameterized_concatenation_fusion':
    case 'lowrank_parameterized_concatenation_fusion':
    case 'hm_parameterized_concatenation_fusion':
    case 'lphm_parameterized_concatenation_fusion':
    case 'dual_lphm_parameterized_concatenation_fusion':
    case 'random_matrix_adaption_parameterized_concatenation_fusion': {
      const w = b.constant(float32s([...param!], [1, f.l]), f.paramKey);
      const W = lowerReconciliation(b, w, f.reconciliation!, reconciliationExtras(f.reconciliation!, ws));
      y = b.matmul(K === 1 ? xs[0] : b.concat(xs, 1), b.transpose(W, [1, 0]));
      break;
    }
    default:
      return fail('RPN4101', `no lowering for fusion ${f.type}`);
  }
  return lowerProcessList(b, y, f.post, ws);
}
