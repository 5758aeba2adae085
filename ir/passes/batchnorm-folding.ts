/**
 * batchnorm-folding: inference BatchNorm — lowered as (y − μ)·(γ/√(σ² + ε)) + β with constant
 * statistics — after a MatMul/Gemm with a constant weight is folded into that weight and its bias:
 *
 *   ((MatMul(x, W) + b − μ)·s + β)   →   MatMul(x, W·diag(s)) + ((b − μ)·s + β)
 *
 * After anything else (a Conv's flattened output, a sum of heads) the chain of per-feature
 * Sub/Mul/Div/Add collapses to one Mul and one Add. Then, on a Conv whose output is flattened
 * channel-major ([N, C, …] → [N, C·S]), a scale or bias that is the same on all S positions of each
 * channel (BatchNorm statistics shared by a channel) moves into the Conv's kernel and bias:
 *
 *   Reshape(Conv(x, K, B))·s + c   →   Reshape(Conv(x, K·s_c, B·s_c + c_c))
 *
 * Per-feature scales ride on single-use producers only; BatchNorm with batch statistics (ReduceMean,
 * not constants) is never touched.
 */
import type { Graph, Node, Value } from '../graph.js';
import { type Tensor, float32s, sizeOf } from '../tensor.js';
import { foldAffineForms } from './affine-form.js';
import type { Pass } from './pass.js';

const singleUse = (graph: Graph, v: Value): boolean => !graph.isGraphOutput(v) && graph.uses(v).length === 1;

/** For Op(Reshape(Conv(…)), c): the Conv, its channel count C and positions S per channel, or undefined. */
function flattenedConv(graph: Graph, node: Node): { conv: Node; C: number; S: number; c: Tensor } | undefined {
  const [flat, cv] = node.inputs;
  const reshape = flat?.producer;
  const conv = reshape?.inputs[0]?.producer;
  if (!flat || !cv?.const || cv.dtype !== 'float32' || node.noFold || !reshape || reshape.op !== 'Reshape' || !conv || conv.op !== 'Conv' || conv.noFold) return undefined;
  if (!graph.hasNode(conv) || !singleUse(graph, flat) || !singleUse(graph, conv.outputs[0])) return undefined;
  const K = conv.inputs[1]?.const;
  const B = conv.inputs[2];
  if (!K || (B && !B.const)) return undefined;
  const [, C, ...spatial] = conv.outputs[0].shape;
  if (typeof C !== 'number' || spatial.some((d) => typeof d !== 'number')) return undefined;
  const S = sizeOf(spatial as number[]);
  const fs = flat.shape;
  if (fs.length !== 2 || fs[0] !== conv.outputs[0].shape[0] || fs[1] !== C * S) return undefined;
  const cs = cv.shape;
  if (!(cs.length === 1 || (cs.length === 2 && cs[0] === 1)) || cs[cs.length - 1] !== C * S) return undefined;
  return { conv, C, S, c: cv.const };
}

/** The per-channel values of a [C·S] vector that is constant over each channel's S positions. */
function perChannel(t: Tensor, C: number, S: number): number[] | undefined {
  const out: number[] = [];
  for (let ch = 0; ch < C; ch++) {
    const v = t.data[ch * S] as number;
    for (let i = 1; i < S; i++) if (t.data[ch * S + i] !== v) return undefined;
    out.push(v);
  }
  return out;
}

/** Move a channel-shared Mul or Add after a flattened Conv into the Conv; true when done. */
function foldIntoConv(graph: Graph, node: Node): boolean {
  if (node.op !== 'Mul' && node.op !== 'Add') return false;
  const m = flattenedConv(graph, node);
  const ch = m && perChannel(m.c, m.C, m.S);
  if (!m || !ch) return false;
  const { conv, C } = m;
  const K = conv.inputs[1]!.const!;
  const B = conv.inputs[2]?.const;
  const bias = Array.from({ length: C }, (_, i) => (B ? (B.data[i] as number) : 0));
  let kernel = conv.inputs[1]!;
  if (node.op === 'Mul') {
    const per = sizeOf(K.shape) / C;
    kernel = graph.addConstant(float32s(Array.from(K.data as Float32Array, (w, i) => w * ch[Math.floor(i / per)]), K.shape));
    bias.forEach((x, i) => (bias[i] = x * ch[i]));
  } else bias.forEach((x, i) => (bias[i] = x + ch[i]));
  // The Reshape now carries the node's value.
  if (!graph.substitute(node.outputs[0], node.inputs[0]!)) return false;
  conv.inputs = [conv.inputs[0], kernel, graph.addConstant(float32s(bias))];
  graph.removeNode(node);
  return true;
}

export function batchnormFolding(): Pass {
  return {
    name: 'batchnorm-folding',
    run(graph: Graph): boolean {
      let changed = foldAffineForms(graph, { sums: false, columnScale: true }, false);
      for (const node of [...graph.nodes]) if (graph.hasNode(node) && foldIntoConv(graph, node)) changed = true;
      return changed;
    },
  };
}
