/**
 * Affine forms, shared by linear-fusion-folding and batchnorm-folding. A float32 value of shape
 * [rows, n] computed by a tree of single-use MatMul / Gemm / Add / Sub / Mul / Div / Neg nodes is
 * written as
 *
 *   Σ_x MatMul(x, W_x) + Σ_v v ⊙ s_v + b        (W_x constant k×n; s_v, b constant n-vectors)
 *
 * (a Concat along the last axis of such values with the same inputs x is one too: the W_x side by side)
 * and, when that is cheaper, re-emitted in this canonical form: one MatMul per distinct x (a term
 * whose x is a part of another term's Concat input is absorbed into that term's rows), one Mul per
 * scaled v (none when s_v = 1), the Adds between terms, and one bias Add. Constants are combined in
 * float64 and rounded to float32 once. `noFold` nodes, values with several uses and graph outputs
 * are leaves, never expanded; two MatMuls are never multiplied together (that would undo a
 * low-rank factorisation).
 */
import { GraphBuilder } from '../builder.js';
import type { Dim, Graph, Node, Value } from '../graph.js';
import { attrNum } from '../infer.js';
import { float32s, sizeOf } from '../tensor.js';

export interface AffineForm {
  n: number;
  shape: Dim[];
  /** x -> W (k×n, row-major), in first-seen order; a Float32Array is a constant's own data (copy before changing it). */
  mats: Map<Value, Weights>;
  /** v -> s (n). */
  scaled: Map<Value, Float64Array>;
  bias: Float64Array;
  /** The nodes the form replaces. */
  nodes: Set<Node>;
}

type Weights = Float64Array | Float32Array;

/** W as a Float64Array this form may change (a constant's Float32Array is copied first). */
function owned(mats: Map<Value, Weights>, x: Value): Float64Array {
  const W = mats.get(x)!;
  if (W instanceof Float64Array) return W;
  const copy = Float64Array.from(W);
  mats.set(x, copy);
  return copy;
}

export interface FormRules {
  /** Add/Sub of two non-constant operands (head and channel fusion). */
  sums: boolean;
  /** Mul/Div by a per-column constant vector (inference BatchNorm); otherwise scalars only. */
  columnScale: boolean;
}

const sameShape = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

function widthOf(v: Value): number | undefined {
  if (v.dtype !== 'float32' || v.shape.length !== 2) return undefined;
  const n = v.shape[1];
  return typeof n === 'number' ? n : undefined;
}

/** A float32 constant as an n-vector along the last axis: shapes [], [1], [1,1], [n], [1,n]. */
function columnVector(c: Value | null, n: number, vectors: boolean): Float64Array | undefined {
  const t = c?.const;
  if (!t || t.dtype !== 'float32' || t.shape.length > 2 || (t.shape.length === 2 && t.shape[0] !== 1)) return undefined;
  if (sizeOf(t.shape) === 1) return new Float64Array(n).fill(t.data[0] as number);
  if (!vectors || t.shape[t.shape.length - 1] !== n) return undefined;
  return Float64Array.from(t.data as Float32Array);
}

export class AffineAnalysis {
  private useCount = new Map<Value, number>();

  constructor(
    readonly graph: Graph,
    readonly rules: FormRules,
  ) {
    for (const node of graph.nodes) for (const v of node.inputs) if (v) this.useCount.set(v, (this.useCount.get(v) ?? 0) + 1);
  }

