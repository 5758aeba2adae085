/**
 * The pipeline: model.ts -> (front end) DSL value -> (spec) ModelSpec -> (lower) IR -> (passes) -> ONNX.
 * Library code: never prints, never exits; problems are thrown as DiagnosticError.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { createHash } from 'node:crypto';
import type { Graph, Model } from '../ir/graph.js';
import { createModel } from '../ir/graph.js';
import { pushAll } from '../ir/arrays.js';
import { DiagnosticError, diag, type Diagnostic } from './diagnostics.js';
import { getSpan } from './spans.js';
import type { ExpansionSpec, FusionSpec, ProcessSpec } from './spec/types.js';
import { loadModel, type LoadResult } from './frontend/index.js';
import { lowerModel } from './lower/index.js';
import type onnxProto from 'onnx-proto';
import { encodeModel, modelProto } from './onnx/emit.js';
import { type Precision, toFloat16 } from './onnx/fp16.js';
import { EXTERNAL_DATA_THRESHOLD, inlineTensorBytes } from './onnx/external-data.js';
import { buildModelSpec } from './spec/build.js';
import type { LowerOptions } from './lower/index.js';
import { readGraphFile } from './frontend/graph-file.js';
import { bilinearHeadWarnings } from './spec/data-interdependence.js';
import { packingWarnings } from './spec/grid.js';
import { checkDerivedExtras } from './spec/extras.js';
import { batchNormParams, parameterManifest } from './spec/params.js';
import type { ModelSpec } from './spec/types.js';
import { VERSION } from './version.js';
import { SeededRandom, WeightStore } from './weights/store.js';
import { runPasses } from './passes.js';

/** Options of the pipeline (`compileFile`, `compileSpec`, and the API's `compile`). */
export interface CompileOptions {
  /** safetensors checkpoints (tinybig state_dict names); merged. */
  weights?: string[];
  /** Seed of rpnc's deterministic initialisation, used when no weights are given (default 0). */
  seed?: number;
  /** Constant-fold the fabrication ψ(w) (default true). */
  fold?: boolean;
  /** Run the optimisations (default true). `false` = `--no-opt`: dense fabrication, only folding and DCE. */
  opt?: boolean;
  /** What the cost model minimises (default 'speed'); 'size' keeps factored parameters where they are smaller. */
  optimize?: 'speed' | 'size';
  /** The batch size the cost model plans for (default: the model's fixed batch b when an instance interdependence sets one, else 1). */
  batchHint?: number;
  /** Run exactly these passes (names from ir/passes), in order, instead of the default pipeline. */
  passes?: string[];
  /** Drop these passes from the pipeline. */
  disablePasses?: string[];
  /** Called after every pass that changed the graph (for `--emit ir` after a pass). */
  afterPass?: (pass: string, graph: Graph) => void;
  /** Largest tensor and parameter count accepted, in float32 values (default $RPNC_MAX_PARAMS or 1e9; compiler/spec/limits.ts). */
  maxParams?: number;
  /** Called after each phase of `compileSpec` with its wall time in ms and a short statistic (for `--verbose`). */
  onPhase?: (phase: CompilePhase, ms: number, detail: string) => void;
  /** 'fp16': weights and compute in float16 (for the CUDA EP), see compiler/onnx/fp16.ts (default 'fp32'). */
  precision?: Precision;
  /** With precision 'fp16': the type of the input x and output y (default 'fp32': Casts at the interface). */
  ioPrecision?: Precision;
}

/** The phases of the pipeline, as `onPhase` names them. */
export type CompilePhase = 'front end' | 'spec' | 'lowering' | 'passes' | 'emit';

/** What the pipeline produces: the ONNX bytes and the IR model, spec and weights they came from, and warnings. */
export interface CompileResult {
  /** The serialised ONNX model (encoded on first use). */
  onnx: Uint8Array;
  /** The ONNX ModelProto (e.g. for writing with external data: compiler/onnx/external-data.ts). */
  proto: onnxProto.onnx.IModelProto;
  model: Model;
  spec: ModelSpec;
  weights: WeightStore;
  diagnostics: Diagnostic[];
}

/** Front end + validation: model file -> ModelSpec. */
export function loadSpec(path: string, opts: Pick<CompileOptions, 'onPhase' | 'maxParams'> = {}): { spec: ModelSpec; sourceText: string; sourceSha256?: string; files: string[] } {
  return specOf(() => loadModel(path), opts);
}

