/**
 * rpnc's IR: Model / Graph / Node / Value, in the spirit of onnx-ir.
 *
 * - Node ops are ONNX op types with opset 17 semantics (inputs, attributes, broadcasting).
 * - Shape-like ONNX inputs (Reshape shape, Slice starts/ends/axes/steps, Unsqueeze/Squeeze axes,
 *   Expand shape, Tile repeats, Pad pads, ReduceSum axes) are int64 constant Values, so a graph is
 *   plain ONNX. Attributes are untyped JS values; the emitter's op table knows their ONNX types.
 * - A constant (initializer) is a Value with `const` set and no producer.
 * - Protobuf is only touched in compiler/onnx/emit.ts.
 */
import { fail } from '../compiler/diagnostics.js';
import { MAX_IR_NODES } from '../compiler/spec/limits.js';
import type { DType, Tensor } from './tensor.js';

/** A dimension: a static size, or a symbolic name such as 'batch'. */
export type Dim = number | string;

export type AttrValue = number | number[] | string | string[] | Tensor;
export type Attrs = Record<string, AttrValue>;

export interface Value {
  name: string;
  dtype: DType;
  shape: Dim[];
  /** Set for constants (initializers). */
  const?: Tensor;
  /** The node computing this value (absent for graph inputs and constants). */
  producer?: Node;
}

export interface Node {
  /** ONNX op type, opset 17 semantics. */
  op: string;
  /** `null` is an omitted optional input. */
  inputs: (Value | null)[];
  outputs: Value[];
  attrs: Attrs;
  name: string;
  /** Never constant-fold this node (e.g. random ops). */
  noFold?: boolean;
}

/** The scope part of a node name (`layers.0.heads.0.expansion[…]/` of `layers.0.heads.0.expansion[…]/Mul_3`), '' for none. */
export function nodeScope(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i + 1);
}

export interface Use {
  node: Node;
  index: number;
}

export class Graph {
  inputs: Value[] = [];
  outputs: Value[] = [];
  /** Topological order. */
  nodes: Node[] = [];
  /** Initializers. */
  constants: Value[] = [];
  private used = new Set<string>();
  private tmpCounter = 0;
  private nodeCounter = 0;

  constructor(public name = 'rpnc') {}

