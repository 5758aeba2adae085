/**
 * Topological interdependence (../shared/spec/rpn2-topological.md §2, §3): chain and graph structures
 * resolved from DSL options into a TopologySpec (row/column indices, never node ids), and the matrix A
 * the compiler folds at build time (float64, rounded to float32 by lowering).
 *
 * The matrix is kept sparse (one Map per row) as long as the variant allows; only the inverse, the matrix
 * exponential and PageRank are dense. The reference interpreter has its own dense, naive version
 * (runtime/reference/topology.ts).
 */
import type { TopologySpec } from './types.js';

/** A square matrix, sparse by rows: rows[i].get(j) = A[i, j]. */
export interface SparseMatrix {
  size: number;
  rows: Map<number, number>[];
}

export type NodeId = number | string;

/** An error while resolving a structure: the message, the option it is about, and a hint. */
export class TopologyError extends Error {
  /** `code`: RPN2301 for a structure past rpnc's size limits; else the caller picks the code from the option. */
  constructor(message: string, readonly option?: string, readonly hint?: string, readonly code?: 'RPN2301') {
    super(message);
  }
}

const key = (v: NodeId): string => (typeof v === 'number' ? `n:${v}` : `s:${v}`);

/**
 * Adjacency pairs from node ids and links, as tinybig's `to_matrix` builds them (§2.1): a link whose source is
 * not a node is dropped, one whose target is not a node is refused (tinybig: KeyError at the first forward),
 * duplicates collapse, undirected links are entered both ways.
 */
export function graphLinks(nodes: readonly NodeId[], links: readonly (readonly NodeId[])[], directed: boolean): { pairs: [number, number][]; dropped: number } {
  if (!nodes.length) throw new TopologyError('the graph has no nodes', 'nodes', 'give the node ids in row order');
  const index = new Map<string, number>();
  nodes.forEach((v, i) => {
    const k = key(v);
    if (index.has(k)) throw new TopologyError(`node ${JSON.stringify(v)} appears twice in nodes (positions ${index.get(k)} and ${i}); tinybig would keep only the last position and leave a row without a node`, 'nodes', 'list every node id once');
    index.set(k, i);
  });
  const seen = new Set<number>();
  const pairs: [number, number][] = [];
  let dropped = 0;
  const N = nodes.length;
  const add = (i: number, j: number) => {
    const id = i * N + j;
    if (!seen.has(id)) {
      seen.add(id);
      pairs.push([i, j]);
    }
  };
  for (let e = 0; e < links.length; e++) {
    const [s, t] = links[e];
    const i = index.get(key(s));
    if (i === undefined) {
      dropped++; // tinybig drops a link whose source is not a node
      continue;
    }
    const j = index.get(key(t));
    if (j === undefined) throw new TopologyError(`link ${e} [${JSON.stringify(s)}, ${JSON.stringify(t)}] points to ${JSON.stringify(t)}, which is not a node (tinybig raises KeyError: ${JSON.stringify(t)} at the first forward)`, 'links', `add ${JSON.stringify(t)} to nodes or remove the link`);
    add(i, j);
    if (!directed) add(j, i);
  }
  if (!pairs.length) throw new TopologyError(`the graph has no links${dropped ? ` (all ${dropped} links start at unknown nodes and are dropped)` : ''}: tinybig's to_matrix crashes on an empty link list (IndexError: too many indices for array)`, 'links', 'give at least one link between nodes of the graph');
  pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { pairs, dropped };
}

