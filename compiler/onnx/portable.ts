/**
 * Portable emission of the elementwise ops that ONNX Runtime's CUDA EP has no kernel for
 * (compiler/onnx/cuda-kernels.ts): each is written as a small subgraph of ops that every EP
 * implements (float32 and float16), so that no node of an rpnc graph falls back to the CPU.
 *
 *   Tan x   = sin x / cos x                    Sinh x = (eˣ − e⁻ˣ)/2     Cosh x = (eˣ + e⁻ˣ)/2
 *   Asinh x = sign x · log(|x| + √(x²+1))      Acosh x = log(x + √(x²−1))
 *   Atanh x = ½ · log((1+x)/(1−x))             Celu x = relu x + min(0, α(e^(x/α) − 1))
 *   Atan x  = sign x · (|x| ≤ 1 ? a(|x|) : π/2 − a(1/|x|)),  a(r) = 2·atan(r/(1+√(1+r²))),
 *             the inner argument |t| ≤ tan(π/8) evaluated by its Taylor series to t¹⁹ (error < 1e-9)
 *   Asin x  = atan(x / √(1−x²))                Acos x = π/2 − asin x
 */
import type onnxProto from 'onnx-proto';

type NodeP = onnxProto.onnx.INodeProto;
type TensorP = onnxProto.onnx.ITensorProto;

export const PORTABLE_OPS: ReadonlySet<string> = new Set(['Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Celu', 'Cosh', 'Sinh', 'Tan']);

const FLOAT = 1;

/** Builds the replacement nodes of one IR node; names are derived from the node's output name. */
class Sub {
  nodes: NodeP[] = [];
  consts: TensorP[] = [];
  private k = 0;
  constructor(private readonly base: string) {}
  private fresh(tag: string): string {
    return `${this.base}__${tag}${this.k++}`;
  }
  c(v: number): string {
    const name = this.fresh('c');
    this.consts.push({ name, dims: [], dataType: FLOAT, rawData: new Uint8Array(Float32Array.of(v).buffer) });
    return name;
  }
  op(opType: string, inputs: string[], out?: string, attribute: onnxProto.onnx.IAttributeProto[] = []): string {
    const o = out ?? this.fresh(opType.toLowerCase());
    this.nodes.push({ name: o, opType, domain: '', input: inputs, output: [o], attribute });
    return o;
  }
}

function atanSmall(s: Sub, r: string): string {
  // a(r) = 2·atan(t), t = r/(1+√(1+r²)) with 0 ≤ r ≤ 1, so 0 ≤ t ≤ tan(π/8); Horner in t².
  const one = s.c(1);
  const t = s.op('Div', [r, s.op('Add', [one, s.op('Sqrt', [s.op('Add', [one, s.op('Mul', [r, r])])])])]);
  const t2 = s.op('Mul', [t, t]);
  let acc = s.c(-1 / 19);
  for (let k = 8; k >= 0; k--) acc = s.op('Add', [s.c((k % 2 ? -1 : 1) / (2 * k + 1)), s.op('Mul', [acc, t2])]);
  return s.op('Mul', [s.c(2), s.op('Mul', [acc, t])]);
}

function atan(s: Sub, x: string, out?: string): string {
  const a = s.op('Abs', [x]);
  const big = s.op('Greater', [a, s.c(1)]);
  const r = s.op('Where', [big, s.op('Reciprocal', [a]), a]);
  const ar = atanSmall(s, r);
  const mag = s.op('Where', [big, s.op('Sub', [s.c(Math.PI / 2), ar]), ar]);
  return s.op('Mul', [s.op('Sign', [x]), mag], out);
}

function asin(s: Sub, x: string, out?: string): string {
  const cos = s.op('Sqrt', [s.op('Sub', [s.c(1), s.op('Mul', [x, x])])]);
  return atan(s, s.op('Div', [x, cos]), out);
}

/** The portable subgraph of an IR node `op(x) -> y`, or null when `op` needs none. */
export function portableNodes(op: string, x: string, y: string, alpha = 1): { nodes: NodeP[]; consts: TensorP[] } | null {
  if (!PORTABLE_OPS.has(op)) return null;
  const s = new Sub(y);
  const exp2 = (): [string, string] => {
    const e = s.op('Exp', [x]);
    return [e, s.op('Reciprocal', [e])];
  };
  switch (op) {
    case 'Tan':
      s.op('Div', [s.op('Sin', [x]), s.op('Cos', [x])], y);
      break;
    case 'Sinh': {
      const [e, ie] = exp2();
      s.op('Mul', [s.c(0.5), s.op('Sub', [e, ie])], y);
      break;
    }
    case 'Cosh': {
      const [e, ie] = exp2();
      s.op('Mul', [s.c(0.5), s.op('Add', [e, ie])], y);
      break;
    }
    case 'Asinh': {
      const a = s.op('Abs', [x]);
      const l = s.op('Log', [s.op('Add', [a, s.op('Sqrt', [s.op('Add', [s.op('Mul', [a, a]), s.c(1)])])])]);
      s.op('Mul', [s.op('Sign', [x]), l], y);
      break;
    }
    case 'Acosh':
      s.op('Log', [s.op('Add', [x, s.op('Sqrt', [s.op('Sub', [s.op('Mul', [x, x]), s.c(1)])])])], y);
      break;
    case 'Atanh': {
      const one = s.c(1);
      s.op('Mul', [s.c(0.5), s.op('Log', [s.op('Div', [s.op('Add', [one, x]), s.op('Sub', [one, x])])])], y);
      break;
    }
    case 'Celu': {
      const em1 = s.op('Sub', [s.op('Exp', [s.op('Div', [x, s.c(alpha)])]), s.c(1)]);
      s.op('Add', [s.op('Relu', [x]), s.op('Min', [s.c(0), s.op('Mul', [s.c(alpha), em1])])], y);
      break;
    }
    case 'Atan':
      atan(s, x, y);
      break;
    case 'Asin':
      asin(s, x, y);
      break;
    case 'Acos':
      s.op('Sub', [s.c(Math.PI / 2), asin(s, x)], y);
      break;
  }
  return { nodes: s.nodes, consts: s.consts };
}
