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

/**
 * `extras`: the reconciliation's side-car tensors by attribute name (spec/params.ts `reconciliationExtras`):
 * random matrices / mask / hypernet MLP. They become constants, so ψ still folds to one dense W.
 */
export function lowerReconciliation(b: GraphBuilder, w: Value | undefined, r: ReconciliationSpec, extras: Record<string, Float32Array> = {}): Value {
  const { n, D } = r;
  const o = r.options;
  const need = (): Value => w ?? fail('RPN4102', `${r.type} needs its parameter row`);
  const side = (name: string, shape: number[]): Value => {
    const data = extras[name] ?? fail('RPN4102', `${r.type} needs its side-car tensor '${r.prefix}${name}'`);
    return b.constant(tensor('float32', shape, data), `${r.prefix}${name}`);
  };
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
    case 'masking_reconciliation':
      // W = reshape(w) ⊙ M, M the fixed 0/1 mask tinybig drew at its first forward
      return b.mul(b.reshape(need(), [n, D]), side('mask_matrix', [n, D]));
    case 'duplicated_diagonal_padding_reconciliation': {
      // p = q = n: W = I_n ⊗ w (1×t), i.e. row i holds w in columns i·t … i·t+t−1 (t = D/n)
      const t = D / n;
      const block = tensor('float32', [n, D]);
      for (let i = 0; i < n; i++) for (let j = 0; j < t; j++) (block.data as Float32Array)[i * D + i * t + j] = 1;
      return b.mul(b.tile(need(), [n, n]), b.constant(block));
    }
    case 'random_matrix_adaption_reconciliation': {
      // W = diag(λ1)·A·diag(λ2)·Bᵀ = (λ1 ⊙_rows A ⊙_cols λ2)·Bᵀ
      const rank = o.r as number;
      const take = splitter(b, need());
      const l1 = take(n, [n, 1]);
      const l2 = take(rank, [1, rank]);
      const A = side('A', [n, rank]);
      const B = side('B', [D, rank]);
      return b.matmul(b.mul(b.mul(A, l1), l2), b.transpose(B, [1, 0]));
    }
    case 'random_matrix_hypernet_reconciliation': {
      // W = reshape_{n×D}(((σ((w·P)·Qᵀ))·S)·Tᵀ)
      const rank = o.r as number;
      const h = o.hiddenDim as number;
      const P = side('P', [r.l, rank]);
      const Q = side('Q', [h, rank]);
      const S = side('S', [h, rank]);
      const T = side('T', [n * D, rank]);
      const z = b.sigmoid(b.matmul(b.matmul(need(), P), b.transpose(Q, [1, 0])));
      return b.reshape(b.matmul(b.matmul(z, S), b.transpose(T, [1, 0])), [n, D]);
    }
    case 'hypernet_reconciliation': {
      // W = reshape_{n×D}(L2(σ(L1(w)))), L(x) = x·weightᵀ + bias
      const h = o.hiddenDim as number;
      const w1 = side('net.0.weight', [h, r.l]);
      const b1 = side('net.0.bias', [h]);
      const w2 = side('net.2.weight', [n * D, h]);
      const b2 = side('net.2.bias', [n * D]);
      const z = b.sigmoid(b.add(b.matmul(need(), b.transpose(w1, [1, 0])), b1));
      return b.reshape(b.add(b.matmul(z, b.transpose(w2, [1, 0])), b2), [n, D]);
    }
    default:
      return fail('RPN4101', `no lowering for reconciliation ${r.type}`);
  }
}
