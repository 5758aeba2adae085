/**
 * identity-elimination: removes Identity nodes, Reshapes to the input's own shape, Transposes
 * with the identity permutation, and merges Reshape(Reshape(x)) into one Reshape of x.
 * Graph outputs keep their names: when the removed node's output is a graph output, the
 * replacement value is renamed (or, if it cannot be, the node stays).
 */
import type { Graph, Node, Value } from '../graph.js';
import { int64s, toNumbers } from '../tensor.js';
import type { Pass } from './pass.js';

const sameShape = (a: Value, b: Value): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function isNoop(node: Node): boolean {
  const x = node.inputs[0];
  if (!x) return false;
  if (node.op === 'Identity') return true;
  if (node.op === 'Reshape') return sameShape(x, node.outputs[0]);
  if (node.op === 'Transpose') {
    const perm = node.attrs.perm as number[] | undefined;
    return perm !== undefined && perm.every((p, i) => p === i);
  }
  return false;
}

/** Reshape(Reshape(x, s1), s2) -> Reshape(x, s2'), where s2' resolves 0s that x would copy differently. */
function mergeReshapes(graph: Graph, node: Node): boolean {
  if (node.op !== 'Reshape') return false;
  const mid = node.inputs[0];
  const inner = mid?.producer;
  const shapeIn = node.inputs[1];
  if (!inner || inner.op !== 'Reshape' || !inner.inputs[0] || !shapeIn?.const || !graph.nodes.includes(inner)) return false;
  const src = inner.inputs[0];
  const target = toNumbers(shapeIn.const);
  // A 0 copies a dim of the Reshape's input: keep it when x has the same dim there, else
  // spell out a static size; give up on a symbolic dim that moved.
  const resolved: number[] = [];
  for (const [i, t] of target.entries()) {
    if (t !== 0 || (i < src.shape.length && src.shape[i] === mid.shape[i])) resolved.push(t);
    else if (typeof mid.shape[i] === 'number') resolved.push(mid.shape[i] as number);
    else return false;
  }
  const same = resolved.every((t, i) => t === target[i]);
  node.inputs = [src, same ? shapeIn : graph.addConstant(int64s(resolved))];
  return true;
}

export function identityElimination(): Pass {
  return {
    name: 'identity-elimination',
    run(graph: Graph): boolean {
      let changed = false;
      for (const node of [...graph.nodes]) {
        if (isNoop(node)) {
          if (graph.substitute(node.outputs[0], node.inputs[0]!)) {
            graph.removeNode(node);
            changed = true;
          }
          continue;
        }
        if (mergeReshapes(graph, node)) changed = true;
      }
      return changed;
    },
  };
}
