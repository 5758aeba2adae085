/**
 * `rpnc inspect`: what a model is made of, as data (the CLI prints it; nothing here prints or exits).
 *
 * For a model file: per layer and head the components, the widths m → D → n, the parameters before
 * folding (what the checkpoint holds: `parameterManifest`) and after (what the compiled model stores:
 * the fabricated W in its chosen form, biases, the remainder), the matrix FLOPs per sample and the
 * fabrication form the cost model chose; then the operator histogram of the optimised IR, its
 * initializers and the ONNX file size. For an .onnx file: the operator histogram, inputs/outputs,
 * initializers, metadata, and whether rpnc produced it.
 *
 * FLOPs count multiply-adds of matrix products as 2 (elementwise expansion work is not counted).
 */
import { stepMixPlan } from './lower/chain.js';
import { mixesAfterProduct } from './lower/head.js';
import { graphMixPlan } from './lower/graph.js';
import type { LowerOptions } from './lower/index.js';
import { GRAPH_BILINEAR } from './spec/topological.js';
import onnxProto from 'onnx-proto';
import { checkOnnxBytes } from './onnx/read-onnx.js';
import { dimSize, type Dim, type Graph, type Node } from '../ir/graph.js';
import { tensorBytes } from '../ir/tensor.js';
import { compileSpec, loadSpec, loadWeights, strategyOf, type CompileOptions } from './compile.js';
import { fail, type Diagnostic } from './diagnostics.js';
import { expansionForm, fabricationPlan } from './lower/cost.js';
import { parameterManifest } from './spec/params.js';
import type { FusionSpec, HeadSpec, ModelSpec, ProcessSpec } from './spec/types.js';
import { mergeWeightFiles } from './weights/safetensors.js';
import type { WeightStore } from './weights/store.js';

const { onnx } = onnxProto;

/** Options of `inspectModel`: the pipeline options it compiles with (default weights: rpnc's seeded initialisation). */
export type InspectOptions = Pick<CompileOptions, 'weights' | 'seed' | 'fold' | 'opt' | 'optimize' | 'batchHint'>;

/** One head in an `InspectReport`. */
export interface HeadReport {
  layer: number;
  head: number;
  /** state_dict prefix, e.g. `layers.0.heads.0.` */
  prefix: string;
  type: string;
  m: number;
  /** Width after the attribute interdependence (= m without one). */
  mPrime: number;
  D: number;
  n: number;
  channels: number;
  expansion: string;
  /** `null`: no parameter fabrication (κ(x) is the channel output). */
  reconciliation: string | null;
  /** Length of one channel's parameter row. */
  l: number;
  remainder: string;
  interdependence: string | null;
  channelFusion: string | null;
  processing: string[];
  /** Grid heads: the number of patch positions the fabricated W is applied at. */
  positions: number;
  /** Scalars the checkpoint holds for this head (every tensor under its prefix; seeded: `parameterManifest`). */
  paramsBefore: number;
  /** Scalars the compiled model stores for it: the fabricated W in its form, biases, remainder. */
  paramsAfter: number;
  /** Matrix FLOPs per sample: fabricated W (or its factors) and the linear remainder. */
  flopsPerSample: number;
  /** Fabrication form: 'dense', a factored form ('lorr-factored', …), or 'none'. */
  form: string;
  /** Chain heads: the steps per row (the head runs on every step). */
  steps?: number;
  /** Chain / graph heads: how the steps or node rows are mixed and the form the cost model chose. */
  mixing?: { what: string; form: string; detail: string };
  /** How the expansion is lowered when it has more than one form (cost.ts expansionForm: 'bspline-cardinal', 'bspline-recursive'), else 'direct'. */
  expansionForm: string;
}

/** One layer in an `InspectReport`. */
export interface LayerReport {
  index: number;
  type: string;
  m: number;
  n: number;
  heads: HeadReport[];
  headFusion: string | null;
  /** Checkpoint scalars of the layer outside its heads (the head fusion), and the fusion's folded size. */
  fusionParamsBefore: number;
  fusionParamsAfter: number;
  fusionFlopsPerSample: number;
}

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: Dim[];
}

/** A node of the graph for drawing (`--dot`): value names in, values (with shapes where known) out. */
export interface GraphNodeInfo {
  name: string;
  op: string;
  inputs: string[];
  outputs: TensorInfo[];
}

