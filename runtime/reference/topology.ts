/**
 * Chain and graph interdependence matrices (rpn2-topological §2.1, §3.1, §3.2), straight from the definitions,
 * dense float64, naive loops — independent of the compiler's sparse version (compiler/spec/topology.ts).
 * And GAT's attention (§6.3): Â[i, j] = exp(P[i, j]) / Σ_{k: P[k, j] ≠ 0} exp(P[k, j]) where P = G ⊙ X·W_b·Xᵀ ≠ 0.
 */
import type { TopologySpec } from '../../compiler/spec/types.js';
import { matmul, zeros, type Mat } from './matrix.js';

function eye(n: number, s = 1): Mat {
  const I = zeros(n, n);
  for (let i = 0; i < n; i++) I.data[i * n + i] = s;
  return I;
}
function plus(a: Mat, b: Mat): Mat {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] + b.data[i];
  return out;
}
function scale(a: Mat, s: number): Mat {
  const out = zeros(a.rows, a.cols);
  for (let i = 0; i < a.data.length; i++) out.data[i] = a.data[i] * s;
  return out;
}
function rowSums(a: Mat): number[] {
  return Array.from({ length: a.rows }, (_, i) => { let s = 0; for (let j = 0; j < a.cols; j++) s += a.data[i * a.cols + j]; return s; });
}
function colSums(a: Mat): number[] {
  return Array.from({ length: a.cols }, (_, j) => { let s = 0; for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + j]; return s; });
}
/** degree_based_normalize_matrix: zero sums count as 1; 'row_column' = rows by √rowsum, then columns by √colsum of that. */
function normalize(a: Mat, mode: string): Mat {
  const n = a.rows;
  const out = zeros(n, n);
  out.data.set(a.data);
  const byRows = (f: (s: number) => number) => rowSums(out).forEach((s, i) => { for (let j = 0; j < n; j++) out.data[i * n + j] /= f(s === 0 ? 1 : s); });
  const byCols = (f: (s: number) => number) => colSums(out).forEach((s, j) => { for (let i = 0; i < n; i++) out.data[i * n + j] /= f(s === 0 ? 1 : s); });
  if (mode === 'row') byRows((s) => s);
  else if (mode === 'column') byCols((s) => s);
  else {
    byRows(Math.sqrt);
    byCols(Math.sqrt);
  }
  return out;
}
/** tinybig's matrix_power (koala/linear_algebra/matrix.py), transcribed: k = 0 → I, 1 → A, even → (A^{k/2})², odd → A·A^{k−1}. */
function power(a: Mat, k: number): Mat {
  if (k === 0) return eye(a.rows);
  if (k === 1) return a;
  if (k % 2 === 0) {
    const half = power(a, k / 2);
    return matmul(half, half);
  }
  return matmul(a, power(a, k - 1));
}
/** Inverse by Gauss–Jordan elimination with partial pivoting. */
function inverse(a: Mat): Mat {
  const n = a.rows;
  const m = zeros(n, 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m.data[i * 2 * n + j] = a.data[i * n + j];
    m.data[i * 2 * n + n + i] = 1;
  }
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c; r < n; r++) if (Math.abs(m.data[r * 2 * n + c]) > Math.abs(m.data[p * 2 * n + c])) p = r;
    for (let j = 0; j < 2 * n; j++) [m.data[c * 2 * n + j], m.data[p * 2 * n + j]] = [m.data[p * 2 * n + j], m.data[c * 2 * n + j]];
    const d = m.data[c * 2 * n + c];
    for (let j = 0; j < 2 * n; j++) m.data[c * 2 * n + j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m.data[r * 2 * n + c];
      for (let j = 0; j < 2 * n; j++) m.data[r * 2 * n + j] -= f * m.data[c * 2 * n + j];
    }
  }
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out.data[i * n + j] = m.data[i * 2 * n + n + j];
  return out;
}
/** expm(B) = Σ_k B^k / k! (the series, enough terms for the small matrices of topological models). */
function expm(a: Mat): Mat {
  let sum = eye(a.rows);
  let term = eye(a.rows);
  for (let k = 1; k <= 60; k++) {
    term = scale(matmul(term, a), 1 / k);
    sum = plus(sum, term);
  }
  return sum;
}

/** A (size × size) of a chain or graph interdependence. */
export function topologyA(t: TopologySpec): Mat {
  const n = t.size;
  let adj = zeros(n, n);
  for (const [i, j] of t.links) adj.data[i * n + j] = 1;
  if (t.selfDependence) adj = plus(adj, eye(n, t.selfScaling));
  const M = t.normalization ? normalize(adj, t.normalizationMode) : adj;
  const biChain = t.structure === 'chain' && !t.directed;
  switch (t.variant) {
    case 'plain':
      return M;
    case 'multihop': {
      if (!t.accumulative) return power(M, t.h);
      let sum = zeros(n, n);
      for (let k = 1; k <= Math.max(t.h, 1); k++) sum = plus(sum, power(M, k)); // tinybig's accumulative_matrix_power starts from M¹, also for h = 0
      return biChain ? normalize(sum, 'column') : sum;
    }
    case 'inverse': {
      if (biChain) {
        let sum = zeros(n, n);
        for (let k = 1; k <= n - 1; k++) sum = plus(sum, power(M, k));
        return normalize(sum, 'column');
      }
      return inverse(plus(eye(n), scale(M, -1)));
    }
    case 'exponential':
      return expm(M);
    case 'pagerank':
      return scale(inverse(plus(eye(n), scale(M, -(1 - t.c)))), t.c);
  }
}

/** Ξ[j, :] = Σ_i A[i, j]·V[i, :] (Aᵀ·V). */
export function mixRows(A: Mat, v: Mat): Mat {
  if (v.rows !== A.rows) throw new Error(`reference: the interdependence mixes exactly ${A.rows} rows, got ${v.rows}`);
  const out = zeros(A.cols, v.cols);
  for (let j = 0; j < A.cols; j++)
    for (let i = 0; i < A.rows; i++) {
      const a = A.data[i * A.cols + j];
      if (a !== 0) for (let c = 0; c < v.cols; c++) out.data[j * v.cols + c] += a * v.data[i * v.cols + c];
    }
  return out;
}

/** GAT attention Â (N×N): P = G ⊙ (X·W_b·Xᵀ); column softmax over the non-zero entries of P, zero elsewhere. */
export function graphAttention(G: Mat, x: Mat, Wb: Mat): Mat {
  const xt = zeros(x.cols, x.rows);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < x.cols; j++) xt.data[j * x.rows + i] = x.data[i * x.cols + j];
  const S = matmul(matmul(x, Wb), xt);
  const N = G.rows;
  const A = zeros(N, N);
  for (let j = 0; j < N; j++) {
    let max = -Infinity;
    for (let i = 0; i < N; i++) {
      const p = G.data[i * N + j] * S.data[i * N + j];
      if (p !== 0) max = Math.max(max, p);
    }
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const p = G.data[i * N + j] * S.data[i * N + j];
      if (p !== 0) sum += Math.exp(p - max);
    }
    for (let i = 0; i < N; i++) {
      const p = G.data[i * N + j] * S.data[i * N + j];
      A.data[i * N + j] = p !== 0 ? Math.exp(p - max) / sum : 0;
    }
  }
  return A;
}