  /** The form of `node`'s output, expanding single-use operands; undefined if it is not affine. */
  formOf(node: Node): AffineForm | undefined {
    const out = node.outputs[0];
    const n = widthOf(out);
    if (n === undefined || node.outputs.length !== 1 || node.noFold) return undefined;
    const [a, b] = node.inputs;
    const sub = (v: Value | null): AffineForm | undefined => (v ? this.operand(v) : undefined);
    let f: AffineForm | undefined;
    switch (node.op) {
      case 'MatMul': {
        const w = b?.const;
        const k = a && widthOf(a);
        if (!a || !w || w.dtype !== 'float32' || w.shape.length !== 2 || a.shape.length !== 2 || k === undefined || w.shape[0] !== k) return undefined;
        f = this.empty(out);
        f.mats.set(a, w.data as Float32Array);
        break;
      }
      case 'Gemm': {
        const w = b?.const;
        if (!a || !w || w.dtype !== 'float32' || attrNum(node.attrs, 'transA', 0)) return undefined;
        const c = node.inputs[2] ?? null;
        const beta = attrNum(node.attrs, 'beta', 1);
        const bias = c ? columnVector(c, n, true) : new Float64Array(n);
        if (!bias) return undefined;
        const alpha = attrNum(node.attrs, 'alpha', 1);
        const [r, q] = w.shape;
        const W = new Float64Array(r * q);
        const trans = attrNum(node.attrs, 'transB', 0) !== 0;
        const k = trans ? q : r;
        for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) W[i * n + j] = alpha * (w.data[trans ? j * q + i : i * n + j] as number);
        f = this.empty(out);
        f.mats.set(a, W);
        f.bias = bias.map((x) => beta * x);
        break;
      }
      case 'Add':
      case 'Sub': {
        if (!a || !b) return undefined;
        const sign = node.op === 'Sub' ? -1 : 1;
        const cb = columnVector(b, n, true);
        const ca = b.const ? undefined : columnVector(a, n, true);
        if (cb) {
          f = sub(a);
          if (f) cb.forEach((x, j) => (f!.bias[j] += sign * x));
        } else if (ca) {
          f = sub(b);
          if (f) {
            if (sign < 0) scaleForm(f, new Float64Array(n).fill(-1));
            ca.forEach((x, j) => (f!.bias[j] += x));
          }
        } else if (this.rules.sums && !a.const && !b.const) {
          const fa = sub(a);
          const fb = sub(b);
          if (fa && fb && sameShape(fa.shape, fb.shape)) {
            if (sign < 0) scaleForm(fb, new Float64Array(n).fill(-1));
            f = mergeForms(fa, fb);
          }
        }
        break;
      }
      case 'Mul':
      case 'Div': {
        if (!a || !b) return undefined;
        const cb = columnVector(b, n, this.rules.columnScale);
        const ca = node.op === 'Mul' && !b.const ? columnVector(a, n, this.rules.columnScale) : undefined;
        const s = cb ?? ca;
        // A Div by 0 or a non-finite scale would turn x·W/0 = ±inf into inf·0 = NaN: leave it.
        if (!s || s.some((x) => !Number.isFinite(x) || (node.op === 'Div' && x === 0))) return undefined;
        f = sub(cb ? a : b);
        if (f) scaleForm(f, node.op === 'Div' ? s.map((x) => 1 / x) : s);
        break;
      }
      case 'Concat': {
        // Concatenation fusion of heads linear in the same inputs: the weights side by side.
        if (!this.rules.sums || node.inputs.length < 2 || (attrNum(node.attrs, 'axis', 0) + 2) % 2 !== 1) return undefined;
        const parts = node.inputs.map(sub);
        const keys = parts[0] ? [...parts[0].mats.keys()] : [];
        if (!keys.length || parts.some((q) => !q || q.scaled.size || q.mats.size !== keys.length || keys.some((x) => !q.mats.has(x)))) return undefined;
        f = this.empty(out);
        for (const x of keys) {
          const k = widthOf(x)!;
          const W = new Float64Array(k * n);
          let col = 0;
          for (const q of parts as AffineForm[]) {
            const Wq = q.mats.get(x)!;
            for (let i = 0; i < k; i++) for (let j = 0; j < q.n; j++) W[i * n + col + j] = Wq[i * q.n + j];
            col += q.n;
          }
          f.mats.set(x, W);
        }
        let col = 0;
        for (const q of parts as AffineForm[]) {
          f.bias.set(q.bias, col);
          col += q.n;
          for (const m of q.nodes) f.nodes.add(m);
        }
        break;
      }
      case 'Neg':
        f = sub(a);
        if (f) scaleForm(f, new Float64Array(n).fill(-1));
        break;
    }
    if (!f || !sameShape(f.shape, out.shape)) return undefined;
    f.shape = [...out.shape];
    f.nodes.add(node);
    return f;
  }

  /** An operand: expanded when this node is its only consumer, else a leaf. */
  private operand(v: Value): AffineForm | undefined {
    const n = widthOf(v);
    if (n === undefined) return undefined;
    const p = v.producer;
    if (p && !p.noFold && this.useCount.get(v) === 1 && !this.graph.isGraphOutput(v) && this.graph.hasNode(p)) {
      const f = this.formOf(p);
      if (f) return f;
    }
    const f = this.empty(v);
    f.scaled.set(v, new Float64Array(n).fill(1));
    return f;
  }

  private empty(v: Value): AffineForm {
    const n = widthOf(v)!;
    return { n, shape: [...v.shape], mats: new Map(), scaled: new Map(), bias: new Float64Array(n), nodes: new Set() };
  }
}

