/**
 * Lowering of graph interdependence over the node rows (rpn2-topological §3.3, §6): Ξ = Aᵀ·V with V (N, w) — the
 * head's κ, or κ·Wᵀ when that is narrower (A acts on rows, W on features: they commute; bias and remainder come
 * after). A is an architecture constant (compiler/spec/topology.ts), usually very sparse. Forms, by cost:
 *   dense:  one MatMul of the folded Aᵀ (N×N) with V                       cost N²·w
 *   sparse: ELL gather: row j of Ξ sums its ≤ K in-neighbours,             cost N·K·w (K = the largest in-degree)
 *           Gather(V, idx (K, N)) · vals (K, N, 1), summed over K by a MatMul with ones (standard ONNX, deterministic);
 *           when A = diag(r)·B·diag(c) with B 0/1 (a degree-normalised plain graph) the weights become two (N, 1)
 *           scales around an unweighted gather-sum: Ξ = c ⊙ Σ_k gather_k(r ⊙ V)
 * The graph-bilinear head (GAT) computes its attention from x at run time: Âᵀ = masked row softmax of
 * Gᵀ ⊙ (X·W_bᵀ·Xᵀ) — i.e. tinybig's column softmax of G ⊙ X·W_b·Xᵀ, transposed — then Ξ = Âᵀ·V.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s, tensor } from '../../ir/tensor.js';
import { denseFloat32, topologyMatrix, type SparseMatrix } from '../spec/topology.js';
import type { InterdependenceSpec } from '../spec/types.js';
import type { LowerOptions } from './index.js';
import { lowerReconciliation } from './reconciliation.js';
import { maxOf } from '../../ir/arrays.js';
import { denseMixFits, FLOAT_READ_COST, OP_COST } from './cost.js';

export type GraphMixForm = 'dense' | 'sparse';

/** In-neighbour lists per output row j: (source i, A[i, j]), sorted by i. */
function columns(a: SparseMatrix): [number, number][][] {
  const cols: [number, number][][] = Array.from({ length: a.size }, () => []);
  a.rows.forEach((r, i) => r.forEach((v, j) => cols[j].push([i, v])));
  for (const c of cols) c.sort((x, y) => x[0] - y[0]);
  return cols;
}

/** The form the cost model picks for A at width w, with both costs (for inspect). */
export function graphMixPlan(ii: InterdependenceSpec, width: number, opts: LowerOptions = {}): { form: GraphMixForm; costs: Record<GraphMixForm, number>; nnz: number; maxInDegree: number } {
  const a = topologyMatrix(ii.topology!);
  return planOf(a, width, opts);
}

function planOf(a: SparseMatrix, width: number, opts: LowerOptions) {
  const N = a.size;
  const cols = columns(a);
  const K = maxOf(cols.map((c) => c.length), 1);
  const nnz = cols.reduce((s, c) => s + c.length, 0);
  const costs = {
    dense: N * N * width + FLOAT_READ_COST * N * N + OP_COST * 2,
    sparse: 3 * N * K * width + FLOAT_READ_COST * 2 * N * K + OP_COST * 3,
  };
  const forced = opts.mixForm === 'sparse' || opts.mixForm === 'dense' ? opts.mixForm : undefined;
  const chosen: GraphMixForm = forced ?? (opts.opt === false ? 'dense' : costs.sparse < costs.dense ? 'sparse' : 'dense');
  // (a 10⁵-node graph would be 4·10¹⁰ bytes dense)
  const form: GraphMixForm = chosen === 'dense' && !denseMixFits(N, opts) ? 'sparse' : chosen;
  return { form, costs, nnz, maxInDegree: K, cols };
}