  /**
   * A fresh value name. With a hint, the hint itself if free, else `hint_1`, `hint_2`, ...;
   * without, `t0`, `t1`, ... Deterministic: depends only on the sequence of calls.
   */
  uniqueName(hint?: string): string {
    if (hint) {
      let name = hint;
      for (let k = 1; this.used.has(name); k++) name = `${hint}_${k}`;
      this.used.add(name);
      return name;
    }
    let name: string;
    do name = `t${this.tmpCounter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** Mark a name as taken (names of values created outside uniqueName). */
  reserveName(name: string): void {
    this.used.add(name);
  }

  /**
   * The RPN component that nodes created now belong to (`layers.0.heads.0.expansion[bspline_expansion]/`),
   * set by the lowering through `GraphBuilder.scoped`; it prefixes node names so that ONNX Runtime's
   * profile and intermediate values map back to the RPN structure (`rpnc profile`, cli/profile.ts).
   */
  scope = '';

  /** A fresh node name `<scope>Op_N` (`scope` defaults to the current one). */
  uniqueNodeName(op: string, scope: string = this.scope): string {
    let name: string;
    do name = `${scope}${op}_${this.nodeCounter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** Create a node, set its outputs' producer, and append it (caller keeps topological order). */
  addNode(op: string, inputs: (Value | null)[], outputs: Value[], attrs: Attrs = {}, opts: { noFold?: boolean; name?: string } = {}): Node {
    // bounded before the passes (and the rest of the lowering) do any more work on it
    if (this.nodes.length >= MAX_IR_NODES) fail('RPN2302', `the lowered graph has more than ${MAX_IR_NODES.toLocaleString('en-US')} operations, more than rpnc compiles`, { hint: 'use fewer layers, heads or channels' });
    const node: Node = { op, inputs, outputs, attrs, name: opts.name ?? this.uniqueNodeName(op) };
    if (opts.noFold) node.noFold = true;
    for (const o of outputs) o.producer = node;
    this.nodes.push(node);
    return node;
  }

  /** Add an initializer. */
  addConstant(t: Tensor, nameHint?: string): Value {
    const v: Value = { name: this.uniqueName(nameHint), dtype: t.dtype, shape: [...t.shape], const: t };
    this.constants.push(v);
    return v;
  }

  /** Every (node, input index) that reads `v`. */
  uses(v: Value): Use[] {
    const out: Use[] = [];
    for (const node of this.nodes) node.inputs.forEach((x, index) => x === v && out.push({ node, index }));
    return out;
  }

  isGraphOutput(v: Value): boolean {
    return this.outputs.includes(v);
  }

  isGraphInput(v: Value): boolean {
    return this.inputs.includes(v);
  }

  /** Replace every node input `old` by `repl` (graph outputs untouched; see `substitute`). */
  replaceAllUses(old: Value, repl: Value): void {
    for (const node of this.nodes) node.inputs = node.inputs.map((x) => (x === old ? repl : x));
  }

  /**
   * Make `repl` take the place of `old` everywhere, including as a graph output. When `old` is a
   * graph output, `repl` must be a node output that is not itself a graph input/output/constant;
   * it is renamed to `old`'s name so the graph interface is unchanged. Returns false (and changes
   * nothing) when that is not possible.
   */
  substitute(old: Value, repl: Value): boolean {
    if (old === repl) return false;
    if (this.isGraphOutput(old)) {
      if (!repl.producer || repl.const || this.isGraphOutput(repl) || this.isGraphInput(repl)) return false;
      repl.name = old.name;
      repl.shape = [...old.shape];
      this.outputs = this.outputs.map((x) => (x === old ? repl : x));
    }
    this.replaceAllUses(old, repl);
    return true;
  }

  /**
   * Whether `node` is (still) in the graph, in O(1): every way a node leaves the graph (removeNode,
   * the passes' sweeps) clears its outputs' producer.
   */
  hasNode(node: Node): boolean {
    return node.outputs.length > 0 ? node.outputs.some((o) => o.producer === node) : this.nodes.includes(node);
  }

  removeNode(node: Node): void {
    const i = this.nodes.indexOf(node);
    if (i < 0) fail('RPN4001', `removeNode: node ${node.name} is not in the graph`);
    this.nodes.splice(i, 1);
    for (const o of node.outputs) if (o.producer === node) o.producer = undefined;
  }

  removeConstant(v: Value): void {
    this.constants = this.constants.filter((c) => c !== v);
  }

  /** Reorder `nodes` topologically (stable: keeps the current order where it is already valid). */
  topologicalSort(): void {
    const inGraph = new Set(this.nodes);
    const done = new Set<Node>();
    const onStack = new Set<Node>();
    const order: Node[] = [];
    // depth-first, producers before consumers, with an explicit stack (a chain of 10⁵ operations listed
    // out of order would overflow a recursive one); the same order as the recursive version
    const visit = (root: Node): void => {
      if (done.has(root)) return;
      onStack.add(root);
      const stack: { n: Node; i: number }[] = [{ n: root, i: 0 }];
      while (stack.length) {
        const top = stack[stack.length - 1]!;
        if (top.i < top.n.inputs.length) {
          const p = top.n.inputs[top.i++]?.producer;
          if (!p || !inGraph.has(p) || done.has(p)) continue;
          if (onStack.has(p)) fail('RPN4001', `cycle through node ${p.name}`);
          onStack.add(p);
          stack.push({ n: p, i: 0 });
        } else {
          stack.pop();
          onStack.delete(top.n);
          done.add(top.n);
          order.push(top.n);
        }
      }
    };
    for (const n of this.nodes) visit(n);
    this.nodes = order;
  }
}

export interface Model {
  graph: Graph;
  metadata: Record<string, string>;
  producerName: string;
  producerVersion: string;
  opset: 17;
}

export function createModel(graph: Graph, opts: { metadata?: Record<string, string>; producerVersion?: string } = {}): Model {
  return { graph, metadata: { ...(opts.metadata ?? {}) }, producerName: 'rpnc', producerVersion: opts.producerVersion ?? '0.1.0', opset: 17 };
}

/** The size of a dim when every symbol stands for `symbol`: 'batch*150' (a chain's steps as rows) is 150·symbol. */
export function dimSize(d: Dim, symbol: number): number {
  return typeof d === 'number' ? d : d.split('*').reduce((a, f) => a * (/^\d+$/.test(f) ? Number(f) : symbol), 1);
}

export function formatShape(shape: readonly Dim[]): string {
  return `[${shape.join(',')}]`;
}