function scaleForm(f: AffineForm, s: Float64Array): void {
  const n = f.n;
  for (const x of f.mats.keys()) {
    const W = owned(f.mats, x);
    for (let i = 0; i < W.length; i++) W[i] *= s[i % n];
  }
  for (const t of f.scaled.values()) for (let j = 0; j < n; j++) t[j] *= s[j];
  for (let j = 0; j < n; j++) f.bias[j] *= s[j];
}

function mergeForms(a: AffineForm, b: AffineForm): AffineForm {
  for (const [x, W] of b.mats) {
    if (!a.mats.has(x)) {
      a.mats.set(x, W);
      continue;
    }
    const mine = owned(a.mats, x);
    for (let i = 0; i < W.length; i++) mine[i] += W[i];
  }
  for (const [v, s] of b.scaled) {
    const mine = a.scaled.get(v);
    if (mine) s.forEach((w, j) => (mine[j] += w));
    else a.scaled.set(v, s);
  }
  b.bias.forEach((x, j) => (a.bias[j] += x));
  for (const node of b.nodes) a.nodes.add(node);
  return a;
}

/**
 * A term MatMul(p, W_p) or p ⊙ s where p is a part of the input of another term
 * MatMul(Concat(…, p, …), W) moves into the rows of W that multiply p (p ⊙ s as diag(s)).
 */
export function absorbConcatParts(f: AffineForm): void {
  for (const x of [...f.mats.keys()]) {
    if (!f.mats.has(x)) continue;
    for (const [p, rowOf] of concatParts(x)) absorb(f, x, p, rowOf);
  }
}

/**
 * The parts p of x with, for each, where row i of p sits among the rows of x: x = Concat(…, p, …)
 * along the last axis, or x = Reshape([rows, K, C] → [rows, K·C]) of a Concat along the last axis of
 * Unsqueeze(p, [2]) (the interleaved layout of the per-order expansions: row i·C + c).
 */
function concatParts(x: Value): [Value, (i: number) => number][] {
  const out: [Value, (i: number) => number][] = [];
  const node = x.producer;
  if (!node || x.shape.length !== 2) return out;
  if (node.op === 'Concat' && (attrNum(node.attrs, 'axis', 0) + 2) % 2 === 1) {
    let row = 0;
    for (const p of node.inputs) {
      const k = p ? widthOf(p) : undefined;
      if (!p || k === undefined) return out;
      const at = row;
      out.push([p, (i) => at + i]);
      row += k;
    }
    return out;
  }
  const cat = node.op === 'Reshape' ? node.inputs[0]?.producer : undefined;
  const [rows, K, C] = cat?.outputs[0].shape ?? [];
  if (!cat || cat.op !== 'Concat' || cat.outputs[0].shape.length !== 3 || (attrNum(cat.attrs, 'axis', 0) + 3) % 3 !== 2) return out;
  if (typeof K !== 'number' || typeof C !== 'number' || x.shape[0] !== rows || x.shape[1] !== K * C) return out;
  cat.inputs.forEach((u, c) => {
    const un = u?.producer;
    const p = un?.inputs[0];
    const axes = un?.inputs[1]?.const;
    if (!u || u.shape[2] !== 1 || un?.op !== 'Unsqueeze' || !p || !axes || axes.data.length !== 1 || (Number(axes.data[0]) + 3) % 3 !== 2) return;
    if (widthOf(p) === K && cat.inputs.slice(0, c).every((v) => v?.shape[2] === 1)) out.push([p, (i) => i * C + c]);
  });
  return out;
}