/** Chain links t → t+1 (and t+1 → t when bi-directional), §2.2. */
export function chainLinks(L: number, biDirectional: boolean): [number, number][] {
  if (L < 2) throw new TopologyError(`a chain of length ${L} has no links: tinybig's to_matrix crashes on it (IndexError: too many indices for array)`, 'chainLength', 'use a chain length of at least 2');
  const pairs: [number, number][] = [];
  for (let t = 0; t + 1 < L; t++) {
    pairs.push([t, t + 1]);
    if (biDirectional) pairs.push([t + 1, t]);
  }
  return pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

function empty(n: number): SparseMatrix {
  return { size: n, rows: Array.from({ length: n }, () => new Map<number, number>()) };
}
function identity(n: number, s = 1): SparseMatrix {
  const m = empty(n);
  for (let i = 0; i < n; i++) m.rows[i].set(i, s);
  return m;
}
function addInto(a: SparseMatrix, b: SparseMatrix): void {
  b.rows.forEach((r, i) => r.forEach((v, j) => a.rows[i].set(j, (a.rows[i].get(j) ?? 0) + v)));
}
function multiply(a: SparseMatrix, b: SparseMatrix): SparseMatrix {
  const out = empty(a.size);
  a.rows.forEach((r, i) => {
    const o = out.rows[i];
    r.forEach((v, k) => b.rows[k].forEach((w, j) => o.set(j, (o.get(j) ?? 0) + v * w)));
  });
  return out;
}
/** Degree normalization (§2.1): zero sums stay zero; 'row_column' is sequential (rows by √rowsum, then columns by √colsum of the result). */
export function normalize(a: SparseMatrix, mode: string): SparseMatrix {
  const n = a.size;
  const rowScale = (m: SparseMatrix, f: (s: number) => number) => m.rows.forEach((r) => {
    let s = 0;
    r.forEach((v) => (s += v));
    const d = f(s === 0 ? 1 : s);
    r.forEach((v, j) => r.set(j, v / d));
  });
  const colScale = (m: SparseMatrix, f: (s: number) => number) => {
    const sums = new Float64Array(n);
    m.rows.forEach((r) => r.forEach((v, j) => (sums[j] += v)));
    m.rows.forEach((r) => r.forEach((v, j) => r.set(j, v / f(sums[j] === 0 ? 1 : sums[j]))));
  };
  const m: SparseMatrix = { size: n, rows: a.rows.map((r) => new Map(r)) };
  if (mode === 'row') rowScale(m, (s) => s);
  else if (mode === 'column') colScale(m, (s) => s);
  else {
    rowScale(m, Math.sqrt);
    colScale(m, Math.sqrt);
  }
  return m;
}
function toDense(a: SparseMatrix): Float64Array {
  const n = a.size;
  const d = new Float64Array(n * n);
  a.rows.forEach((r, i) => r.forEach((v, j) => (d[i * n + j] = v)));
  return d;
}
function fromDense(d: Float64Array, n: number): SparseMatrix {
  const m = empty(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (d[i * n + j] !== 0) m.rows[i].set(j, d[i * n + j]);
  return m;
}
/** Gauss–Jordan inverse with partial pivoting (float64). */
function inverse(a: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]) > Math.abs(m[p * n + c])) p = r;
    if (m[p * n + c] === 0) throw new TopologyError('the matrix to invert is singular (tinybig\'s torch.inverse fails on it)', 'c', 'choose c in (0, 1]');
    if (p !== c) {
      for (let j = 0; j < n; j++) {
        [m[c * n + j], m[p * n + j]] = [m[p * n + j], m[c * n + j]];
        [inv[c * n + j], inv[p * n + j]] = [inv[p * n + j], inv[c * n + j]];
      }
    }
    const d = m[c * n + c];
    for (let j = 0; j < n; j++) {
      m[c * n + j] /= d;
      inv[c * n + j] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r * n + c];
      if (f === 0) continue;
      for (let j = 0; j < n; j++) {
        m[r * n + j] -= f * m[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}
/** expm by scaling and squaring of a Taylor series (float64). */
function expm(a: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]);
    norm = Math.max(norm, s);
  }
  const sq = Math.max(0, Math.ceil(Math.log2(norm + 1e-300)) + 1);
  const scaled = a.map((v) => v / 2 ** sq);
  const mul = (x: Float64Array, y: Float64Array) => {
    const o = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
      const v = x[i * n + k];
      if (v !== 0) for (let j = 0; j < n; j++) o[i * n + j] += v * y[k * n + j];
    }
    return o;
  };
  let result = new Float64Array(n * n);
  let term = new Float64Array(n * n);
  for (let i = 0; i < n; i++) result[i * n + i] = term[i * n + i] = 1;
  for (let k = 1; k <= 30; k++) {
    term = mul(term, scaled).map((v) => v / k);
    result = result.map((v, i) => v + term[i]);
  }
  for (let s = 0; s < sq; s++) result = mul(result, result);
  return result;
}

