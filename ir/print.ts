/**
 * Deterministic text dump of the IR (what `rpnc build --emit ir` prints), one line per item:
 *
 *   input %x: float32[batch,4]
 *   %W: float32[4,5] = const(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, …)
 *   %t3: float32[batch,5] = MatMul(%x, %W)
 *   %t4: float32[batch,5] = Softmax(%t3) {axis=-1}
 *   output %t4
 */
import type { AttrValue, Graph, Node, Value } from './graph.js';
import { formatShape } from './graph.js';
import { type Tensor, tensorHash } from './tensor.js';

const MAX_VALUES = 6;

export function formatNumber(x: number | bigint): string {
  if (typeof x === 'bigint') return x.toString();
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return String(Number(x.toPrecision(6)));
}

export function formatTensorValues(t: Tensor): string {
  const n = t.data.length;
  const shown = Array.from({ length: Math.min(n, MAX_VALUES) }, (_, i) =>
    t.dtype === 'bool' ? String(t.data[i] === 1) : formatNumber(t.data[i] as number | bigint),
  );
  return shown.join(', ') + (n > MAX_VALUES ? ', …' : '');
}

const typeOf = (v: Value): string => `${v.dtype}${formatShape(v.shape)}`;
const ref = (v: Value | null): string => (v ? `%${v.name}` : '_');

function formatAttr(v: AttrValue): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'number' ? formatNumber(x) : x)).join(',')}]`;
  return `tensor<${v.dtype}${formatShape(v.shape)}#${tensorHash(v)}>`;
}

export function printNode(node: Node): string {
  const outs = node.outputs.map((v) => `%${v.name}: ${typeOf(v)}`).join(', ');
  const keys = Object.keys(node.attrs).sort();
  const attrs = keys.length ? ` {${keys.map((k) => `${k}=${formatAttr(node.attrs[k])}`).join(', ')}}` : '';
  const flags = node.noFold ? ' !nofold' : '';
  return `${outs} = ${node.op}(${node.inputs.map(ref).join(', ')})${attrs}${flags}`;
}

export function printGraph(graph: Graph): string {
  const lines: string[] = [];
  for (const v of graph.inputs) lines.push(`input %${v.name}: ${typeOf(v)}`);
  for (const c of graph.constants) lines.push(`%${c.name}: ${typeOf(c)} = const(${formatTensorValues(c.const!)})`);
  for (const n of graph.nodes) lines.push(printNode(n));
  for (const v of graph.outputs) lines.push(`output %${v.name}`);
  return lines.join('\n') + '\n';
}