export interface GraphInfo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  constants: TensorInfo[];
  nodes: GraphNodeInfo[];
}

/** What `inspectModel` / `inspectOnnx` report (see docs/cli.md). */
export interface InspectReport {
  kind: 'model' | 'onnx';
  /** Producer of the ONNX graph; `rpnc` true when rpnc wrote it. */
  producer: { name: string; version: string; rpnc: boolean };
  opset: number | null;
  irVersion: number | null;
  /** Model files: the root of the default export, its type and widths; `batch`/`rowsOut` when an instance interdependence fixes the batch. */
  model: { root: string; type: string; m: number; n: number; batch?: number; rowsOut?: number; batchKind?: string } | null;
  layers: LayerReport[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Operator histogram (op type → count), sorted by op type. */
  operators: Record<string, number>;
  nodeCount: number;
  initializers: { count: number; elements: number; bytes: number };
  metadata: Record<string, string>;
  totals: {
    /** Model files: sums over heads and fusions (null for a bare .onnx). */
    paramsBefore: number | null;
    paramsAfter: number | null;
    flopsPerSample: number | null;
    /** Measured on the graph's shapes: 2 × multiply-adds per sample of every MatMul, Gemm and Conv. */
    graphFlopsPerSample: number | null;
    onnxBytes: number;
  };
  /** Compile options used (model files). */
  options: { fold: boolean; opt: boolean; optimize: 'speed' | 'size'; batchHint: number; weights: string } | null;
  /** Warnings of the compilation (e.g. batch-statistics BatchNorm). */
  diagnostics: Diagnostic[];
  /** The graph for `--dot` (not part of `--json`). */
  graph: GraphInfo;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const procNames = (ps: ProcessSpec[]): string[] => ps.map((p) => p.type);

/** A fusion after folding: its fabricated (n × Σdims) matrix when parameterized by a reconciliation, else its row. */
function fusionSizes(f: FusionSpec | undefined): { after: number; flops: number } {
  if (!f || !f.paramKey) return { after: 0, flops: 0 };
  if (!f.reconciliation) return { after: f.l, flops: 0 };
  const dense = f.reconciliation.n * f.reconciliation.D;
  return { after: dense, flops: 2 * dense };
}

/** Scalars per checkpoint key: of the weight files when given, else of rpnc's seeded initialisation (the manifest). */
export function checkpointSizes(spec: ModelSpec, weights?: string[]): Map<string, number> {
  if (weights?.length) return new Map([...mergeWeightFiles(weights).tensors].map(([k, t]) => [k, prod(t.shape)]));
  return new Map(parameterManifest(spec).map((p) => [p.key, prod(p.shape)]));
}

/** Keys of shared heads' duplicate copies (`[head] * width` saves heads.1.* … equal to heads.0.*): counted once. */
function aliasKeys(spec: ModelSpec, keys: Iterable<string>): Set<string> {
  const prefixes = spec.layers.flatMap((l) => l.heads.flatMap((h) => h.aliases));
  return new Set([...keys].filter((k) => prefixes.some((p) => k.startsWith(p))));
}

/** How a chain / graph head mixes its steps or node rows, and the form lower/chain.ts / lower/graph.ts pick. */
function mixingOf(h: HeadSpec, opts: LowerOptions): { mixing?: HeadReport['mixing'] } {
  const width = mixesAfterProduct(h) ? h.n : h.D;
  const si = h.stepInterdependence;
  if (si?.topology) {
    const p = stepMixPlan(si, width, opts);
    return { mixing: { what: `chain A ${si.topology.size}×${si.topology.size} (${si.topology.variant}) over the steps`, form: opts.opt === false ? 'dense' : p.form, detail: `on width ${width}` } };
  }
  const ii = h.instanceInterdependence;
  if (ii?.type === GRAPH_BILINEAR) return { mixing: { what: `GAT attention over the ${ii.b} node rows, from x at run time`, form: 'attention', detail: 'Âᵀ = masked row softmax of Gᵀ ⊙ X·W_bᵀ·Xᵀ' } };
  if (ii?.topology) {
    const p = graphMixPlan(ii, width, opts);
    return { mixing: { what: `${ii.topology.structure} A ${ii.topology.size}×${ii.topology.size} (${ii.topology.variant}) over the rows`, form: p.form, detail: `${p.nnz} non-zeros, in-degree ≤ ${p.maxInDegree}, on width ${width}` } };
  }
  return {};
}

/** Per layer and head: components, widths, parameters before/after folding, FLOPs, fabrication form. */
export function describeLayers(
  spec: ModelSpec,
  opts: { fold?: boolean; opt?: boolean; optimize?: 'speed' | 'size'; batchHint?: number } = {},
  sizes: Map<string, number> = checkpointSizes(spec),
): LayerReport[] {
  const aliases = aliasKeys(spec, sizes.keys());
  const keys = [...sizes.keys()].filter((k) => !aliases.has(k));
  const plan = fabricationPlan(spec, strategyOf(spec, opts));
  const choice = (layer: number, head: number) => plan.find((c) => c.layer === layer && c.head === head);
  // BatchNorm with running statistics folds to a scale and a shift; LayerNorm keeps its affine
  const normAfter = (p: ProcessSpec): number =>
    p.type === 'BatchNorm1d' ? (sizes.has(`${p.prefix}running_mean`) ? 2 * p.width : 0) : p.type === 'LayerNorm' ? (sizes.get(`${p.prefix}weight`) ?? 0) + (sizes.get(`${p.prefix}bias`) ?? 0) : 0;
  const under = (prefix: string, except: string[] = []) =>
    keys.filter((k) => k.startsWith(prefix) && !except.some((e) => k.startsWith(e))).reduce((a, k) => a + sizes.get(k)!, 0);
  return spec.layers.map((layer, li) => {
    const heads = layer.heads.map((h: HeadSpec, hi): HeadReport => {
      const rec = h.reconciliation;
      const positions = h.grid && h.grid.kind === 'interdependence' ? h.grid.P : 1;
      const c = choice(li, hi);
      // without folding the model stores the parameter rows and fabricates W at run time
      const stored = !rec || !c ? 0 : opts.fold === false ? (h.grid ? 1 : h.channelNum) * rec.l : c.storedParams;
      const form = !rec || !c ? 'none' : opts.fold === false ? 'unfolded' : c.form;
      const steps = h.steps ?? layer.steps ?? 1; // chain heads and rnn's per-step layers run on every step of a row
      const fabFlops = !rec || !c ? 0 : c.flopsPerSample * positions * steps;
      const bias = rec && h.bias ? h.n : 0;
      const rem = (h.remainder.weight ? h.n * h.m : 0) + (h.remainder.bias ? h.n : 0);
      const ai = h.attributeInterdependence;
      const aiAfter = ai && ai.l > 0 ? h.channelNum * ai.m * ai.mPrime : 0;
      const cf = fusionSizes(h.channelFusion);
      const norm = [...h.inputProcess, ...h.remainder.act, ...h.outputProcess].reduce((a, p) => a + normAfter(p), 0);
      return {
        layer: li,
        head: hi,
        prefix: h.prefix,
        type: h.type,
        m: h.m,
        mPrime: ai ? ai.mPrime : h.m,
        D: h.D,
        n: h.n,
        channels: h.channelNum,
        expansion: h.expansion.type,
        reconciliation: rec ? rec.type : null,
        l: rec ? rec.l : 0,
        remainder: h.remainder.type,
        interdependence: ai ? ai.type : null,
        channelFusion: h.channelFusion ? h.channelFusion.type : null,
        processing: [...procNames(h.inputProcess), ...procNames(h.outputProcess)],
        positions,
        paramsBefore: under(h.prefix),
        paramsAfter: stored + bias + rem + aiAfter + cf.after + norm + (h.instanceInterdependence?.topology ? h.channelNum * h.instanceInterdependence.l : 0),
        flopsPerSample: fabFlops + (h.remainder.weight ? 2 * h.n * h.m : 0) * steps + 2 * aiAfter + cf.flops,
        form,
        ...(steps > 1 && { steps }),
        ...mixingOf(h, strategyOf(spec, opts)),
        expansionForm: expansionForm(h.expansion, strategyOf(spec, opts)),
      };
    });
    const hf = fusionSizes(layer.headFusion);
    return {
      index: li,
      type: layer.type,
      m: layer.m,
      n: layer.n,
      heads,
      headFusion: layer.headFusion ? layer.headFusion.type : null,
      fusionParamsBefore: under(layer.prefix, layer.heads.flatMap((h) => [h.prefix, ...h.aliases])),
      fusionParamsAfter: hf.after,
      fusionFlopsPerSample: hf.flops,
    };
  });
}

/** Per sample (symbolic dims such as batch count 1): 2 × multiply-adds of MatMul, Gemm and Conv nodes. */
export function graphFlops(nodes: Node[]): number {
  // a symbolic dim counts 1 per sample, a product such as 'batch*150' (a chain's steps as rows) its numeric factors
  const elems = (shape: Dim[]) => shape.reduce<number>((a, d) => a * dimSize(d, 1), 1);
  let total = 0;
  for (const n of nodes) {
    const a = n.inputs[0]?.shape;
    const w = n.inputs[1]?.shape;
    const y = n.outputs[0]?.shape;
    if (!a || !w || !y) continue;
    const k = n.op === 'MatMul' ? a[a.length - 1] : n.op === 'Gemm' ? (n.attrs.transA ? a[0] : a[1]) : n.op === 'Conv' ? elems(w.slice(1)) : undefined;
    if (typeof k === 'number') total += 2 * k * elems(y);
  }
  return total;
}

function histogram(nodes: { op: string }[]): Record<string, number> {
  const h: Record<string, number> = {};
  for (const n of [...nodes].sort((a, b) => (a.op < b.op ? -1 : a.op > b.op ? 1 : 0))) h[n.op] = (h[n.op] ?? 0) + 1;
  return h;
}

/** The IR graph as drawable data. */
export function graphInfo(g: Graph): GraphInfo {
  const t = (v: { name: string; dtype: string; shape: Dim[] }): TensorInfo => ({ name: v.name, dtype: v.dtype, shape: [...v.shape] });
  return {
    inputs: g.inputs.map(t),
    outputs: g.outputs.map(t),
    constants: g.constants.map(t),
    nodes: g.nodes.map((n) => ({ name: n.name, op: n.op, inputs: n.inputs.map((v) => (v ? v.name : '')), outputs: n.outputs.map(t) })),
  };
}

/** Inspect a model file (or a spec with its weights): compiled as `rpnc build` would, with the same options. */
export function inspectModel(model: string | { spec: ModelSpec; weights: WeightStore; sourceText?: string; sourceSha256?: string }, opts: InspectOptions = {}): InspectReport {
  const { spec, sourceText, sourceSha256 } = typeof model === 'string' ? loadSpec(model) : model;
  const store = typeof model === 'string' ? loadWeights(spec, { weights: opts.weights, seed: opts.seed }) : model.weights;
  const o = { fold: opts.fold ?? true, ...strategyOf(spec, opts) };
  const res = compileSpec(spec, store, { ...o, sourceText, sourceSha256 });
  const onnxPart = inspectOnnx(res.onnx);
  const graph = graphInfo(res.model.graph);
  const sizes = typeof model === 'string' ? checkpointSizes(spec, opts.weights) : checkpointSizes(spec);
  const layers = describeLayers(spec, o, sizes);
  const aliases = aliasKeys(spec, sizes.keys());
  const sum = (f: (h: HeadReport) => number, g: (l: LayerReport) => number) => layers.reduce((a, l) => a + g(l) + l.heads.reduce((b, h) => b + f(h), 0), 0);
  const g = res.model.graph;
  return {
    ...onnxPart,
    kind: 'model',
    model: { root: spec.root, type: spec.type, m: spec.m, n: spec.n, ...(spec.batch !== undefined && { batch: spec.batch, rowsOut: spec.rowsOut }), ...batchKindOf(spec) },
    layers,
    operators: histogram(g.nodes),
    nodeCount: g.nodes.length,
    initializers: {
      count: g.constants.length,
      elements: g.constants.reduce((a, c) => a + prod(c.const!.shape), 0),
      bytes: g.constants.reduce((a, c) => a + tensorBytes(c.const!).length, 0),
    },
    totals: {
      paramsBefore: [...sizes].reduce((a, [k, n]) => a + (aliases.has(k) ? 0 : n), 0),
      paramsAfter: sum((h) => h.paramsAfter, (l) => l.fusionParamsAfter),
      flopsPerSample: sum((h) => h.flopsPerSample, (l) => l.fusionFlopsPerSample),
      graphFlopsPerSample: graphFlops(g.nodes),
      onnxBytes: res.onnx.length,
    },
    options: { ...o, weights: opts.weights?.length ? opts.weights.join(', ') : `seeded (--seed ${opts.seed ?? 0})` },
    diagnostics: res.diagnostics,
    graph,
  };
}

/** ONNX element types by number, named as rpnc names them (FLOAT → float32, DOUBLE → float64, INT64 → int64). */
const DTYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(onnx.TensorProto.DataType).map(([k, v]) => [v as number, ({ FLOAT: 'float32', DOUBLE: 'float64' } as Record<string, string>)[k] ?? k.toLowerCase()]),
);
const ITEM_SIZE: Record<string, number> = { float32: 4, int32: 4, int64: 8, float64: 8, float16: 2, bfloat16: 2, int8: 1, uint8: 1, bool: 1, int16: 2, uint16: 2, uint32: 4, uint64: 8 };
const toNum = (x: unknown): number => (typeof x === 'number' ? x : x === null || x === undefined ? 0 : Number(String(x)));

function valueInfo(vi: onnxProto.onnx.IValueInfoProto): TensorInfo {
  const tt = vi.type?.tensorType;
  return {
    name: vi.name ?? '',
    dtype: DTYPE_NAMES[toNum(tt?.elemType)] ?? 'unknown',
    shape: (tt?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : d.dimValue !== null && d.dimValue !== undefined ? toNum(d.dimValue) : '?')),
  };
}