/** Ξ = Aᵀ·V, V (N, w) → (N, w), for a data-independent chain/graph A over the rows. */
export function lowerGraphMix(b: GraphBuilder, v: Value, ii: InterdependenceSpec, width: number, name: string, opts: LowerOptions = {}): Value {
  const a = topologyMatrix(ii.topology!);
  const N = a.size;
  const plan = planOf(a, width, opts);
  if (plan.form === 'dense') {
    const A = denseFloat32(a);
    const At = new Float32Array(N * N);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) At[j * N + i] = A[i * N + j];
    return b.matmul(b.constant(float32s([...At], [N, N]), `${name}.A_T`), v, { name: `${name}.graph_mix` });
  }
  const K = plan.maxInDegree;
  // K-major layout: slab k holds every row's k-th in-neighbour, so the sum over k adds K contiguous (N, w) slabs
  const f = factorize(a);
  const idx = tensor('int64', [K, N]);
  const vals = tensor('float32', [K, N, 1]);
  plan.cols.forEach((c, j) => {
    for (let k = 0; k < K; k++) {
      const e = c[k];
      (idx.data as BigInt64Array)[k * N + j] = BigInt(e ? e[0] : N); // padding: row N, a zero row appended to V
      (vals.data as Float32Array)[k * N + j] = e ? e[1] : 0;
    }
  });
  // A[i, j] = r_i · c_j on its non-zeros (degree normalisation of a 0/1 adjacency): Ξ = c ⊙ Σ_k gather_k(r ⊙ V), no weights
  const scale = (s: Float64Array | undefined, x: Value, what: string): Value => (!s || s.every((e) => e === 1) ? x : b.mul(x, b.constant(float32s(Array.from(s), [N, 1]), `${name}.${what}`)));
  const padded = b.pad(scale(f?.r, v, 'row_scale'), [0, 0, 1, 0]); // (N + 1, w): row N is zero
  const gathered = b.gather(padded, b.constant(idx, `${name}.in_neighbours`), 0, { name: `${name}.graph_gather` }); // (K, N, w)
  const terms = f ? gathered : b.mul(gathered, b.constant(vals, `${name}.in_weights`));
  // Σ_k as one (1 × K)·(K × N·w) MatMul of ones: ORT's MatMul streams the K slabs, its ReduceSum over axis 0 does not
  const ones = b.constant(float32s(Array(K).fill(1), [1, K]), `${name}.sum_over_in_neighbours`);
  const summed = b.reshape(b.matmul(ones, b.reshape(terms, [K, -1]), { name: `${name}.graph_sum` }), [N, -1]);
  return scale(f?.c, summed, 'column_scale');
}

/**
 * A = diag(r)·B·diag(c) with B a 0/1 pattern (what degree normalisation of a plain adjacency gives), found by
 * propagating r and c over A's non-zeros and checked on every one (relative 1e-12); undefined when A is not of that form.
 */
function factorize(a: SparseMatrix): { r: Float64Array; c: Float64Array } | undefined {
  const N = a.size;
  const r = new Float64Array(N).fill(NaN);
  const c = new Float64Array(N).fill(NaN);
  const cols = columns(a);
  for (let i0 = 0; i0 < N; i0++) {
    if (!Number.isNaN(r[i0]) || a.rows[i0].size === 0) continue;
    r[i0] = 1;
    const queue: ['r' | 'c', number][] = [['r', i0]];
    while (queue.length) {
      const [kind, k] = queue.pop()!;
      if (kind === 'r') a.rows[k].forEach((v, j) => { if (Number.isNaN(c[j])) { c[j] = v / r[k]; queue.push(['c', j]); } });
      else for (const [i, v] of cols[k]) if (Number.isNaN(r[i])) { r[i] = v / c[k]; queue.push(['r', i]); }
    }
  }
  for (let i = 0; i < N; i++) {
    for (const [j, v] of a.rows[i]) if (!(Math.abs(r[i] * c[j] - v) <= 1e-12 * Math.abs(v))) return undefined;
  }
  for (let i = 0; i < N; i++) {
    if (Number.isNaN(r[i])) r[i] = 1;
    if (Number.isNaN(c[i])) c[i] = 1;
  }
  return { r, c };
}

/**
 * GAT attention of one channel (§6.3) as a mixer: returns V ↦ Âᵀ·V. x0 (N, m) is the head input, w the channel's
 * row of w_instance_interdependence (fabricated into W_b, m×m).
 */
export function lowerGraphAttention(b: GraphBuilder, x0: Value, ii: InterdependenceSpec, w: Float32Array, name: string): (v: Value) => Value {
  const N = ii.b!;
  const Wb = lowerReconciliation(b, b.constant(float32s([...w], [1, ii.l]), name), ii.reconciliation!); // (m, m)
  const G = denseFloat32(topologyMatrix(ii.topology!));
  const Gt = new Float32Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) Gt[j * N + i] = G[i * N + j];
  // Sᵀ = X·W_bᵀ·Xᵀ; Pᵀ = Gᵀ ⊙ Sᵀ; row j of Pᵀ is column j of P
  const st = b.matmul(b.matmul(x0, b.transpose(Wb, [1, 0])), b.transpose(x0, [1, 0]), { name: `${name}.scores` });
  const pt = b.mul(st, b.constant(float32s([...Gt], [N, N]), `${name}.G_T`));
  const masked = b.equal(pt, 0);
  const soft = b.softmax(b.where(masked, -1e9, pt), -1, { name: `${name}.attention` });
  const att = b.where(masked, 0, soft); // Âᵀ: a node whose column is all masked receives nothing
  return (v: Value) => b.matmul(att, v, { name: `${name}.attention_mix` });
}
