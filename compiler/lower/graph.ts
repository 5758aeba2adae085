/**
 * Lowering of graph interdependence over the node rows (rpn2-topological §3.3, §6): Ξ = Aᵀ·V with V (N, w) — the
 * head's κ, or κ·Wᵀ when that is narrower (A acts on rows, W on features: they commute; bias and remainder come
 * after). A is an architecture constant (compiler/spec/topology.ts), usually very sparse. Forms, by cost:
 *   dense:  one MatMul of the folded Aᵀ (N×N) with V                       cost N²·w
 *   sparse: ELL gather: row j of Ξ sums its ≤ K in-neighbours,             cost N·K·w (K = the largest in-degree)
 *           Gather(V, idx (N, K)) · vals (N, K, 1) → ReduceSum over K  (standard ONNX, deterministic on every EP)
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

const OP_COST = 4000;
const FLOAT_READ_COST = 2;

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
  const K = Math.max(1, ...cols.map((c) => c.length));
  const nnz = cols.reduce((s, c) => s + c.length, 0);
  const costs = {
    dense: N * N * width + FLOAT_READ_COST * N * N + OP_COST * 2,
    sparse: 3 * N * K * width + FLOAT_READ_COST * 2 * N * K + OP_COST * 3,
  };
  const forced = opts.mixForm === 'sparse' || opts.mixForm === 'dense' ? opts.mixForm : undefined;
  const form: GraphMixForm = forced ?? (opts.opt === false ? 'dense' : costs.sparse < costs.dense ? 'sparse' : 'dense');
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
  const idx = tensor('int64', [N, K]);
  const vals = tensor('float32', [N, K, 1]);
  plan.cols.forEach((c, j) => c.forEach(([i, val], k) => {
    (idx.data as BigInt64Array)[j * K + k] = BigInt(i);
    (vals.data as Float32Array)[j * K + k] = val;
  }));
  const gathered = b.gather(v, b.constant(idx, `${name}.in_neighbours`), 0, { name: `${name}.graph_gather` }); // (N, K, w)
  const weighted = b.mul(gathered, b.constant(vals, `${name}.in_weights`));
  return b.reduceSum(weighted, [1], false, { name: `${name}.graph_sum` });
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
