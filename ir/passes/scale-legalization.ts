/**
 * scale-legalization: merges chained scalar scales, `Mul(Div(x, a), c)` → `Mul(x, c/a)` (any chain
 * of Mul / Div by a one-element constant; the factor is computed in float64, then rounded once to
 * float32). A legalization, not an optimisation: compiler/passes.ts runs it after every pipeline
 * (`--no-fold`, `--no-opt`, `--passes …` included).
 *
 * Why: ONNX Runtime 1.30's MatMulScaleFusion (graph optimisation level 'extended'/'all', its default)
 * folds a scale feeding a MatMul into a FusedMatMul's alpha and deletes the scale node once it has
 * no consumer edges left. When a scale s = Div(x, a) feeds a MatMul and also a second scale
 * Mul(s, c) that feeds a MatMul, fusing the second scale first rewires its MatMul onto s without
 * recording the edge, then fusing s deletes it while it is still read: "Node input 's' is not a
 * graph input, initializer, or output of a previous node" (fixture
 * test/fuzz/fixtures/ort_matmul_scale_fusion.ts). With no scale reading another scale, the pattern
 * cannot occur.
 */
import type { Graph, Node, Value } from '../graph.js';
import { tensor } from '../tensor.js';
import type { Pass } from './pass.js';

/** A scalar scale: `node` computes `x · num / den` with a one-element float constant that does not broadcast. */
interface Scale {
  x: Value;
  num: number;
  den: number;
  factor: Value;
}

function scaleOf(node: Node): Scale | undefined {
  if ((node.op !== 'Mul' && node.op !== 'Div') || node.noFold || node.inputs.length !== 2) return undefined;
  const [a, b] = node.inputs;
  if (!a || !b) return undefined;
  const scalar = (v: Value, other: Value): number | undefined =>
    v.const && v.dtype === 'float32' && other.dtype === 'float32' && v.const.data.length === 1 && v.shape.length <= other.shape.length ? Number(v.const.data[0]) : undefined;
  if (node.op === 'Div') {
    const d = scalar(b, a);
    return d !== undefined && Number.isFinite(d) && d !== 0 ? { x: a, num: 1, den: d, factor: b } : undefined;
  }
  for (const [f, x] of [[b, a], [a, b]] as const) {
    const c = scalar(f, x);
    if (c !== undefined && Number.isFinite(c)) return { x, num: c, den: 1, factor: f };
  }
  return undefined;
}

function unused(graph: Graph, v: Value): boolean {
  return !graph.isGraphOutput(v) && graph.uses(v).length === 0;
}

export function scaleLegalization(): Pass {
  return {
    name: 'scale-legalization',
    run(graph: Graph): boolean {
      let changed = false;
      // Topological order: a scale's input scale has already been merged with its own input scale.
      for (const node of [...graph.nodes]) {
        const outer = scaleOf(node);
        const inner = outer?.x.producer && scaleOf(outer.x.producer);
        if (!outer || !inner) continue;
        const num = inner.num * outer.num;
        const den = inner.den * outer.den;
        const [op, k]: [string, number] = den === 1 ? ['Mul', num] : num === 1 ? ['Div', den] : ['Mul', num / den];
        if (!Number.isFinite(Math.fround(k)) || Math.fround(k) === 0) continue; // would overflow / underflow float32
        const innerNode = outer.x.producer!;
        node.op = op;
        node.inputs = [inner.x, graph.addConstant(tensor('float32', [], [k]))];
        if (innerNode.outputs.every((o) => unused(graph, o))) graph.removeNode(innerNode);
        for (const f of new Set([outer.factor, inner.factor])) if (graph.constants.includes(f) && unused(graph, f)) graph.removeConstant(f);
        changed = true;
      }
      return changed;
    },
  };
}
