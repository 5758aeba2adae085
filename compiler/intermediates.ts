/**
 * `rpnc check --intermediates`: where ONNX Runtime and the reference interpreter part.
 *
 * The compiled IR names every node after the RPN component it was lowered from
 * (`layers.0/heads.1/expansion[…]/Mul_7`, ir/graph.ts `Graph.scope`). The output of a stage (a layer,
 * a head, a head's expansion κ) is the value made inside its scope and read outside it (or a graph
 * output); each such value found in the optimised graph becomes an extra output of the ONNX model, which
 * runs once in ONNX Runtime. The reference interpreter computes the same stages from the spec (its own
 * `expand`, `runHead`, `runLayer`, in float64). The stages are compared in model order — layer 0's
 * heads (κ, then the head's output), layer 0's output, layer 1 … — and the first stage outside the
 * tolerance is where the numbers part. A stage whose value the passes removed (folded away, merged with
 * an identical head's, an identity expansion) is listed as skipped.
 */
import type { Graph, Value } from '../ir/graph.js';
import { createModel } from '../ir/graph.js';
import { compareOutputs } from '../runtime/compare.js';
import { applyProcessList, expand, runHead, runLayer } from '../runtime/reference/index.js';
import { runGridHead } from '../runtime/reference/grid.js';
import { fromFloat32, type Mat } from '../runtime/reference/matrix.js';
import { createSession, type ExecutionProvider } from '../runtime/session.js';
import * as ort from 'onnxruntime-node';
import { DiagnosticError, diag, type Diagnostic } from './diagnostics.js';
import { emitOnnx } from './onnx/emit.js';
import type { WeightSource } from './spec/params.js';
import type { ModelSpec } from './spec/types.js';

/** One stage of the model and how ONNX Runtime's value compares with the reference's. */
export interface StageComparison {
  /** `layers.0/heads.1/expansion[bspline_expansion]`, `layers.0/heads.1`, `layers.0`. */
  stage: string;
  layer: number;
  head: number | null;
  /** `expansion` (κ), `head` (the head's output) or `layer` (the layer's output, after head fusion). */
  kind: 'expansion' | 'head' | 'layer';
  /** The IR / ONNX value exposed (null: skipped) and the node that makes it. */
  value: string | null;
  node: string | null;
  shape: number[];
  maxAbs: number;
  maxRel: number;
  ok: boolean;
  /** First offending element (flat index). */
  worst?: number;
  /** Why the stage was not compared. */
  skipped?: string;
}

export interface IntermediatesReport {
  ok: boolean;
  stages: StageComparison[];
  /** The first compared stage outside the tolerance. */
  firstMismatch?: StageComparison;
  atol: number;
  rtol: number;
}

export interface IntermediatesOptions {
  atol?: number;
  rtol?: number;
  ep?: ExecutionProvider;
  deviceId?: number;
  onNote?: (message: string) => void;
}

/** The value that leaves scope `scope` (made by a node inside, read outside or a graph output): the last such in node order. */
function stageValue(g: Graph, scope: string, cols: number): { value: Value; node: string } | undefined {
  const inside = new Set(g.nodes.filter((n) => n.name.startsWith(scope)));
  let found: { value: Value; node: string } | undefined;
  for (const n of g.nodes) {
    for (const v of n.inputs) {
      const p = v?.producer;
      if (v && p && inside.has(p) && !inside.has(n) && isMatrix(v, cols)) found = { value: v, node: p.name };
    }
  }
  for (const v of g.outputs) if (v.producer && inside.has(v.producer) && isMatrix(v, cols)) found = { value: v, node: v.producer.name };
  return found;
}

const isMatrix = (v: Value, cols: number) => v.shape.length === 2 && v.shape[1] === cols && v.dtype === 'float32';

interface Stage {
  stage: string;
  layer: number;
  head: number | null;
  kind: StageComparison['kind'];
  ref: Mat;
}

/** The reference interpreter's stages, in model order. */
function referenceStages(spec: ModelSpec, ws: WeightSource, x0: Mat): Stage[] {
  const out: Stage[] = [];
  let x = x0;
  spec.layers.forEach((layer, li) => {
    layer.heads.forEach((h, hi) => {
      const base = `layers.${li}/heads.${hi}`;
      // κ(F_in(x)) only where the head computes it once, on x itself (no interdependence, no grid)
      if (!h.grid && !h.attributeInterdependence && !h.instanceInterdependence) {
        out.push({ stage: `${base}/expansion[${h.expansion.type}]`, layer: li, head: hi, kind: 'expansion', ref: expand(h.expansion, applyProcessList(h.inputProcess, x, ws), ws) });
      }
      out.push({ stage: base, layer: li, head: hi, kind: 'head', ref: h.grid ? runGridHead(h, x, ws) : runHead(h, x, ws) });
    });
    const y = runLayer(layer, x, ws);
    out.push({ stage: `layers.${li}`, layer: li, head: null, kind: 'layer', ref: y });
    x = y;
  });
  return out;
}

