/**
 * Lowering of parameter reconciliations ψ (tinybig.reconciliation) to IR: the parameter row
 * w (1, l) -> W (n, D). Everything here reads only constants, so constant folding turns it into
 * one dense W at compile time (`--no-fold` keeps these ops in the ONNX file).
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { tensor } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import type { ReconciliationSpec } from '../spec/types.js';

/** Consecutive pieces of w, taken in order: `take(len, shape)`. */
function splitter(b: GraphBuilder, w: Value) {
  let at = 0;
  return (len: number, shape: number[]): Value => {
    const piece = b.slice(w, [at], [at + len], [1]);
    at += len;
    return b.reshape(piece, shape);
  };
}

export function lowerReconciliation(b: GraphBuilder, w: Value | undefined, r: ReconciliationSpec): Value {
  const { n, D } = r;
  const o = r.options;
  const need = (): Value => w ?? fail('RPN4102', `${r.type} needs its parameter row`);
  switch (r.type) {
    case 'identity_reconciliation':
      return b.reshape(need(), [n, D]);
    case 'lorr_reconciliation': {
      const take = splitter(b, need());
      const rank = o.r as number;
      const A = take(n * rank, [n, rank]);
      const B = take(rank * D, [rank, D]);
      return b.matmul(A, B);
    }
    case 'constant_reconciliation':
      return b.constant(tensor('float32', [n, D], new Array(n * D).fill(o.c as number)));
    case 'zero_reconciliation':
      return b.constant(tensor('float32', [n, D]));
    case 'one_reconciliation':
      return b.constant(tensor('float32', [n, D], new Array(n * D).fill(1)));
    case 'constant_eye_reconciliation': {
      const t = tensor('float32', [n, D]);
      for (let i = 0; i < Math.min(n, D); i++) (t.data as Float32Array)[i * D + i] = 1;
      return b.constant(t);
    }
    case 'duplicated_padding_reconciliation': {
      // W.flat[f] = w[f mod (s·t)]: a row-major tile of w, p·q times
      const p = o.p as number;
      const q = o.q as number;
      return b.reshape(b.tile(need(), [1, p * q]), [n, D]);
    }
    case 'hm_reconciliation':
    case 'lphm_reconciliation':
    case 'dual_lphm_reconciliation': {
      // W = reshape(outer(a, β), n×D) — a reshaped outer product, not a Kronecker product.
      const p = o.p as number;
      const q = o.q as number;
      const s = n / p;
      const t = D / q;
      const rank = o.r as number;
      const take = splitter(b, need());
      let a: Value;
      let beta: Value;
      if (r.type === 'hm_reconciliation') {
        a = take(p * q, [p * q, 1]);
        beta = take(s * t, [1, s * t]);
      } else if (r.type === 'lphm_reconciliation') {
        a = take(p * q, [p * q, 1]);
        const S = take(s * rank, [s, rank]);
        const T = take(rank * t, [rank, t]);
        beta = b.reshape(b.matmul(S, T), [1, s * t]);
      } else {
        const P = take(p * rank, [p, rank]);
        const Q = take(rank * q, [rank, q]);
        const S = take(s * rank, [s, rank]);
        const T = take(rank * t, [rank, t]);
        a = b.reshape(b.matmul(P, Q), [p * q, 1]);
        beta = b.reshape(b.matmul(S, T), [1, s * t]);
      }
      return b.reshape(b.matmul(a, beta), [n, D]);
    }
    default:
      return fail('RPN4101', `no lowering for reconciliation ${r.type}`);
  }
}
