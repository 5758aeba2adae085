/**
 * common-subexpression-elimination: constants with identical content are merged (the first one
 * in `constants` order survives), then nodes with identical op, inputs and attributes are merged
 * (the earlier node survives). `noFold` nodes (random ops) are never merged.
 */
import type { AttrValue, Graph, Node, Value } from '../graph.js';
import { tensorEquals, tensorHash } from '../tensor.js';
import type { Pass } from './pass.js';

function attrKey(v: AttrValue): unknown {
  return typeof v === 'object' && !Array.isArray(v) ? { tensor: `${v.dtype}[${v.shape}]#${tensorHash(v)}` } : v;
}

function nodeKey(node: Node): string {
  const attrs = Object.keys(node.attrs).sort().map((k) => [k, attrKey(node.attrs[k])]);
  return JSON.stringify([node.op, node.inputs.map((v) => (v ? v.name : null)), node.outputs.length, attrs]);
}

export function commonSubexpressionElimination(): Pass {
  return {
    name: 'common-subexpression-elimination',
    run(graph: Graph): boolean {
      let changed = false;
      // Constants by content.
      const byHash = new Map<string, Value[]>();
      for (const c of [...graph.constants]) {
        const h = tensorHash(c.const!);
        const same = byHash.get(h) ?? [];
        const twin = same.find((k) => tensorEquals(k.const!, c.const!));
        if (twin && !graph.isGraphOutput(c)) {
          graph.replaceAllUses(c, twin);
          graph.removeConstant(c);
          changed = true;
        } else {
          same.push(c);
          byHash.set(h, same);
        }
      }
      // Nodes by (op, inputs, attrs); inputs are already canonical since we go in topological order.
      const seen = new Map<string, Node>();
      for (const node of [...graph.nodes]) {
        if (node.noFold) continue;
        const key = nodeKey(node);
        const twin = seen.get(key);
        if (!twin) {
          seen.set(key, node);
          continue;
        }
        if (node.outputs.some((v, i) => graph.isGraphOutput(v) && graph.isGraphOutput(twin.outputs[i]))) continue;
        node.outputs.forEach((v, i) => graph.substitute(v, twin.outputs[i]));
        graph.removeNode(node);
        changed = true;
      }
      return changed;
    },
  };
}
