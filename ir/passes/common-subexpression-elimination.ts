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
      // Near-linear: replacements are collected in `repl` and applied to each node's inputs as the
      // walk reaches it (topological order: a node's inputs are final by then); removed nodes and
      // constants are dropped in one sweep at the end (no per-merge scan of the whole graph).
      const repl = new Map<Value, Value>();
      const outputs = new Set(graph.outputs);
      // Constants by content.
      const byHash = new Map<string, Value[]>();
      const droppedConstants = new Set<Value>();
      for (const c of graph.constants) {
        const h = tensorHash(c.const!);
        const same = byHash.get(h) ?? [];
        const twin = same.find((k) => tensorEquals(k.const!, c.const!));
        if (twin && !outputs.has(c)) {
          repl.set(c, twin);
          droppedConstants.add(c);
        } else {
          same.push(c);
          byHash.set(h, same);
        }
      }
      // Nodes by (op, inputs, attrs).
      const seen = new Map<string, Node>();
      const droppedNodes = new Set<Node>();
      for (const node of graph.nodes) {
        if (node.inputs.some((x) => x && repl.has(x))) node.inputs = node.inputs.map((x) => (x && repl.get(x)) ?? x);
        if (node.noFold) continue;
        const key = nodeKey(node);
        const twin = seen.get(key);
        if (!twin) {
          seen.set(key, node);
          continue;
        }
        if (node.outputs.some((v, i) => outputs.has(v) && outputs.has(twin.outputs[i]))) continue;
        let merged = true;
        node.outputs.forEach((v, i) => {
          const t = twin.outputs[i];
          if (outputs.has(v)) {
            // the survivor takes the graph output's place and name (as Graph.substitute does)
            if (!t.producer || t.const || outputs.has(t) || graph.isGraphInput(t)) {
              merged = false;
              return;
            }
            t.name = v.name;
            t.shape = [...v.shape];
            graph.outputs = graph.outputs.map((x) => (x === v ? t : x));
            outputs.delete(v);
            outputs.add(t);
          }
          repl.set(v, t);
        });
        if (!merged) continue;
        droppedNodes.add(node);
      }
      if (droppedConstants.size) graph.constants = graph.constants.filter((c) => !droppedConstants.has(c));
      if (droppedNodes.size) {
        graph.nodes = graph.nodes.filter((n) => !droppedNodes.has(n));
        for (const n of droppedNodes) for (const o of n.outputs) if (o.producer === n) o.producer = undefined;
      }
      return droppedConstants.size > 0 || droppedNodes.size > 0;
    },
  };
}
