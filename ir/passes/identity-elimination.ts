/**
 * identity-elimination: removes Identity nodes (Reshape/Transpose no-ops are reshape-cancellation's).
 * Graph outputs keep their names: when the removed node's output is a graph output, the
 * replacement value is renamed (or, if it cannot be, the node stays).
 */
import type { Graph } from '../graph.js';
import type { Pass } from './pass.js';

export function identityElimination(): Pass {
  return {
    name: 'identity-elimination',
    run(graph: Graph): boolean {
      let changed = false;
      for (const node of [...graph.nodes]) {
        if (node.op !== 'Identity' || !node.inputs[0] || node.noFold) continue;
        if (graph.substitute(node.outputs[0], node.inputs[0])) {
          graph.removeNode(node);
          changed = true;
        }
      }
      return changed;
    },
  };
}
