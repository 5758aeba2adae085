/**
 * Lowering of remainders π (tinybig.remainder) to IR. Returns undefined when nothing is added.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import type { HeadParams, WeightSource } from '../spec/params.js';
import type { RemainderSpec } from '../spec/types.js';
import { lowerProcessList } from './processing.js';

export function lowerRemainder(b: GraphBuilder, x0: Value, r: RemainderSpec, params: HeadParams, prefix: string, ws: WeightSource): Value | undefined {
  return b.scoped(`remainder[${r.type}]`, () => remainderCore(b, x0, r, params, prefix, ws));
}

function remainderCore(b: GraphBuilder, x0: Value, r: RemainderSpec, params: HeadParams, prefix: string, ws: WeightSource): Value | undefined {
  let y: Value;
  switch (r.type) {
    case 'none':
    case 'zero_remainder':
      return undefined;
    case 'identity_remainder':
      y = x0;
      break;
    case 'linear_remainder':
      if (!r.weight) {
        y = x0;
        break;
      }
      // x·W_rᵀ (+ b_r), W_r (n, m)
      y = b.matmul(x0, b.transpose(b.constant(float32s([...params.wRemainder!], [r.n, r.m]), `${prefix}w_remainder`), [1, 0]));
      if (params.bRemainder) y = b.add(y, b.constant(float32s([...params.bRemainder]), `${prefix}b_remainder`));
      break;
    case 'constant_remainder':
    case 'one_remainder': {
      const c = r.type === 'one_remainder' ? 1 : (r.options.c as number);
      y = b.constant(float32s(new Array(r.n).fill(c), [1, r.n]), `${prefix}remainder_constant`);
      break;
    }
    default:
      return fail('RPN4101', `no lowering for remainder ${r.type}`);
  }
  return lowerProcessList(b, y, r.act, ws);
}
