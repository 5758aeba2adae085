/**
 * constant-folding: a node whose inputs are all constants is evaluated with ir/eval and its
 * outputs become constants (same Value objects and names). Skips `noFold` nodes and nodes whose
 * outputs would exceed `maxElements`. A folded graph output keeps its node as
 * `Identity(%<name>_const)` so the graph interface never exposes an initializer directly.
 */
import type { Graph, Node } from '../graph.js';
import { evaluateNode } from '../eval.js';
import { sizeOf } from '../tensor.js';
import type { Pass } from './pass.js';

export const DEFAULT_FOLD_LIMIT = 64 * 1024 * 1024;

export function constantFolding(opts: { maxElements?: number } = {}): Pass {
  const limit = opts.maxElements ?? DEFAULT_FOLD_LIMIT;
  return {
    name: 'constant-folding',
    run(graph: Graph): boolean {
      let changed = false;
      const folded = new Set<Node>(); // removed in one sweep at the end (near-linear in the graph)
      for (const node of graph.nodes) {
        if (!foldable(graph, node, limit)) continue;
        const outs = evaluateNode(node, node.inputs.map((v) => v?.const ?? null));
        if (node.outputs.some((v) => graph.isGraphOutput(v))) {
          // Keep the graph output computed by a node: Identity(new constant).
          if (node.outputs.length !== 1) continue;
          const c = graph.addConstant(outs[0], `${node.outputs[0].name}_const`);
          node.op = 'Identity';
          node.inputs = [c];
          node.attrs = {};
        } else {
          folded.add(node);
          node.outputs.forEach((v, i) => {
            v.const = outs[i];
            v.producer = undefined;
            graph.constants.push(v);
          });
        }
        changed = true;
      }
      if (folded.size) graph.nodes = graph.nodes.filter((n) => !folded.has(n));
      return changed;
    },
  };
}

function foldable(graph: Graph, node: Node, limit: number): boolean {
  if (node.noFold) return false;
  if (node.inputs.length === 0 || node.inputs.some((v) => v && !v.const)) return false;
  if (node.op === 'Identity' && node.outputs.some((v) => graph.isGraphOutput(v))) return false;
  return node.outputs.every((v) => v.shape.every((d) => typeof d === 'number') && sizeOf(v.shape as number[]) <= limit);
}