/** The graph inputs (initializers excluded) and outputs of a ModelProto, with element types and shapes. */
export function graphInterface(m: onnxProto.onnx.IModelProto): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  const inits = new Set((m.graph?.initializer ?? []).map((t) => t.name ?? ''));
  return { inputs: (m.graph?.input ?? []).filter((v) => !inits.has(v.name ?? '')).map(valueInfo), outputs: (m.graph?.output ?? []).map(valueInfo) };
}

/** Inspect ONNX bytes (any producer): operators, inputs/outputs, initializers, metadata. */
export function inspectOnnx(bytes: Uint8Array): InspectReport {
  checkOnnxBytes(bytes, 'the ONNX model'); // bounded (nodes, nesting, memory) before decoding (a file: readOnnxFile did it, naming the file)
  let m: onnxProto.onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    fail('RPN3401', `not an ONNX model: ${(e as Error).message}`, { hint: 'pass a .onnx file (a serialised ModelProto), e.g. one written by `rpnc build`' });
  }
  const g = m.graph;
  if (!g || !(g.node?.length || g.output?.length)) fail('RPN3401', 'not an ONNX model: it has no graph', { hint: 'pass a .onnx file (a serialised ModelProto), e.g. one written by `rpnc build`' });
  const inits = g.initializer ?? [];
  const initInfo: TensorInfo[] = inits.map((t) => ({ name: t.name ?? '', dtype: DTYPE_NAMES[toNum(t.dataType)] ?? 'unknown', shape: (t.dims ?? []).map(toNum) }));
  const initBytes = inits.reduce((a, t, i) => {
    if (t.rawData?.length) return a + t.rawData.length;
    const ext = t.externalData?.find((e) => e.key === 'length');
    if (ext) return a + Number(ext.value);
    return a + prod(initInfo[i].shape as number[]) * (ITEM_SIZE[initInfo[i].dtype] ?? 4);
  }, 0);
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  const known = new Map<string, TensorInfo>();
  for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) known.set(v.name ?? '', valueInfo(v));
  for (const t of initInfo) known.set(t.name, t);
  const nodes: GraphNodeInfo[] = (g.node ?? []).map((n, i) => ({
    name: n.name || `${n.opType}_${i}`,
    op: n.domain && n.domain !== 'ai.onnx' ? `${n.domain}.${n.opType}` : (n.opType ?? '?'),
    inputs: [...(n.input ?? [])],
    outputs: (n.output ?? []).map((o) => known.get(o) ?? { name: o, dtype: '', shape: [] }),
  }));
  const producerName = m.producerName ?? '';
  const opset = (m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    kind: 'onnx',
    producer: { name: producerName, version: m.producerVersion ?? '', rpnc: producerName === 'rpnc' && 'rpnc.version' in metadata },
    opset: opset ? toNum(opset.version) : null,
    irVersion: m.irVersion !== null && m.irVersion !== undefined ? toNum(m.irVersion) : null,
    model: null,
    layers: [],
    ...graphInterface(m),
    operators: histogram(nodes),
    nodeCount: nodes.length,
    initializers: { count: inits.length, elements: initInfo.reduce((a, t) => a + prod(t.shape as number[]), 0), bytes: initBytes },
    metadata,
    totals: {
      paramsBefore: null,
      paramsAfter: null,
      flopsPerSample: null,
      graphFlopsPerSample: null,
      onnxBytes: bytes.length,
    },
    options: null,
    diagnostics: [],
    graph: { inputs: (g.input ?? []).map(valueInfo), outputs: (g.output ?? []).map(valueInfo), constants: initInfo, nodes },
  };
}

