/** dead-code-elimination: remove nodes and constants that no graph output depends on. */
import type { Graph, Node, Value } from '../graph.js';
import type { Pass } from './pass.js';

export function deadCodeElimination(): Pass {
  return {
    name: 'dead-code-elimination',
    run(graph: Graph): boolean {
      const live = new Set<Value>(graph.outputs);
      const liveNodes = new Set<Node>();
      for (let i = graph.nodes.length - 1; i >= 0; i--) {
        const n = graph.nodes[i];
        if (!n.outputs.some((v) => live.has(v))) continue;
        liveNodes.add(n);
        for (const v of n.inputs) if (v) live.add(v);
      }
      const nodes = graph.nodes.filter((n) => liveNodes.has(n));
      const constants = graph.constants.filter((c) => live.has(c));
      const changed = nodes.length !== graph.nodes.length || constants.length !== graph.constants.length;
      for (const n of graph.nodes) if (!liveNodes.has(n)) for (const o of n.outputs) if (o.producer === n) o.producer = undefined;
      graph.nodes = nodes;
      graph.constants = constants;
      return changed;
    },
  };
}
