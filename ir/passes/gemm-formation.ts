/**
 * gemm-formation: MatMul(x, W) + b with a 2-D x, a constant 2-D W and a constant bias b of shape
 * [n], [1,n] or [] becomes one Gemm(x, W, b) (transB = 0: W stays as it is, no copy), the fused
 * matrix-multiply-plus-bias ONNX Runtime runs as a single kernel. The MatMul must have no other use.
 */
import { nodeScope, type Graph, type Node } from '../graph.js';
import type { Pass } from './pass.js';

function gemmParts(graph: Graph, add: Node): { mm: Node; bias: NonNullable<Node['inputs'][0]> } | undefined {
  if (add.op !== 'Add' || add.noFold) return undefined;
  for (const [i, j] of [[0, 1], [1, 0]]) {
    const t = add.inputs[i];
    const c = add.inputs[j];
    const mm = t?.producer;
    if (!t || !c?.const || !mm || mm.op !== 'MatMul' || mm.noFold || !graph.hasNode(mm)) continue;
    const [x, w] = mm.inputs;
    if (!x || !w?.const || x.shape.length !== 2 || w.shape.length !== 2 || x.dtype !== 'float32') continue;
    const n = w.shape[1];
    const cs = c.shape;
    const broadcastable = cs.length === 0 || (cs.length === 1 && (cs[0] === n || cs[0] === 1)) || (cs.length === 2 && cs[0] === 1 && (cs[1] === n || cs[1] === 1));
    if (!broadcastable || c.dtype !== 'float32') continue;
    if (graph.uses(t).length !== 1 || graph.isGraphOutput(t)) continue;
    const out = add.outputs[0];
    if (out.shape.length !== 2 || out.shape[0] !== x.shape[0] || out.shape[1] !== n) continue;
    return { mm, bias: c };
  }
  return undefined;
}

export function gemmFormation(): Pass {
  return {
    name: 'gemm-formation',
    run(graph: Graph): boolean {
      let changed = false;
      for (const node of [...graph.nodes]) {
        const parts = gemmParts(graph, node);
        if (!parts) continue;
        node.op = 'Gemm';
        node.inputs = [parts.mm.inputs[0], parts.mm.inputs[1], parts.bias];
        node.attrs = {};
        node.name = graph.uniqueNodeName('Gemm', nodeScope(parts.mm.name));
        graph.removeNode(parts.mm);
        changed = true;
      }
      return changed;
    },
  };
}
