/**
 * quadratic-form: a degree-2 Taylor expansion κ = [x, x⊗x] (batch, m + m²) that only feeds products with
 * constant matrices W (m + m², N) — the head's W, or the first lorr factor — is never materialised when
 * N is small against m: per output o,
 *
 *   y_o = Σ_i x_i W[i, o] + Σ_{i,j} x_i x_j W[m + i·m + j, o] = Σ_i x_i · (T[o, i] + W[i, o]),
 *   T = x·Q,  Q[j, o·m + i] = W[m + i·m + j, o]   (m × N·m)
 *
 * so  y = ReduceSum_i( Reshape(Gemm(x, Q, vec(W₁ᵀ)), [batch, N, m]) ⊙ x[:, None, :] ):
 * one Gemm (the linear block W₁ rides in its bias), a reshape, a broadcast Mul on N·m values and a
 * ReduceSum, instead of the outer product (m²), the Concat (m + m²) and the MatMul reading m + m² rows.
 * The matrix FLOPs are the same (2·m²·N); the elementwise traffic drops from ~3m² to ~2N·m per sample.
 * Applied when 2·N·m < m² (p_taylor's lorr rank-4 factor: N = 4, m = 64); otherwise the MatMul stays.
 * The pattern is what compiler/lower/expansion.ts emits for taylor_expansion d = 2:
 * Concat([x, Reshape(Mul(Unsqueeze(x, [2]), Unsqueeze(x, [1])), [-1, m·m])], axis 1).
 * New nodes take the scope of the product they replace (node names: rpnc profile).
 */
import { GraphBuilder } from '../builder.js';
import { nodeScope, type Graph, type Node, type Value } from '../graph.js';
import { float32s, toNumbers } from '../tensor.js';
import type { Pass } from './pass.js';

const constInts = (v: Value | null | undefined): number[] | undefined => (v?.const && v.const.dtype === 'int64' ? toNumbers(v.const) : undefined);

/** x when `c` is Concat([x, x⊗x flattened], axis 1) with a static width m, else undefined. */
function taylor2(c: Node): { x: Value; m: number } | undefined {
  if (c.op !== 'Concat' || c.inputs.length !== 2) return undefined;
  const axis = c.attrs.axis;
  const [x, r] = c.inputs;
  if (!x || !r || x.shape.length !== 2 || (axis !== 1 && axis !== -1)) return undefined;
  const m = x.shape[1];
  if (typeof m !== 'number' || x.dtype !== 'float32') return undefined;
  const rs = r.producer;
  if (!rs || rs.op !== 'Reshape' || constInts(rs.inputs[1])?.join(',') !== `-1,${m * m}`) return undefined;
  const mul = rs.inputs[0]?.producer;
  if (!mul || mul.op !== 'Mul') return undefined;
  const [a, b] = mul.inputs.map((v) => v?.producer);
  if (!a || !b || a.op !== 'Unsqueeze' || b.op !== 'Unsqueeze' || a.inputs[0] !== x || b.inputs[0] !== x) return undefined;
  if (constInts(a.inputs[1])?.join(',') !== '2' || constInts(b.inputs[1])?.join(',') !== '1') return undefined;
  return { x, m };
}

/** The constant right-hand side (m + m², N) of a product reading κ, or undefined. */
function product(n: Node, kappa: Value, m: number): { W: Float32Array; N: number; bias?: Value } | undefined {
  const w = n.inputs[1];
  if (n.inputs[0] !== kappa || !w?.const || w.const.dtype !== 'float32' || w.shape.length !== 2 || w.shape[0] !== m + m * m) return undefined;
  if (n.op === 'MatMul') return { W: w.const.data as Float32Array, N: w.shape[1] as number };
  if (n.op === 'Gemm' && !n.attrs.transA && !n.attrs.transB && (n.attrs.alpha ?? 1) === 1 && (n.attrs.beta ?? 1) === 1 && n.inputs.length === 2) return { W: w.const.data as Float32Array, N: w.shape[1] as number };
  return undefined;
}

export function quadraticForm(): Pass {
  return {
    name: 'quadratic-form',
    run(graph: Graph): boolean {
      let changed = false;
      for (const c of [...graph.nodes]) {
        const t = taylor2(c);
        if (!t) continue;
        const kappa = c.outputs[0];
        if (graph.isGraphOutput(kappa)) continue;
        const uses = graph.uses(kappa);
        const prods = uses.map((u) => product(u.node, kappa, t.m));
        if (!uses.length || prods.some((p) => !p || 2 * p.N * t.m >= t.m * t.m)) continue;
        const { x, m } = t;
        uses.forEach((u, k) => {
          const { W, N } = prods[k]!;
          const Q = new Float32Array(m * N * m);
          const lin = new Float32Array(N * m);
          for (let o = 0; o < N; o++)
            for (let i = 0; i < m; i++) {
              lin[o * m + i] = W[i * N + o];
              for (let j = 0; j < m; j++) Q[j * (N * m) + o * m + i] = W[(m + i * m + j) * N + o];
            }
          const b = new GraphBuilder(graph);
          const start = graph.nodes.length;
          const outer = graph.scope;
          graph.scope = nodeScope(u.node.name);
          let y: Value;
          try {
            const T = b.gemm(x, b.constant(float32s(Array.from(Q), [m, N * m])), b.constant(float32s(Array.from(lin))));
            y = b.reduceSum(b.mul(b.reshape(T, [-1, N, m]), b.unsqueeze(x, [1])), [2], false);
          } finally {
            graph.scope = outer;
          }
          const added = graph.nodes.splice(start);
          graph.nodes.splice(graph.nodes.indexOf(u.node), 0, ...added);
          graph.substitute(u.node.outputs[0], y);
          graph.removeNode(u.node);
        });
        changed = true;
      }
      return changed;
    },
  };
}