/** Run a front-end load, then validation (each timed through `onPhase`); throws on front-end errors. */
export function specOf(load: () => LoadResult, opts: Pick<CompileOptions, 'onPhase' | 'maxParams'> = {}): { spec: ModelSpec; sourceText: string; sourceSha256?: string; files: string[] } {
  let t = performance.now();
  const res = load();
  opts.onPhase?.('front end', performance.now() - t, `${res.files.length} file(s)`);
  const errors = res.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticError(res.diagnostics);
  t = performance.now();
  const entry = res.files[0];
  const dataFiles: string[] = []; // graph files the model reads: part of its source closure (rpnc.source_sha256)
  const readGraph = (rel: string) => {
    const g = readGraphFile(entry, rel);
    dataFiles.push(nodePath.resolve(nodePath.dirname(entry), rel));
    return g;
  };
  const spec = buildModelSpec(res.value, { maxParams: opts.maxParams, readGraphFile: entry ? readGraph : undefined });
  opts.onPhase?.('spec', performance.now() - t, `${spec.type}, ${spec.layers.length} layer(s), x [batch, ${spec.m}] -> y [batch, ${spec.n}]`);
  const sourceSha256 = dataFiles.length && res.sourceSha256
    ? createHash('sha256').update([res.sourceSha256, ...[...new Set(dataFiles)].sort().map((f) => createHash('sha256').update(fs.readFileSync(f)).digest('hex'))].join('\n')).digest('hex')
    : res.sourceSha256;
  return { spec, sourceText: res.sourceText, sourceSha256, files: res.files };
}

/** The weights for a spec: the given checkpoints, or rpnc's seeded initialisation. */
export function loadWeights(spec: ModelSpec, opts: { weights?: string[]; seed?: number }): WeightStore {
  if (opts.weights && opts.weights.length) return WeightStore.fromFiles(opts.weights);
  return seededWeights(spec, opts.seed ?? 0);
}

/**
 * rpnc's deterministic initialisation (`--seed N`): parameters in the order of `parameterManifest`,
 * each drawn from one SeededRandom(seed): matrices xavier-normal (fan_in = columns), biases zero; the
 * side-cars of random reconciliations as tinybig draws them (N(0, 1), masks U[0,1) < p).
 */
export function seededWeights(spec: ModelSpec, seed: number): WeightStore {
  const rng = new SeededRandom(seed);
  const map = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const p of parameterManifest(spec)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const data =
      p.init === 'zeros' ? new Float32Array(size)
      : p.init === 'normal' ? rng.normalTensor(p.shape, 0, 1)
      : p.init === 'mask' ? Float32Array.from({ length: size }, () => (rng.next() < (p.p ?? 0.5) ? 1 : 0))
      : rng.xavierNormal(p.shape);
    map.set(p.key, { shape: p.shape, data });
  }
  return new WeightStore(map, `the seeded initialisation (--seed ${seed})`);
}

/** Check that a checkpoint fits the spec exactly: aliases equal, derived extras equal, no unknown keys. */
export function validateWeights(spec: ModelSpec, store: WeightStore): void {
  for (const layer of spec.layers) {
    for (const h of layer.heads) {
      if (!h.aliases.length) continue;
      for (const key of store.keys()) {
        if (!key.startsWith(h.prefix)) continue;
        const suffix = key.slice(h.prefix.length);
        store.checkAliasesEqual([key, ...h.aliases.map((a) => a + suffix)]);
      }
    }
  }
  checkDerivedExtras(spec, store);
  // BatchNorm's step counter has no effect at inference; accept it next to used running statistics.
  for (const key of store.unusedKeys()) {
    if (key.endsWith('.num_batches_tracked') && store.has(key.replace(/num_batches_tracked$/, 'running_mean'))) store.markUsed(key);
  }
  store.assertAllUsed();
}

/** Every processing function of the model, in order. */
export function allProcessSpecs(spec: ModelSpec): ProcessSpec[] {
  const out: ProcessSpec[] = [];
  const exp = (e: ExpansionSpec): void => {
    pushAll(out, e.pre);
    e.children.forEach(exp);
    pushAll(out, e.post);
  };
  const fus = (f?: FusionSpec): void => {
    if (f) pushAll(pushAll(out, f.pre), f.post);
  };
  for (const layer of spec.layers) {
    for (const h of layer.heads) {
      pushAll(out, h.inputProcess);
      exp(h.expansion);
      fus(h.channelFusion);
      pushAll(pushAll(out, h.remainder.act), h.outputProcess);
    }
    fus(layer.headFusion);
  }
  return out;
}

/**
 * A BatchNorm without running statistics in the checkpoint is tinybig's list-held BatchNorm:
 * it normalises over the batch. Say so at its source location (once per BatchNorm).
 */
export function batchNormWarnings(spec: ModelSpec, store: WeightStore): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const p of allProcessSpecs(spec)) {
    if (p.type !== 'BatchNorm1d' || seen.has(p.prefix) || batchNormParams(p, store).mode !== 'batch') continue;
    seen.add(p.prefix);
    out.push(
      diag('RPN2201', `BatchNorm1d(${p.width}) at ${p.prefix.replace(/\.$/, '')} has no running statistics in the weights, so it normalises over the batch (tinybig's behaviour at inference): outputs depend on the whole batch, and a batch of 1 gives zeros`, {
        severity: 'warning',
        span: getSpan(p.source),
        hint: `to get per-sample inference, add '${p.prefix}running_mean' and '${p.prefix}running_var' (and weight/bias) to the checkpoint`,
      }),
    );
  }
  return out;
}

