/**
 * Parameter reconciliations ψ (rpn-semantics §8): one channel's parameter row w (length l) → W (n×D).
 * All reshapes are row-major; the pieces of w are consecutive slices in the order listed.
 */
import type { ReconciliationSpec } from '../../compiler/spec/types.js';
import { matmul, zeros, type Mat } from './matrix.js';

/**
 * `extras`: the side-car tensors by attribute name (random matrices A/B or P/Q/S/T, the mask `mask_matrix`,
 * hypernet's `net.{0,2}.{weight,bias}`), fetched by `reconciliationExtras` in compiler/spec/params.ts.
 */
export function fabricate(rec: ReconciliationSpec, w: ArrayLike<number> | undefined, extras: Record<string, ArrayLike<number>> = {}): Mat {
  const { n, D } = rec;
  const o = rec.options;
  const side = (name: string, rows: number, cols: number): Mat => {
    const t = extras[name];
    if (!t || t.length !== rows * cols) throw new Error(`reference: ${rec.type} needs side-car '${name}' (${rows}×${cols})`);
    return reshape(t, 0, rows, cols);
  };
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
    case 'masking_reconciliation': {
      // W = reshape(w) ⊙ M (M: tinybig's fixed 0/1 mask)
      const M = side('mask_matrix', n, D);
      return filled(n, D, (i, j) => wv[i * D + j] * M.data[i * D + j]);
    }
    case 'duplicated_diagonal_padding_reconciliation': {
      // p = q = n: block diagonal I_n ⊗ w, row i holds w (length t = D/n) in columns i·t … i·t+t−1
      const t = D / n;
      return filled(n, D, (i, j) => (Math.floor(j / t) === i ? wv[j - i * t] : 0));
    }
    case 'random_matrix_adaption_reconciliation': {
      // W = diag(λ1)·A·diag(λ2)·Bᵀ, λ1 = w[0:n], λ2 = w[n:n+r]; W[i,j] = λ1[i]·Σ_k A[i,k]·λ2[k]·B[j,k]
      const r = o.r as number;
      const A = side('A', n, r);
      const B = side('B', D, r);
      return filled(n, D, (i, j) => {
        let acc = 0;
        for (let k = 0; k < r; k++) acc += A.data[i * r + k] * wv[n + k] * B.data[j * r + k];
        return wv[i] * acc;
      });
    }
    case 'random_matrix_hypernet_reconciliation': {
      // W = reshape_{n×D}(σ(w·P·Qᵀ)·S·Tᵀ)
      const r = o.r as number;
      const h = o.hiddenDim as number;
      const wRow = reshape(wv, 0, 1, rec.l);
      const P = side('P', rec.l, r);
      const Q = side('Q', h, r);
      const S = side('S', h, r);
      const T = side('T', n * D, r);
      const z = matmul(matmul(wRow, P), transpose(Q)).data.map(sigmoid);
      const y = matmul(matmul(reshape(z, 0, 1, h), S), transpose(T));
      return reshape(y.data, 0, n, D);
    }
    case 'hypernet_reconciliation': {
      // W = reshape_{n×D}(L2(σ(L1(w)))), L(x) = x·weightᵀ + bias
      const h = o.hiddenDim as number;
      const W1 = side('net.0.weight', h, rec.l);
      const b1 = side('net.0.bias', 1, h);
      const W2 = side('net.2.weight', n * D, h);
      const b2 = side('net.2.bias', 1, n * D);
      const z: number[] = [];
      for (let k = 0; k < h; k++) {
        let acc = b1.data[k];
        for (let q = 0; q < rec.l; q++) acc += wv[q] * W1.data[k * rec.l + q];
        z.push(sigmoid(acc));
      }
      return filled(n, D, (i, j) => {
        const f = i * D + j;
        let acc = b2.data[f];
        for (let k = 0; k < h; k++) acc += z[k] * W2.data[f * h + k];
        return acc;
      });
    }
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

function transpose(a: Mat): Mat {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
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