const dotString = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const fmtShape = (s: Dim[]): string => `[${s.join(',')}]`;

/**
 * A Graphviz digraph of the graph: graph inputs and outputs as ellipses, one box per op labelled with
 * the op, its constant inputs (name and shape) and its output shapes. Deterministic (graph order).
 */
export function graphToDot(g: GraphInfo, name = 'rpnc'): string {
  const ids = new Map<string, string>();
  const consts = new Map(g.constants.map((c) => [c.name, c]));
  const lines = [`digraph ${dotString(name)} {`, '  rankdir=TB;', '  node [fontname="Helvetica", fontsize=10];'];
  g.inputs.forEach((v, i) => {
    if (consts.has(v.name)) return;
    ids.set(v.name, `in${i}`);
    lines.push(`  in${i} [shape=ellipse, label=${dotString(`${v.name}\n${fmtShape(v.shape)}`)}];`);
  });
  g.nodes.forEach((n, i) => {
    const id = `n${i}`;
    const constLines = n.inputs.filter((x) => consts.has(x)).map((x) => `${x} ${fmtShape(consts.get(x)!.shape)}`);
    // an ONNX file's intermediate values have no recorded type (dtype ''): their shape is unknown
    const outShapes = n.outputs.map((o) => (o.dtype || o.shape.length ? fmtShape(o.shape) : '?')).join(', ');
    lines.push(`  ${id} [shape=box, label=${dotString([n.op, ...constLines, `→ ${outShapes}`].join('\n'))}];`);
    for (const x of n.inputs) {
      const from = ids.get(x);
      if (from) lines.push(`  ${from} -> ${id};`);
    }
    for (const o of n.outputs) ids.set(o.name, id);
  });
  g.outputs.forEach((v, i) => {
    lines.push(`  out${i} [shape=ellipse, label=${dotString(`${v.name}\n${fmtShape(v.shape)}`)}];`);
    const from = ids.get(v.name);
    if (from) lines.push(`  ${from} -> out${i};`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

/**
 * The batch kind (issue 13, Q2) and why, for models whose rows are not independent: free but row-coupled (A computed
 * from the batch), a fixed batch b, or b → b' rows; `{}` for row-independent models.
 */
function batchKindOf(spec: ModelSpec): { batchKind?: string } {
  const fns = spec.layers.flatMap((l) => l.heads.flatMap((h) => [h.attributeInterdependence, h.instanceInterdependence])).filter((s) => s !== undefined);
  const names = (pred: (s: NonNullable<(typeof fns)[number]>) => boolean) => [...new Set(fns.filter(pred).map((s) => s.type))].join(', ');
  if (spec.batch !== undefined) {
    const kind = spec.rowsOut !== spec.batch ? `fixed batch ${spec.batch} → ${spec.rowsOut} rows` : `fixed batch ${spec.batch}`;
    return { batchKind: `${kind}: ${names((s) => s.b !== undefined)} needs exactly b = ${spec.batch} rows (tinybig's A or W is b×b); the rows are mixed, so the batch is one unit` };
  }
  if (spec.rowCoupled) return { batchKind: `any batch, row-coupled: ${names((s) => !!s.data && !s.data.frozenKey)} computes A from the whole batch, so each output row depends on the other rows (check and run never split the batch)` };
  return {};
}
