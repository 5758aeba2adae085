/**
 * reshape-cancellation: removes a Reshape to the input's own shape and a Transpose with the
 * identity permutation; merges Reshape(Reshape(x)) into one Reshape of x and
 * Transpose(Transpose(x)) into one Transpose of x (which the first rule removes when the two
 * permutations cancel). Graph outputs keep their names (see Graph.substitute).
 */
import type { Graph, Node, Value } from '../graph.js';
import { int64s, toNumbers } from '../tensor.js';
import type { Pass } from './pass.js';

const sameShape = (a: Value, b: Value): boolean => a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);

function permOf(node: Node): number[] {
  const r = node.inputs[0]!.shape.length;
  return (node.attrs.perm as number[] | undefined) ?? Array.from({ length: r }, (_, i) => r - 1 - i);
}

function isNoop(node: Node): boolean {
  const x = node.inputs[0];
  if (!x || node.noFold) return false;
  if (node.op === 'Reshape') return sameShape(x, node.outputs[0]);
  if (node.op === 'Transpose') return permOf(node).every((p, i) => p === i);
  return false;
}

/** Reshape(Reshape(x, s1), s2) -> Reshape(x, s2'), where s2' resolves 0s that x would copy differently. */
function mergeReshapes(graph: Graph, node: Node): boolean {
  if (node.op !== 'Reshape' || node.noFold) return false;
  const mid = node.inputs[0];
  const inner = mid?.producer;
  const shapeIn = node.inputs[1];
  if (!inner || inner.op !== 'Reshape' || inner.noFold || !inner.inputs[0] || !shapeIn?.const || !graph.hasNode(inner)) return false;
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

/** Transpose(Transpose(x, p), q) -> Transpose(x, p∘q): output axis i reads input axis p[q[i]]. */
function mergeTransposes(graph: Graph, node: Node): boolean {
  if (node.op !== 'Transpose' || node.noFold) return false;
  const inner = node.inputs[0]?.producer;
  if (!inner || inner.op !== 'Transpose' || inner.noFold || !inner.inputs[0] || !graph.hasNode(inner)) return false;
  const p = permOf(inner);
  const q = permOf(node);
  node.inputs = [inner.inputs[0]];
  node.attrs = { ...node.attrs, perm: q.map((i) => p[i]) };
  return true;
}

export function reshapeCancellation(): Pass {
  return {
    name: 'reshape-cancellation',
    run(graph: Graph): boolean {
      let changed = false;
      for (const node of [...graph.nodes]) {
        if (mergeReshapes(graph, node) || mergeTransposes(graph, node)) changed = true;
        if (isNoop(node)) {
          if (graph.substitute(node.outputs[0], node.inputs[0]!)) {
            graph.removeNode(node);
            changed = true;
          }
        }
      }
      return changed;
    },
  };
}
