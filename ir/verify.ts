/**
 * IR verifier: structural well-formedness plus a re-run of shape inference on every node.
 * Throws DiagnosticError RPN4001 (an rpnc bug) describing the first problem found.
 */
import { DiagnosticError, fail } from '../compiler/diagnostics.js';
import { type Dim, type Graph, type Value, formatShape } from './graph.js';
import { inferNode } from './infer.js';
import { sizeOf } from './tensor.js';

const bad = (msg: string): never => fail('RPN4001', `IR verification failed: ${msg}`);

const sameShape = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export function verify(graph: Graph): void {
  const names = new Set<string>();
  const defined = new Set<Value>();
  const define = (v: Value, what: string): void => {
    if (names.has(v.name)) bad(`duplicate value name '%${v.name}' (${what})`);
    names.add(v.name);
    defined.add(v);
  };
  for (const v of graph.inputs) {
    if (v.const || v.producer) bad(`graph input %${v.name} has a producer or constant data`);
    define(v, 'graph input');
  }
  for (const c of graph.constants) {
    const t = c.const ?? bad(`constant %${c.name} has no data`);
    if (c.producer) bad(`constant %${c.name} has a producer`);
    if (t.dtype !== c.dtype || !sameShape(t.shape, c.shape) || t.data.length !== sizeOf(t.shape))
      bad(`constant %${c.name}: declared ${c.dtype}${formatShape(c.shape)} but holds ${t.dtype}${formatShape(t.shape)} (${t.data.length} values)`);
    define(c, 'constant');
  }
  const nodeNames = new Set<string>();
  for (const node of graph.nodes) {
    if (nodeNames.has(node.name)) bad(`duplicate node name '${node.name}'`);
    nodeNames.add(node.name);
    node.inputs.forEach((v, i) => {
      if (v && !defined.has(v))
        bad(`input ${i} (%${v.name}) of ${node.op} node '${node.name}' is not a graph input, a constant, or an output of an earlier node`);
    });
    let types;
    try {
      types = inferNode(node.op, node.inputs, node.attrs);
    } catch (e) {
      if (e instanceof DiagnosticError) bad(`${node.op} node '${node.name}': ${e.diagnostics[0].message}`);
      throw e;
    }
    if (types.length !== node.outputs.length) bad(`${node.op} node '${node.name}' has ${node.outputs.length} outputs, expected ${types.length}`);
    node.outputs.forEach((v, i) => {
      if (v.producer !== node) bad(`output %${v.name} of node '${node.name}' does not point back to its producer`);
      if (v.const) bad(`node output %${v.name} also holds constant data`);
      const t = types[i];
      if (t.dtype !== v.dtype || !sameShape(t.shape, v.shape))
        bad(`${node.op} node '${node.name}': output %${v.name} is declared ${v.dtype}${formatShape(v.shape)} but infers to ${t.dtype}${formatShape(t.shape)}`);
      define(v, `output of node '${node.name}'`);
    });
  }
  if (graph.outputs.length === 0) bad('the graph has no outputs');
  const outNames = new Set<string>();
  for (const v of graph.outputs) {
    if (!defined.has(v)) bad(`graph output %${v.name} is never produced`);
    if (outNames.has(v.name)) bad(`graph output %${v.name} listed twice`);
    outNames.add(v.name);
  }
}