/** The fabrication strategy with its defaults: optimised, for speed, at the model's fixed batch (instance interdependence) or 1. */
export function strategyOf(spec: ModelSpec, opts: Pick<CompileOptions, 'opt' | 'optimize' | 'batchHint'> & { mixForm?: LowerOptions['mixForm'] }): { opt: boolean; optimize: 'speed' | 'size'; batchHint: number; mixForm?: LowerOptions['mixForm'] } {
  return { opt: opts.opt ?? true, optimize: opts.optimize ?? 'speed', batchHint: opts.batchHint ?? spec.batch ?? 1, ...(opts.mixForm ? { mixForm: opts.mixForm } : {}) };
}

/** Validated spec + weights -> ONNX: lowering, weight checks, passes (folding ψ(w)), emission. Throws `DiagnosticError`. */
export function compileSpec(spec: ModelSpec, store: WeightStore, opts: CompileOptions & { sourceText?: string; sourceSha256?: string; modelPath?: string; /** tests: force a chain/graph mixing form */ mixForm?: LowerOptions['mixForm'] } = {}): CompileResult {
  let t = performance.now();
  const phase = (name: CompilePhase, detail: () => string): void => {
    if (opts.onPhase) opts.onPhase(name, performance.now() - t, detail());
    t = performance.now();
  };
  const graph = lowerModel(spec, store, strategyOf(spec, opts));
  validateWeights(spec, store);
  phase('lowering', () => `${graph.nodes.length} nodes`);
  const nodesBefore = graph.nodes.length;
  const changes = new Map<string, number>();
  const afterPass = (pass: string, g: Graph): void => {
    changes.set(pass, (changes.get(pass) ?? 0) + 1);
    opts.afterPass?.(pass, g);
  };
  runPasses(graph, { fold: opts.fold ?? true, opt: opts.opt ?? true, passes: opts.passes, disablePasses: opts.disablePasses, afterPass });
  phase('passes', () => `${nodesBefore} -> ${graph.nodes.length} nodes; ${[...changes].map(([p, n]) => `${p} changed the graph ${n}×`).join(', ') || 'no pass changed the graph'}`);
  const metadata: Record<string, string> = {
    'rpnc.version': VERSION,
    'rpnc.model_type': spec.type,
    'rpnc.input': `x: float32[${spec.batch ?? 'batch'}, ${spec.m}]`,
    'rpnc.output': `y: float32[${spec.batch !== undefined ? spec.rowsOut : 'batch'}, ${spec.n}]`,
    'rpnc.folded': String(opts.fold ?? true),
  };
  if (spec.batch !== undefined) metadata['rpnc.fixed_batch'] = `${spec.batch} (an instance interdependence mixes the rows of the batch; outputs ${spec.rowsOut} rows)`;
  // whether a row's output depends only on that row (check / run may split the batch, serving may merge requests):
  // not for a fixed batch (the rows are mixed), an A computed from the batch, or BatchNorm on batch statistics
  const coupled = spec.batch !== undefined || !!spec.rowCoupled || batchNormWarnings(spec, store).length > 0;
  metadata['rpnc.rows_independent'] = String(!coupled);
  // the whole source closure (entry and relative imports) when the front end loaded it, else the given text
  if (opts.sourceSha256 !== undefined) metadata['rpnc.source_sha256'] = opts.sourceSha256;
  else if (opts.sourceText !== undefined) metadata['rpnc.source_sha256'] = createHash('sha256').update(opts.sourceText).digest('hex');
  const model = createModel(graph, { metadata, producerVersion: VERSION });
  const fp32 = modelProto(model);
  const proto = opts.precision === 'fp16' ? toFloat16(fp32, { io: opts.ioPrecision }) : fp32;
  let bytes: Uint8Array | undefined;
  const result: CompileResult = {
    get onnx() {
      return (bytes ??= encodeModel(proto));
    },
    proto,
    model,
    spec,
    weights: store,
    diagnostics: [...store.warnings, ...bilinearHeadWarnings(spec), ...packingWarnings(spec.source), ...batchNormWarnings(spec, store)],
  };
  phase('emit', () => {
    // A model beyond protobuf's 2 GB is only ever written with external data: do not encode it inline here.
    const tensorBytes = inlineTensorBytes(proto);
    return `${tensorBytes > EXTERNAL_DATA_THRESHOLD ? `${tensorBytes} bytes of tensors` : `${result.onnx.length} bytes`}${opts.precision === 'fp16' ? ' (fp16)' : ''}`;
  });
  return result;
}

/** The whole pipeline from a front-end load (a file, or source text): spec, weights, ONNX. */
export function compileLoaded(load: () => LoadResult, opts: CompileOptions = {}): CompileResult {
  const { spec, sourceText, sourceSha256 } = specOf(load, opts);
  const store = loadWeights(spec, opts);
  return compileSpec(spec, store, { ...opts, sourceText, sourceSha256 });
}

/** Compile a model file to ONNX bytes. */
export function compileFile(path: string, opts: CompileOptions = {}): CompileResult {
  return compileLoaded(() => loadModel(path), opts);
}