/**
 * The interdependence matrix A (size × size) of a resolved topology, §3.1 / §3.2:
 *   plain:       norm(Adj + s·I)
 *   multihop:    M₁^h, or Σ_{k=1..max(h,1)} M₁^k (column-normalized for a bi-directional chain; tinybig's sum is M₁ for h = 0)
 *   inverse:     (I − norm(Adj))⁻¹, or colnorm(Σ_{k=1}^{L−1} norm(Adj)^k) for a bi-directional chain
 *   exponential: expm(norm(Adj))
 *   pagerank:    c·(I − (1−c)·norm(Adj))⁻¹
 * Self loops only where the variant keeps them (resolveTopology sets selfDependence accordingly).
 */
export function topologyMatrix(t: TopologySpec): SparseMatrix {
  let a = computed.get(t);
  if (!a) computed.set(t, (a = buildMatrix(t)));
  return a;
}
/** A is a pure function of its (immutable) TopologySpec: computed once per spec; callers never modify it. */
const computed = new WeakMap<TopologySpec, SparseMatrix>();

/** tinybig's matrix_power (koala/linear_algebra/matrix.py): M^h by squaring (h even: (M^{h/2})²; odd: M·M^{h−1}), ~2·log₂h products. */
function matrixPower(m: SparseMatrix, h: number): SparseMatrix {
  if (h === 0) return identity(m.size);
  if (h === 1) return m;
  if (h % 2 === 0) {
    const half = matrixPower(m, h / 2);
    return multiply(half, half);
  }
  return multiply(m, matrixPower(m, h - 1));
}

/** Hops of an accumulative multi-hop interdependence: Σ_{k=1..h} M^k takes h matrix products (in tinybig too). */
export const MAX_ACCUMULATIVE_HOPS = 10_000;

function buildMatrix(t: TopologySpec): SparseMatrix {
  const n = t.size;
  const adj = empty(n);
  for (const [i, j] of t.links) adj.rows[i].set(j, 1);
  if (t.selfDependence) addInto(adj, identity(n, t.selfScaling));
  const base = t.normalization ? normalize(adj, t.normalizationMode) : adj;
  const biChain = t.structure === 'chain' && !t.directed;
  switch (t.variant) {
    case 'plain':
      return base;
    case 'multihop': {
      // matrix_power(M, 0) = I; accumulative_matrix_power(M, 0) = M (its loop starts at k = 2)
      if (!t.accumulative) return matrixPower(base, t.h);
      let power = base;
      const sum = empty(n);
      addInto(sum, base);
      for (let k = 2; k <= t.h; k++) {
        power = multiply(power, base);
        addInto(sum, power);
      }
      return biChain ? normalize(sum, 'column') : sum;
    }
    case 'inverse': {
      if (biChain) {
        let power = base;
        const sum = empty(n);
        addInto(sum, base);
        for (let k = 2; k <= n - 1; k++) {
          power = multiply(power, base);
          addInto(sum, power);
        }
        return normalize(sum, 'column');
      }
      const d = toDense(base).map((v) => -v);
      for (let i = 0; i < n; i++) d[i * n + i] += 1;
      return fromDense(inverse(d, n), n);
    }
    case 'exponential':
      return fromDense(expm(toDense(base), n), n);
    case 'pagerank': {
      const d = toDense(base).map((v) => -(1 - t.c) * v);
      for (let i = 0; i < n; i++) d[i * n + i] += 1;
      return fromDense(inverse(d, n).map((v) => t.c * v), n);
    }
  }
}

/** Row-major float32 dense copy of A. */
export function denseFloat32(a: SparseMatrix): Float32Array {
  const n = a.size;
  const d = new Float32Array(n * n);
  a.rows.forEach((r, i) => r.forEach((v, j) => (d[i * n + j] = v)));
  return d;
}

/** Non-zero count of A. */
export function nonZeros(a: SparseMatrix): number {
  return a.rows.reduce((s, r) => s + r.size, 0);
}
