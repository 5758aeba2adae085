/**
 * Parameter reconciliations ψ (rpn-semantics §8): one channel's parameter row w (length l) → W (n×D).
 * All reshapes are row-major; the pieces of w are consecutive slices in the order listed.
 */
import type { ReconciliationSpec } from '../../compiler/spec/types.js';
import { matmul, zeros, type Mat } from './matrix.js';

export function fabricate(rec: ReconciliationSpec, w: ArrayLike<number> | undefined): Mat {
  const { n, D } = rec;
  const o = rec.options;
  if (rec.l > 0 && (!w || w.length !== rec.l)) throw new Error(`reference: ${rec.type} needs a parameter row of length ${rec.l}, got ${w?.length}`);
  const wv = w ?? [];
  switch (rec.type) {
    case 'identity_reconciliation':
      return reshape(wv, 0, n, D);
    case 'lorr_reconciliation': {
      const r = o.r as number;
      const A = reshape(wv, 0, n, r);
      const B = reshape(wv, r * n, r, D);
      return matmul(A, B);
    }
    case 'constant_reconciliation':
      return filled(n, D, () => (o.c as number | undefined) ?? 1);
    case 'zero_reconciliation':
      return filled(n, D, () => 0);
    case 'one_reconciliation':
      return filled(n, D, () => 1);
    case 'constant_eye_reconciliation':
      return filled(n, D, (i, j) => (i === j ? 1 : 0));
    case 'duplicated_padding_reconciliation': {
      // row-major tile of w: W.flat[f] = w[f mod l]
      const l = rec.l;
      return filled(n, D, (i, j) => wv[(i * D + j) % l]);
    }
    case 'hm_reconciliation':
    case 'lphm_reconciliation':
    case 'dual_lphm_reconciliation':
      return hmFamily(rec, wv);
    default:
      throw new Error(`reference: reconciliation '${rec.type}' is not implemented`);
  }
}

/**
 * hm / lphm / dual_lphm: W = reshape_{n×D}(outer(a, β)) — a reshaped OUTER product, not A ⊗ B.
 * p, q are already resolved in the spec's options; s = n/p, t = D/q.
 */
function hmFamily(rec: ReconciliationSpec, w: ArrayLike<number>): Mat {
  const { n, D } = rec;
  const p = rec.options.p as number;
  const q = rec.options.q as number;
  const r = rec.options.r as number;
  const s = n / p;
  const t = D / q;
  let a: number[];
  let beta: number[];
  if (rec.type === 'hm_reconciliation') {
    a = slice(w, 0, p * q);
    beta = slice(w, p * q, s * t);
  } else if (rec.type === 'lphm_reconciliation') {
    a = slice(w, 0, p * q);
    const S = reshape(w, p * q, s, r);
    const T = reshape(w, p * q + s * r, r, t);
    beta = Array.from(matmul(S, T).data);
  } else {
    let off = 0;
    const P = reshape(w, off, p, r);
    off += p * r;
    const Q = reshape(w, off, r, q); // read as r×q
    off += q * r;
    const S = reshape(w, off, s, r);
    off += s * r;
    const T = reshape(w, off, r, t);
    a = Array.from(matmul(P, Q).data);
    beta = Array.from(matmul(S, T).data);
  }
  // W.flat[u·(st) + v] = a[u]·β[v]
  const W = zeros(n, D);
  for (let u = 0; u < a.length; u++) for (let v = 0; v < beta.length; v++) W.data[u * beta.length + v] = a[u] * beta[v];
  return W;
}

/** w[offset : offset + rows·cols] as a rows×cols matrix. */
function reshape(w: ArrayLike<number>, offset: number, rows: number, cols: number): Mat {
  const out = zeros(rows, cols);
  for (let k = 0; k < rows * cols; k++) out.data[k] = w[offset + k];
  return out;
}

function slice(w: ArrayLike<number>, offset: number, len: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < len; k++) out.push(w[offset + k]);
  return out;
}

function filled(rows: number, cols: number, f: (i: number, j: number) => number): Mat {
  const out = zeros(rows, cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out.data[i * cols + j] = f(i, j);
  return out;
}
