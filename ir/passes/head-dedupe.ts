/**
 * head-dedupe: tinybig's `[head] * width` layers (and equal heads in general) compute the same
 * head several times. common-subexpression-elimination (which compares constants by content)
 * makes the copies one value `h`; this pass then removes the fusion of identical operands:
 *
 *   (h + h + … + h) / K  and  (h + … + h) · (1/K)   →   h      (mean / average fusion)
 *   Max(h, h, …), Min(h, h, …)                       →   h      (max / min fusion)
 *
 * The Add chain must be single-use; any other sum of copies is left alone.
 */
import type { Graph, Node, Value } from '../graph.js';
import type { Pass } from './pass.js';

/** The leaves of a single-use Add tree under `v` (v itself when it is not such an Add). */
function addLeaves(graph: Graph, v: Value, top: boolean, out: Value[], nodes: Node[]): void {
  const p = v.producer;
  if (p && p.op === 'Add' && !p.noFold && graph.hasNode(p) && (top || (graph.uses(v).length === 1 && !graph.isGraphOutput(v)))) {
    nodes.push(p);
    for (const x of p.inputs) addLeaves(graph, x!, false, out, nodes);
    return;
  }
  out.push(v);
}

function scalarOf(v: Value | null): number | undefined {
  const t = v?.const;
  return t && t.dtype === 'float32' && t.data.length === 1 ? (t.data[0] as number) : undefined;
}

/** The value this node reduces to, or undefined. */
function dedupe(graph: Graph, node: Node): Value | undefined {
  if (node.noFold) return undefined;
  if (node.op === 'Max' || node.op === 'Min') {
    const [h, ...rest] = node.inputs;
    return h && rest.length > 0 && rest.every((x) => x === h) ? h : undefined;
  }
  if (node.op !== 'Div' && node.op !== 'Mul') return undefined;
  const c = scalarOf(node.inputs[1]);
  const sum = node.inputs[0];
  if (c === undefined || !sum) return undefined;
  const leaves: Value[] = [];
  addLeaves(graph, sum, true, leaves, []);
  const K = leaves.length;
  if (K < 2 || leaves.some((x) => x !== leaves[0])) return undefined;
  const mean = node.op === 'Div' ? c === K : c === Math.fround(1 / K);
  return mean ? leaves[0] : undefined;
}

export function headDedupe(): Pass {
  return {
    name: 'head-dedupe',
    run(graph: Graph): boolean {
      let changed = false;
      for (const node of [...graph.nodes]) {
        if (!graph.hasNode(node)) continue;
        const h = dedupe(graph, node);
        const out = node.outputs[0];
        if (!h || h.shape.length !== out.shape.length || h.shape.some((d, i) => d !== out.shape[i])) continue;
        if (!graph.substitute(out, h)) continue;
        graph.removeNode(node);
        changed = true;
      }
      return changed;
    },
  };
}