/** Move a term on part p of x (MatMul(p, W_p), or p ⊙ s as diag(s)) into the rows of W_x. */
function absorb(f: AffineForm, x: Value, p: Value, rowOf: (i: number) => number): void {
  const n = f.n;
  const k = widthOf(p)!;
  const Wp = p !== x ? f.mats.get(p) : undefined;
  if (Wp) {
    const W = owned(f.mats, x);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) W[rowOf(i) * n + j] += Wp[i * n + j];
    f.mats.delete(p);
  }
  const s = f.scaled.get(p);
  if (s && k === n) {
    const W = owned(f.mats, x);
    for (let j = 0; j < n; j++) W[rowOf(j) * n + j] += s[j];
    f.scaled.delete(p);
  }
}

const isOnes = (s: Float64Array): boolean => s.every((x) => Math.fround(x) === 1);

/** Nodes the canonical form needs. */
export function canonicalCost(f: AffineForm): number {
  const terms = f.mats.size + f.scaled.size;
  let cost = f.mats.size + Math.max(0, terms - 1);
  for (const s of f.scaled.values()) if (!isOnes(s)) cost++;
  if (f.bias.some((x) => Math.fround(x) !== 0)) cost++;
  return cost;
}

/**
 * Replace the value computed by `root` (whose form is `f`) by the canonical form, inserted just
 * before `root`; the nodes `f` covers are removed. Returns false (graph untouched) when the form
 * has no non-constant term or the root's value cannot be substituted.
 */
export function emitForm(graph: Graph, root: Node, f: AffineForm): boolean {
  if (f.mats.size + f.scaled.size === 0) return false;
  const b = new GraphBuilder(graph);
  const start = graph.nodes.length;
  const n = f.n;
  const terms: Value[] = [];
  for (const [x, W] of f.mats) terms.push(b.matmul(x, b.constant({ dtype: 'float32', shape: [W.length / n, n], data: Float32Array.from(W) })));
  for (const [v, s] of f.scaled) {
    if (isOnes(s)) terms.push(v);
    else terms.push(b.mul(v, s.every((x) => x === s[0]) ? b.constant(float32s([s[0]], [])) : b.constant(float32s(Array.from(s)))));
  }
  let y = terms.reduce((acc, t) => b.add(acc, t));
  if (f.bias.some((x) => Math.fround(x) !== 0)) y = b.add(y, b.constant(float32s(Array.from(f.bias))));
  const added = graph.nodes.splice(start);
  const old = root.outputs[0];
  if (!sameShape(y.shape, old.shape)) return undoConstants(graph, added, false);
  graph.nodes.splice(graph.nodes.indexOf(root), 0, ...added);
  if (!graph.substitute(old, y)) {
    for (const node of added) graph.removeNode(node);
    return undoConstants(graph, added, false);
  }
  for (const node of f.nodes) if (graph.hasNode(node)) graph.removeNode(node);
  return true;
}

/** Drop the constants that only the discarded nodes used (so a failed rewrite leaves no trace). */
function undoConstants(graph: Graph, added: Node[], result: boolean): boolean {
  for (const node of added) for (const v of node.inputs) if (v?.const && graph.uses(v).length === 0) graph.removeConstant(v);
  return result;
}

/** Run the analysis over the graph, rewriting every maximal form whose canonical form is cheaper. */
export function foldAffineForms(graph: Graph, rules: FormRules, absorbConcat: boolean): boolean {
  let changed = false;
  let analysis = new AffineAnalysis(graph, rules);
  const covered = new Set<Node>();
  for (const node of [...graph.nodes].reverse()) {
    if (covered.has(node) || !graph.hasNode(node)) continue;
    const f = analysis.formOf(node);
    if (!f) continue;
    for (const m of f.nodes) covered.add(m);
    if (absorbConcat) absorbConcatParts(f);
    if (canonicalCost(f) < f.nodes.size && emitForm(graph, node, f)) {
      changed = true;
      analysis = new AffineAnalysis(graph, rules); // use counts changed
    }
  }
  return changed;
}