/**
 * Run `graph` (the optimised IR of `spec`, as `compileSpec` leaves it) with every stage's value exposed,
 * and compare each with the reference interpreter on `input`. The graph is not changed.
 */
export async function compareIntermediates(spec: ModelSpec, ws: WeightSource, graph: Graph, input: { shape: number[]; data: Float32Array }, opts: IntermediatesOptions = {}): Promise<IntermediatesReport> {
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-4;
  const stages = referenceStages(spec, ws, fromFloat32(input.shape[0], input.shape[1], input.data));
  // a head's scope also holds its expansion: the head's output is what leaves `layers.i/heads.j/`;
  // the last layer's output is the model's output
  const last = spec.layers.length - 1;
  const exposed = stages.map((s) => {
    if (s.kind === 'layer' && s.layer === last && graph.outputs[0]?.producer) return { value: graph.outputs[0], node: graph.outputs[0].producer.name };
    return stageValue(graph, `${s.stage}/`, s.ref.cols);
  });
  const extra = [...new Set(exposed.filter((e): e is { value: Value; node: string } => !!e).map((e) => e.value))].filter((v) => !graph.outputs.includes(v));
  const saved = graph.outputs;
  let bytes: Uint8Array;
  try {
    graph.outputs = [...saved, ...extra];
    bytes = emitOnnx(createModel(graph, { producerVersion: 'rpnc-intermediates' }));
  } finally {
    graph.outputs = saved;
  }
  const s = await createSession(bytes, { ep: opts.ep ?? 'cpu', deviceId: opts.deviceId, onNote: opts.onNote });
  let res: Record<string, ort.Tensor>;
  try {
    res = await s.session.run({ [s.inputName]: new ort.Tensor('float32', input.data, input.shape) });
  } catch (e) {
    throw new DiagnosticError(diag('RPN5003', `ONNX Runtime failed to run the model with its intermediate values exposed: ${(e as Error).message.split('\n')[0]}`, { hint: 'this is a bug in rpnc; please report the model file' }));
  } finally {
    await s.session.release();
  }
  const out: StageComparison[] = stages.map((st, i) => {
    const e = exposed[i];
    const base = { stage: st.stage, layer: st.layer, head: st.head, kind: st.kind, shape: [st.ref.rows, st.ref.cols] };
    if (!e) return { ...base, value: null, node: null, maxAbs: 0, maxRel: 0, ok: true, skipped: 'not a value of its own in the optimised graph (no op of its own, folded, or merged by a pass such as linear-fusion-folding, head-dedupe or quadratic-form)' };
    const t = res[e.value.name];
    if (!t || t.dims.length !== 2 || t.dims[0] !== st.ref.rows || t.dims[1] !== st.ref.cols) {
      return { ...base, value: e.value.name, node: e.node, maxAbs: 0, maxRel: 0, ok: true, skipped: `ONNX Runtime's value has shape [${t ? t.dims.join(', ') : '?'}]` };
    }
    const a = compareOutputs('onnxruntime', t.data as Float32Array, 'reference', Float32Array.from(st.ref.data), atol, rtol);
    return { ...base, value: e.value.name, node: e.node, maxAbs: a.maxAbs, maxRel: a.maxRel, ok: a.ok, worst: a.worst };
  });
  const firstMismatch = out.find((c) => !c.ok && !c.skipped);
  return { ok: !firstMismatch, stages: out, firstMismatch, atol, rtol };
}

/** RPN7102 naming the first stage where ONNX Runtime and the reference part (undefined when none). */
export function intermediateDiagnostic(r: IntermediatesReport): Diagnostic | undefined {
  const f = r.firstMismatch;
  if (!f) return undefined;
  const [rows, cols] = f.shape;
  const where = f.worst === undefined ? '' : `, first at row ${Math.floor(f.worst / cols)} column ${f.worst % cols} of [${rows}, ${cols}]`;
  const what = f.kind === 'expansion' ? `the expansion ${f.stage.replace(/^.*\[|\]$/g, '')} of layer ${f.layer} head ${f.head}` : f.kind === 'head' ? `the output of layer ${f.layer} head ${f.head}` : `the output of layer ${f.layer}`;
  const earlier = r.stages.filter((s) => !s.skipped && s !== f && r.stages.indexOf(s) < r.stages.indexOf(f)).length;
  return diag('RPN7102', `ONNX Runtime and the reference interpreter first part at ${f.stage} (${what}; value %${f.value} made by node '${f.node}'): max abs ${f.maxAbs.toExponential(2)}${where}; the ${earlier} stage(s) before it agree`, {
    hint: f.kind === 'expansion' || f.kind === 'head' ? `the lowering of ${f.stage.split('/').pop()} is the first suspect (compiler/lower/); rpnc build --emit ir shows its nodes` : 'the head fusion of this layer is the first suspect (compiler/lower/fusion.ts)',
  });
}
