/**
 * DSL value -> validated ModelSpec. tinybig's built-in layers and models (perceptron_layer,
 * kan_layer, svm/naive_bayes/pgm layers, mlp, kan, svm, naive_bayes, pgm) are expanded here into plain layers and heads, with tinybig's construction
 * logic and weight-key numbering. Every dimension error points at the option that is wrong.
 */
import { type Component, isComponent } from '../dsl/component.js';
import { DiagnosticError, type Diagnostic, type SourceSpan, diag } from '../diagnostics.js';
import { copyPropSpans, getSpan, optionSpan, setSpan } from '../spans.js';
import { reconciliationHasParameters, reconciliationSizes } from './sizes.js';
import { type SizeLimits, type TooLarge, componentTooLarge, expansionWidth, formatCount, modelBranchesTooLarge, sizeLimits, specTooLarge, tensorTooLarge } from './limits.js';
import { GRID_HEAD_TYPES, type GridBuildHelpers, GeometryError, buildGridHead, cnnLayerOptions, gridGeometry, gridWidths } from './grid.js';
import { DATA_INTERDEPENDENCES, type DataBuildHelpers, buildDataInterdependence, rowCoupled } from './data-interdependence.js';
import { fcf } from './sizes.js';
import { COMPRESSION_CODES, compressionWidth, expansionBatch, isCompressionFamily } from './compression.js';
import { GEOMETRIC_INTERDEPENDENCE_CLASSES, geometricInterdependence } from './geometric.js';
import type { ExpansionSpec, FusionSpec, HeadSpec, InterdependenceSpec, LayerSpec, ModelSpec, ProcessSpec, ReconciliationSpec, RemainderSpec, TopologySpec } from './types.js';
import { GRAPH_BILINEAR, TOPOLOGICAL_FUNCTIONS, type Helpers as TopologyHelpers, chainHeadFunction, graphModelLayers, resolveTopology, rnnLayers, stepInfo, topologicalHeadOptions } from './topological.js';
import { TopologyError } from './topology.js';

/** Validation diagnostics codes (RPN2xxx). */
export const SPEC_CODES = {
  RPN2001: 'the default export is not an rpnc model, layer or head',
  RPN2002: 'a component kind or type that rpnc does not support (yet)',
  RPN2101: 'layer chaining: n of layer i differs from m of layer i+1',
  RPN2102: 'a head does not fit its layer (m or output width)',
  RPN2103: 'heads of a layer disagree on their output width / head fusion width mismatch',
  RPN2104: 'a reconciliation does not fit the head dimensions (divisibility, explicit l)',
  RPN2105: 'remainder incompatible with the head dimensions (needs m = n)',
  RPN2106: 'a processing function does not fit the width it is applied to',
  RPN2107: 'a head without a reconciliation must have D = n',
  RPN2108: 'a fusion configuration that tinybig cannot run',
  RPN2109: 'an option value outside what the component accepts',
  RPN2110: 'a component that tinybig evaluates non-deterministically (fresh random draws at every call)',
  RPN2111: "an instance interdependence's batch b or b' does not fit: heads or layers disagree on the batch, or b' ≠ b where the remainder or a sibling head keeps b rows",
  RPN2120: "a grid layer's input grid (h, w, channels) is missing and cannot be inferred, or contradicts the previous grid layer's output",
  RPN2130: 'a chain or graph model that tinybig itself cannot run (chain head with channelNum > 1 or BatchNorm, chain of length 1): refused',
  RPN2131: "a graph or chain structure that does not fit: a link to an unknown node, duplicate nodes, no links, a batch b or width m that is not the node count",
  RPN2132: 'a graph file (graphFilePath) that cannot be used: missing, outside the project, not JSON, a pickle, or malformed',
  RPN2301: "a dimension too large to compile: a tensor or the parameter count beyond rpnc's limits (RPNC_MAX_PARAMS), too many heads or channels, a huge grid patch, a graph past 10⁶ nodes or 10⁷ links, a chain past 10⁶ steps",
  RPN2302: "the lowered graph has more operations than rpnc compiles (500,000): too many layers, heads or channels together",
  RPN2201: 'warning: a BatchNorm normalises over the batch (no running statistics in the weights)',
  RPN2150: 'a data-dependent interdependence that tinybig 0.2.1 itself cannot run (it raises), or that needs a Python callable rpnc cannot express: refused',
  RPN2151: "a data-dependent interdependence that does not fit its batch: it needs b (tinybig asserts A is b×b, or W is b×b), or an option's length contradicts b or m",
  RPN2402: 'warning: a packing strategy tinybig does not know for the patch shape (it warns and packs densest; so does rpnc)',
  RPN2401: 'warning: tinybig 0.2.1 raises TypeError on every bilinear_interdependence_head / _layer / transformer (mask_zero keyword); rpnc compiles the evident intent (mask_zeros=True)',
  ...COMPRESSION_CODES,
} as const;

class Ctx {
  diags: Diagnostic[] = [];
  /** Reads graphFilePath files (relative to the model file); absent when compiling a value without a file. */
  readGraphFile?: TopologyHelpers['readGraphFile'];
  limits: SizeLimits = sizeLimits();
  /** Report a size beyond the limits (compiler/spec/limits.ts); true when there was one. */
  tooLarge(bad: TooLarge | undefined, at: Component | undefined): boolean {
    if (bad) this.error('RPN2301', bad.message, at, bad.option, bad.hint);
    return bad !== undefined;
  }
  error(code: keyof typeof SPEC_CODES, message: string, at: Component | undefined, option?: string, hint?: string): void {
    const span: SourceSpan | undefined = at ? (option ? optionSpan(at, option) : getSpan(at)) : undefined;
    this.diags.push(diag(code, message, { span, hint }));
  }
}

type Opts = Record<string, unknown>;
const list = <T>(v: unknown): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? (v as T[]) : [v as T]);

/** Build the ModelSpec of an evaluated default export. Throws DiagnosticError on invalid models. */
export function buildModelSpec(value: unknown, opts: { maxParams?: number; readGraphFile?: TopologyHelpers['readGraphFile'] } = {}): ModelSpec {
  const ctx = new Ctx();
  ctx.readGraphFile = opts.readGraphFile;
  if (opts.maxParams !== undefined) ctx.limits = sizeLimits(opts);
  const spec = build(ctx, value);
  if (spec && !ctx.diags.length) {
    const big = specTooLarge(spec, ctx.limits);
    ctx.tooLarge(big, big?.at);
  }
  if (ctx.diags.length || !spec) {
    if (!ctx.diags.length) ctx.error('RPN2001', 'the model file did not produce a model', undefined);
    throw new DiagnosticError(ctx.diags);
  }
  return spec;
}

function build(ctx: Ctx, v: unknown): ModelSpec | undefined {
  if (!isComponent(v) || !['model', 'layer', 'head'].includes(v.kind)) {
    ctx.error('RPN2001', `the default export must be an rpnc model, layer or head (got ${isComponent(v) ? `a ${v.kind} (${v.type})` : typeof v})`, isComponent(v) ? v : undefined, undefined, 'export default rpn({ layers: [...] })');
    return undefined;
  }
  if (ctx.tooLarge(componentTooLarge(v, ctx.limits), v)) return undefined;
  if (v.kind === 'head') {
    const h = buildHead(ctx, v, '', { standalone: true });
    if (!h) return undefined;
    const m = h.m * (h.steps ?? 1); // a chain head reads L steps
    return withBatch(ctx, { root: 'head', type: v.type, m, n: h.outWidth, layers: [{ index: 0, prefix: '', type: 'head', m, n: h.outWidth, heads: [h], sharedHeads: false, source: v }], source: v });
  }
  if (v.kind === 'layer') {
    const l = buildLayer(ctx, v, 0, '');
    if (!l) return undefined;
    return withBatch(ctx, { root: 'layer', type: v.type, m: l.m, n: l.n, layers: [l], source: v });
  }
  const layerComps = modelLayers(ctx, v);
  if (!layerComps) return undefined;
  if (layerComps.some((lc) => ctx.tooLarge(componentTooLarge(lc, ctx.limits), lc)) || ctx.tooLarge(modelBranchesTooLarge(layerComps), v)) return undefined;
  const layers: LayerSpec[] = [];
  layerComps.forEach((lc, i) => {
    const prev = layers[i - 1];
    const filled = i > 0 && layers.length === i ? withInferredGrid(ctx, lc, prev) : lc;
    if (!filled) return;
    const l = buildLayer(ctx, filled, i, `layers.${i}.`);
    if (l) layers.push(l);
  });
  if (layers.length !== layerComps.length) return undefined;
  if (!layers.length) {
    ctx.error('RPN2001', 'the model has no layers', v, 'layers', 'give at least one layer');
    return undefined;
  }
  for (let i = 0; i + 1 < layers.length; i++) {
    if (layers[i].n !== layers[i + 1].m) {
      const next = layerComps[i + 1];
      const nextHasM = 'm' in (next.options as Opts);
      ctx.error(
        'RPN2101',
        `layer ${i} outputs ${layers[i].n} features but layer ${i + 1} expects m = ${layers[i + 1].m}`,
        nextHasM ? next : layerComps[i],
        nextHasM ? 'm' : 'n',
        `set m: ${layers[i].n} on layer ${i + 1} (or n: ${layers[i + 1].m} on layer ${i})`,
      );
      return undefined;
    }
  }
  return withBatch(ctx, { root: 'model', type: v.type, m: layers[0].m, n: layers[layers.length - 1].n, layers, source: v });
}

/** tinybig's built-in models expand into a list of layer components. */
function modelLayers(ctx: Ctx, v: Component): Component[] | undefined {
  const o = v.options as Opts;
  switch (v.type) {
    case 'rpn':
      return o.layers as Component[];
    case 'mlp': {
      const dims = o.dims as number[];
      if (dims.length < 2) return void ctx.error('RPN2109', 'mlp needs at least two dims (input and output width)', v, 'dims');
      return dims.slice(0, -1).map((m, i) => derived(v, {
        kind: 'layer', type: 'perceptron_layer', options: {
          m, n: dims[i + 1], enableBias: o.enableBias, withTaylor: o.withTaylor, d: o.d, withLorr: o.withLorr, r: o.r,
          withResidual: o.withResidual, channelNum: o.channelNum, width: o.width,
          withBspline: false, withHybridExpansion: false, withDualLphm: false,
          withBatchNorm: false, withRelu: true, withDropout: true, p: 0.5, withSoftmax: true,
        },
      }));
    }
    case 'kan': {
      const dims = o.dims as number[];
      if (dims.length < 2) return void ctx.error('RPN2109', 'kan needs at least two dims (input and output width)', v, 'dims');
      return dims.slice(0, -1).map((m, i) => derived(v, {
        kind: 'layer', type: 'kan_layer', options: {
          m, n: dims[i + 1], gridRange: o.gridRange, t: o.t, d: o.d, enableBias: o.enableBias, withLorr: o.withLorr, r: o.r,
          channelNum: o.channelNum, width: o.width,
        },
      }));
    }
    case 'svm': {
      // tinybig.model.rpn_svm: svm_layer(m, n, enable_bias, kernel, base_range, num_interval, epsilon, with_lorr, r,
      // with_residual, channel_num, width) per consecutive pair of dims.
      const dims = o.dims as number[];
      if (dims.length < 2) return void ctx.error('RPN2109', 'svm needs at least two dims (input and output width)', v, 'dims');
      return dims.slice(0, -1).map((m, i) => derived(v, {
        kind: 'layer', type: 'svm_layer', options: {
          m, n: dims[i + 1], enableBias: o.enableBias, kernel: o.kernel, baseRange: o.baseRange, numInterval: o.numInterval, epsilon: o.epsilon,
          withLorr: o.withLorr, r: o.r, withResidual: o.withResidual, channelNum: o.channelNum, width: o.width, parametersInitMethod: 'xavier_normal',
        },
      }));
    }
    case 'naive_bayes':
    case 'pgm': {
      // tinybig.model.rpn_naive_bayes / rpn_pgm: naive_bayes_layer / pgm_layer(m, n, enable_bias, distribution,
      // [d, with_replacement,] with_lorr, r, with_residual, channel_num, width) per consecutive pair of dims.
      const dims = o.dims as number[];
      if (dims.length < 2) return void ctx.error('RPN2109', `${v.type} needs at least two dims (input and output width)`, v, 'dims');
      const { dims: _dims, name: _name, ...layerOpts } = o;
      void _dims;
      void _name;
      return dims.slice(0, -1).map((m, i) => derived(v, {
        kind: 'layer', type: `${v.type}_layer`, options: { ...layerOpts, m, n: dims[i + 1], parametersInitMethod: 'xavier_normal' },
      }));
    }
    case 'cnn':
    case 'resnet': // tinybig.model.resnet = cnn(with_residual=True)
      return gridModelLayers(ctx, v);
    case 'rnn':
    case 'regression_rnn': {
      // tinybig.model.rpn_rnn / rpn_regression_rnn (rpn2-topological §5)
      if ((o.dims as number[]).length < 2) return void ctx.error('RPN2109', `${v.type} needs at least two dims (input and output width per step)`, v, 'dims');
      if (!chainRunnable(ctx, v)) return undefined;
      return rnnLayers(v, topologyHelpers(ctx));
    }
    case 'gcn':
    case 'gat':
      // tinybig.model.rpn_gcn / rpn_gat (rpn2-topological §7)
      if ((o.dims as number[]).length < 2) return void ctx.error('RPN2109', `${v.type} needs at least two dims (input and output width)`, v, 'dims');
      return graphModelLayers(v, topologyHelpers(ctx));
    case 'transformer':
      return transformerLayers(ctx, v);
    default:
      ctx.error('RPN2002', `model '${v.type}' is not supported yet`, v);
      return undefined;
  }
}

/**
 * A grid layer right after another grid layer may omit its input grid (tinybig needs h, w and the channel
 * count only because Python cannot infer them): take them from the previous layer's output grid. Given
 * values are checked against it (RPN2120).
 */
function withInferredGrid(ctx: Ctx, lc: Component, prev: LayerSpec): Component | undefined {
  const kind = lc.type === 'grid_interdependence_layer' ? 'interdependence' : lc.type === 'grid_compression_layer' ? 'compression' : undefined;
  const g = prev.heads[0]?.grid;
  if (!kind || !g) return lc;
  const o = lc.options as Opts;
  const chKey = kind === 'compression' ? 'channelNum' : 'inChannel';
  const inferred: Opts = { h: g.out[0], w: g.out[1], [chKey]: g.outChannels };
  const missing = Object.keys(inferred).filter((k) => o[k] === undefined);
  if (!missing.length) {
    for (const k of Object.keys(inferred)) {
      if (o[k] !== inferred[k]) {
        ctx.error('RPN2120', `${k} = ${o[k]}, but the previous layer outputs a ${g.out[0]}×${g.out[1]}×${g.out[2]} grid with ${g.outChannels} channels (${k} = ${inferred[k]})`, lc, k, `set ${k}: ${inferred[k]} or omit h, w and ${chKey} to have them inferred`);
        return undefined;
      }
    }
    return lc;
  }
  if ((o.d ?? 1) !== g.out[2]) {
    ctx.error('RPN2120', `d = ${o.d ?? 1}, but the previous layer outputs a grid of depth ${g.out[2]}`, lc, 'd', `set d: ${g.out[2]}`);
    return undefined;
  }
  for (const k of Object.keys(inferred)) {
    if (o[k] !== undefined && o[k] !== inferred[k]) {
      ctx.error('RPN2120', `${k} = ${o[k]}, but the previous layer outputs a ${g.out[0]}×${g.out[1]}×${g.out[2]} grid with ${g.outChannels} channels (${k} = ${inferred[k]})`, lc, k, `set ${k}: ${inferred[k]} or omit it`);
      return undefined;
    }
  }
  const options: Opts = { ...o, ...inferred };
  const geo = gridWidths(gridGeometry(options, kind));
  const filled = derived(lc, { kind: 'layer', type: lc.type, options: { ...options, m: geo.m, n: geo.n } });
  copyPropSpans(o, filled.options as object); // option spans stay those of the user's component
  return filled;
}

/** A component rpnc made on the user's behalf: errors point at the component it came from. */
function derived(from: Component, c: Component): Component {
  const span = getSpan(from);
  if (span) setSpan(c, span);
  return c;
}

function buildLayer(ctx: Ctx, v: Component, index: number, prefix: string): LayerSpec | undefined {
  const o = v.options as Opts;
  let headComps: Component[];
  let shared = false;
  let defaultFusion: Component | undefined;
  switch (v.type) {
    case 'layer': {
      headComps = o.heads as Component[];
      if (!headComps.length) return void ctx.error('RPN2102', 'a layer needs at least one head', v, 'heads');
      if (o.width !== undefined && o.width !== headComps.length) {
        return void ctx.error('RPN2102', `width = ${o.width} but the layer has ${headComps.length} heads`, v, 'width', `set width: ${headComps.length} or omit it`);
      }
      break;
    }
    case 'perceptron_layer': {
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: 'perceptron_head', options: headOpts });
      headComps = Array.from({ length: width as number }, () => h);
      shared = true;
      break;
    }
    case 'kan_layer': {
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: 'kan_head', options: headOpts });
      headComps = Array.from({ length: width as number }, () => h);
      shared = true;
      break;
    }
    case 'svm_layer': {
      // tinybig: heads = [svm_head(...)] * width (with_batch_norm / with_softmax left at False)
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: 'svm_head', options: { ...headOpts, withBatchNorm: false, withSoftmax: false } });
      headComps = Array.from({ length: width as number }, () => h);
      shared = true;
      break;
    }
    case 'naive_bayes_layer':
    case 'pgm_layer': {
      // tinybig: heads = [naive_bayes_head(...)] * width / [pgm_head(...)] * width
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: v.type.replace(/_layer$/, '_head'), options: headOpts });
      headComps = Array.from({ length: width as number }, () => h);
      shared = true;
      break;
    }
    case 'chain_interdependence_layer':
    case 'graph_interdependence_layer':
    case 'graph_bilinear_interdependence_layer': {
      // tinybig: [head] * width (one shared head), mean head fusion (rpn2-topological §4.2, §6.2, §6.3)
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: v.type.replace(/_layer$/, '_head'), options: headOpts });
      copyPropSpans(o, h.options as object); // errors in the head point at the layer's options
      headComps = Array.from({ length: width as number }, () => h);
      shared = true;
      break;
    }
    case 'bilinear_interdependence_layer': {
      // tinybig: [bilinear_interdependence_head(...)] * width (one shared head) + parameterized_concatenation_fusion(dims=[n]*width)
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: 'bilinear_interdependence_head', options: headOpts });
      headComps = Array.from({ length: width as number }, () => h);
      shared = true;
      defaultFusion = derived(v, { kind: 'fusion', type: 'parameterized_concatenation_fusion', options: { dims: headComps.map(() => o.n) } });
      break;
    }
    case 'grid_interdependence_layer':
    case 'grid_compression_layer': {
      // tinybig: [grid_interdependence_head(...)] * width (shared) / one grid_compression_head; m, n come from the geometry.
      const { width, ...headOpts } = o;
      const h = derived(v, { kind: 'head', type: v.type.replace(/_layer$/, '_head'), options: headOpts });
      headComps = Array.from({ length: (width as number | undefined) ?? 1 }, () => h);
      shared = headComps.length > 1 || v.type === 'grid_interdependence_layer';
      break;
    }
    default:
      return void ctx.error('RPN2002', `layer '${v.type}' is not supported yet`, v);
  }
  const heads: HeadSpec[] = [];
  for (let j = 0; j < headComps.length; j++) {
    const hc = headComps[j];
    const h = buildHead(ctx, hc, `${prefix}heads.${shared ? 0 : j}.`, { standalone: false, m: o.m as number, n: o.n as number });
    if (!h) return undefined;
    if (shared) h.aliases = headComps.map((_, k) => `${prefix}heads.${k}.`).slice(1);
    if (h.m !== o.m) {
      ctx.error('RPN2102', `head ${j} has m = ${h.m} but its layer has m = ${o.m}`, hc, 'm', `set m: ${o.m} on the head`);
      return undefined;
    }
    heads.push(h);
  }
  const widths = heads.map((h) => h.outWidth);
  // a chain layer's heads read and write L steps (L·m in, L·n out); rnn's per-step layers are scaled below
  const scale = v.type === 'chain_interdependence_layer' ? (o.chainLength as number) : 1;
  const oN = (o.n as number) * scale;
  let headFusion: FusionSpec | undefined;
  const fusionComp = (o.headFusion as Component | undefined) ?? defaultFusion;
  if (fusionComp || heads.length > 1) {
    const fc = fusionComp ?? derived(v, { kind: 'fusion', type: 'mean_fusion', options: {} });
    headFusion = buildFusion(ctx, fc, widths, `${prefix}w_head_fusion`, `${prefix}head_fusion.`);
    if (!headFusion) return undefined;
  } else if (widths[0] !== oN) {
    ctx.error('RPN2102', `the head outputs ${widths[0]} features but the layer has n = ${o.n}`, v, 'n', `set n: ${widths[0]}`);
    return undefined;
  }
  const n = headFusion ? headFusion.n : widths[0];
  if (headFusion && n !== oN && !['concatenation_fusion'].includes(headFusion.type)) {
    ctx.error('RPN2103', `the head fusion outputs ${n} features but the layer has n = ${o.n}`, fusionComp ?? v, fusionComp ? 'n' : 'n', `make the fusion output n = ${o.n}`);
    return undefined;
  }
  const step = stepInfo.get(v);
  if (step?.steps) return { index, prefix, type: v.type, m: (o.m as number) * step.steps, n: n * step.steps, heads, sharedHeads: shared, headFusion, steps: step.steps, source: v };
  if (step?.stepMean) return { index, prefix, type: v.type, m: (o.m as number) * step.stepMean, n, heads, sharedHeads: shared, headFusion, stepMean: step.stepMean, source: v };
  return { index, prefix, type: v.type, m: (o.m as number) * scale, n, heads, sharedHeads: shared, headFusion, source: v };
}

/** tinybig crashes on chain heads with channel_num > 1 or BatchNorm, also through rnn (rpn2-topological §4.1, §10 #1). */
function chainRunnable(ctx: Ctx, v: Component): boolean {
  const o = v.options as Opts;
  if ((o.channelNum as number) > 1) {
    ctx.error('RPN2130', `tinybig's chain head cannot run with channelNum = ${o.channelNum}: its fusion asserts the fused width equals L·n·L and raises AssertionError at the first forward`, v, 'channelNum', 'use channelNum: 1 (or width > 1 for several mean-fused heads)');
    return false;
  }
  if (o.withBatchNorm) {
    ctx.error('RPN2130', `tinybig's chain head cannot run with withBatchNorm: it appends BatchNorm1d(n) to an output of chainLength·n columns and raises RuntimeError ('running_mean should contain ${(o.chainLength as number) * ((o.n as number | undefined) ?? 1)} elements not ${o.n ?? 'n'}') at the first forward`, v, 'withBatchNorm', 'remove withBatchNorm');
    return false;
  }
  return true;
}

function topologyHelpers(ctx: Ctx): TopologyHelpers {
  return { derived, readGraphFile: ctx.readGraphFile };
}

/** tinybig's perceptron_head / kan_head / svm_head / naive_bayes_head / pgm_head expand into a generic head. */
function headOptions(ctx: Ctx, v: Component): Opts | undefined {
  const o = v.options as Opts;
  const mk = (kind: Component['kind'], type: string, options: Opts): Component => derived(v, { kind, type, options });
  switch (v.type) {
    case 'head':
      return o;
    case 'chain_interdependence_head':
    case 'graph_interdependence_head':
    case 'graph_bilinear_interdependence_head':
      return topologicalHeadOptions(v, topologyHelpers(ctx));
    case 'perceptron_head': {
      const exp = o.withTaylor
        ? mk('expansion', 'taylor_expansion', { d: o.d })
        : o.withBspline
          ? mk('expansion', 'bspline_expansion', { gridRange: [-1, 1], t: 5, d: o.d })
          : mk('expansion', 'identity_expansion', {});
      const rec = o.withDualLphm
        ? mk('reconciliation', 'dual_lphm_reconciliation', { r: o.r, enableBias: o.enableBias })
        : o.withLorr
          ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias })
          : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
      const rem = o.withResidual ? mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false }) : mk('remainder', 'zero_remainder', {});
      const out: Component[] = [];
      if (o.withBatchNorm) out.push(mk('processing', 'BatchNorm1d', { numFeatures: o.n, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }));
      if (o.withRelu) out.push(mk('processing', 'ReLU', {}));
      if (o.withDropout) out.push(mk('processing', 'Dropout', { p: o.p }));
      if (o.withSoftmax) out.push(mk('processing', 'Softmax', { dim: -1 }));
      return { m: o.m, n: o.n, channelNum: o.channelNum, dataTransformation: exp, parameterFabrication: rec, remainder: rem, outputProcessFunctions: out };
    }
    case 'bilinear_interdependence_head': {
      // spec rpn2-bilinear-kernel §8.1: instance interdependence (lorr first, then dual_lphm, else plain W) with the
      // attention post-process (√n-scaled, zero-masked column softmax), κ, ψ (dual_lphm first, then lorr), π, output list.
      const ii = o.withLorrInterdependence
        ? mk('interdependence', 'lowrank_parameterized_bilinear_interdependence', { r: o.rInterdependence })
        : o.withDualLphmInterdependence
          ? mk('interdependence', 'dual_lphm_parameterized_bilinear_interdependence', { r: o.rInterdependence, p: fcf(o.m as number), q: fcf(o.m as number) })
          : mk('interdependence', 'parameterized_bilinear_interdependence', {});
      Object.assign(ii.options, { b: o.batchNum ?? undefined, m: o.m, interdependenceType: 'instance', requireData: true, requireParameters: true, attention: Math.sqrt(o.n as number) });
      const exp = o.withTaylor ? mk('expansion', 'taylor_expansion', { d: o.d }) : mk('expansion', 'identity_expansion', {});
      const rec = o.withDualLphm
        ? mk('reconciliation', 'dual_lphm_reconciliation', { r: o.r, enableBias: o.enableBias })
        : o.withLorr
          ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias })
          : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
      const rem = o.withResidual ? mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false }) : mk('remainder', 'zero_remainder', {});
      const out: Component[] = [];
      if (o.withBatchNorm) out.push(mk('processing', 'BatchNorm1d', { numFeatures: o.n, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }));
      if (o.withRelu) out.push(mk('processing', 'ReLU', {}));
      if (o.withDropout) out.push(mk('processing', 'Dropout', { p: o.p }));
      if (o.withSoftmax) out.push(mk('processing', 'Softmax', { dim: -1 }));
      return { m: o.m, n: o.n, channelNum: o.channelNum, instanceInterdependence: ii, dataTransformation: exp, parameterFabrication: rec, remainder: rem, outputProcessFunctions: out };
    }
    case 'kan_head': {
      const exp = mk('expansion', 'bspline_expansion', { gridRange: o.gridRange, t: o.t, d: o.d });
      const rec = o.withLorr ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias }) : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
      const rem = mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false, activationFunctions: [mk('processing', 'SiLU', {})] });
      // kan_head's output list: [BatchNorm1d(n)] if with_batch_norm, then [Softmax(dim=−1)] if with_softmax (kan_layer leaves both off)
      const out: Component[] = [];
      if (o.withBatchNorm) out.push(mk('processing', 'BatchNorm1d', { numFeatures: o.n, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }));
      if (o.withSoftmax) out.push(mk('processing', 'Softmax', { dim: -1 }));
      return { m: o.m, n: o.n, channelNum: o.channelNum, dataTransformation: exp, parameterFabrication: rec, remainder: rem, outputProcessFunctions: out };
    }
    case 'svm_head': {
      const rbf = { baseRange: o.baseRange, numInterval: o.numInterval, epsilon: o.epsilon };
      const exp = o.kernel === 'gaussian_rbf'
        ? mk('expansion', 'gaussian_rbf_expansion', rbf)
        : o.kernel === 'inverse_quadratic_rbf'
          ? mk('expansion', 'inverse_quadratic_rbf_expansion', rbf)
          : mk('expansion', 'identity_expansion', {});
      const rec = o.withLorr ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias }) : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
      const rem = o.withResidual ? mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false }) : mk('remainder', 'zero_remainder', {});
      const out: Component[] = [];
      if (o.withBatchNorm) out.push(mk('processing', 'BatchNorm1d', { numFeatures: o.n, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }));
      if (o.withSoftmax) out.push(mk('processing', 'Softmax', { dim: -1 }));
      return { m: o.m, n: o.n, channelNum: o.channelNum, dataTransformation: exp, parameterFabrication: rec, remainder: rem, outputProcessFunctions: out };
    }
    case 'naive_bayes_head':
    case 'pgm_head': {
      // κ: naive_<distribution>_expansion / combinatorial_normal_expansion(d, with_replacement); ψ, π as svm_head
      const exp = v.type === 'pgm_head'
        ? mk('expansion', 'combinatorial_normal_expansion', { d: o.d, withReplacement: o.withReplacement })
        : mk('expansion', `naive_${o.distribution as string}_expansion`, {});
      const rec = o.withLorr ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias }) : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
      const rem = o.withResidual ? mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false }) : mk('remainder', 'zero_remainder', {});
      return { m: o.m, n: o.n, channelNum: o.channelNum, dataTransformation: exp, parameterFabrication: rec, remainder: rem };
    }
    default:
      ctx.error('RPN2002', `head '${v.type}' is not supported yet`, v);
      return undefined;
  }
}

function buildHead(ctx: Ctx, v: Component, prefix: string, where: { standalone: boolean; m?: number; n?: number }): HeadSpec | undefined {
  if (ctx.tooLarge(componentTooLarge(v, ctx.limits), v)) return undefined;
  if (GRID_HEAD_TYPES.has(v.type)) return buildGridHead(v, prefix, gridHelpers(ctx));
  const o = headOptions(ctx, v);
  if (!o) return undefined;
  // Inside a layer, m and n may be omitted (Python needs them, rpnc infers them from the layer).
  const m = (o.m as number | undefined) ?? where.m;
  const n = (o.n as number | undefined) ?? where.n;
  if (m === undefined || n === undefined) {
    return void ctx.error('RPN2109', `a head on its own needs ${m === undefined ? 'm' : 'n'} (its ${m === undefined ? 'input' : 'output'} width)`, v, undefined, `add ${m === undefined ? 'm' : 'n'}: … to the head's options`);
  }
  const C = (o.channelNum as number | undefined) ?? 1;
  const expComp = o.dataTransformation as Component | undefined;
  if (!expComp) return void ctx.error('RPN2107', 'a head needs a dataTransformation (its expansion κ)', v, undefined, 'add dataTransformation: identityExpansion()');
  const inputProcess = processList(ctx, o.inputProcessFunctions, `${prefix}input_process_functions`, m);
  let attributeInterdependence: InterdependenceSpec | undefined;
  if (o.attributeInterdependence) {
    attributeInterdependence = buildInterdependence(ctx, o.attributeInterdependence as Component, m, prefix, 'attribute');
    if (!attributeInterdependence) return undefined;
  }
  let instanceInterdependence: InterdependenceSpec | undefined;
  if (o.instanceInterdependence) {
    instanceInterdependence = buildInterdependence(ctx, o.instanceInterdependence as Component, m, prefix, 'instance');
    if (!instanceInterdependence) return undefined;
  }
  let rows = headRows(ctx, attributeInterdependence, instanceInterdependence);
  if (rows === null) return undefined;
  // κ sees Xa = X0·A (width m'); the remainder still sees X0 (width m).
  const expansion = buildExpansion(ctx, expComp, attributeInterdependence?.mPrime ?? m, `${prefix}data_transformation.`);
  if (!expansion || !inputProcess) return undefined;
  const D = expansion.D;
  if (instanceInterdependence?.data && instanceInterdependence.axis !== 'instance' && D !== m) {
    return void ctx.error('RPN2151', `${instanceInterdependence.type} of the attribute type in the instanceInterdependence slot multiplies κ(x) (width D = ${D}) by its m×m matrix (m = ${m}): tinybig runs this only when D = m`, instanceInterdependence.source, 'interdependenceType', "set interdependenceType: 'instance', move it to attributeInterdependence, or use an expansion with D = m");
  }
  const expBatch = expansionBatch(expansion); // linear_compression(pre_C): a b×b row mix ties the head to batch b
  if (expBatch !== undefined) {
    if (rows && rows.rowsOut !== expBatch) return void ctx.error('RPN2111', `${expComp.type}'s pre_C mixes b = ${expBatch} rows, but it sees ${rows.rowsOut} rows`, expComp, 'preC');
    rows ??= { batch: expBatch, rowsOut: expBatch, changedBy: undefined as unknown as InterdependenceSpec };
  }

  let reconciliation: ReconciliationSpec | undefined;
  const recComp = o.parameterFabrication as Component | undefined;
  if (recComp) {
    reconciliation = buildReconciliation(ctx, recComp, n, D, `${prefix}parameter_fabrication.`);
    if (!reconciliation) return undefined;
    if (o.l !== undefined && o.l !== null && o.l !== reconciliation.l && reconciliation.l > 0) {
      return void ctx.error('RPN2104', `l = ${o.l} but ${recComp.type} needs l = ${reconciliation.l} for n = ${n}, D = ${D}`, v, 'l', `omit l or set l: ${reconciliation.l}`);
    }
  } else if (D !== n) {
    return void ctx.error('RPN2107', `without a parameterFabrication the head outputs κ(x) of width D = ${D}, but n = ${n}`, v, 'n', `add parameterFabrication: identityReconciliation() or set n: ${D}`);
  }
  const bias = !!reconciliation && reconciliationHasParameters(reconciliation.type) && !!(reconciliation.options.enableBias);

  let channelFusion: FusionSpec | undefined;
  const cfComp = o.channelFusion as Component | undefined;
  if (C > 1 || cfComp) {
    const fc = cfComp ?? derived(v, { kind: 'fusion', type: 'mean_fusion', options: {} });
    channelFusion = buildFusion(ctx, fc, Array(C).fill(n), `${prefix}w_channel_fusion`, `${prefix}channel_fusion.`);
    if (!channelFusion) return undefined;
  }
  const outWidth = channelFusion ? channelFusion.n : n;
  if (outWidth !== n && !where.standalone) {
    return void ctx.error('RPN2108', `channel fusion ${channelFusion!.type} makes the head ${outWidth} wide, but a layer needs its heads to output n = ${n}`, cfComp ?? v, undefined, 'tinybig cannot run this inside a layer: use mean_fusion, or export the head on its own');
  }

  const remainder = buildRemainder(ctx, o.remainder as Component | undefined, v, m, n, outWidth, prefix);
  if (!remainder) return undefined;
  if (rows && rows.rowsOut !== rows.batch && !['zero_remainder', 'none'].includes(remainder.type)) {
    const at = rows.changedBy;
    return void ctx.error('RPN2111', `${at.type} makes ${rows.rowsOut} rows out of the batch of b = ${rows.batch}, but the ${remainder.type} adds π(X0) with ${rows.batch} rows (tinybig fails to add them)`, at.source, 'bPrime', `set bPrime: ${rows.batch}, or use remainder: zeroRemainder()`);
  }
  const outputProcess = processList(ctx, o.outputProcessFunctions, `${prefix}output_process_functions`, outWidth);
  if (!outputProcess) return undefined;
  const spec: HeadSpec = { prefix, aliases: [], type: v.type, m, n, channelNum: C, attributeInterdependence, expansion, D, reconciliation, bias, remainder, channelFusion, inputProcess, outputProcess, outWidth, source: v };
  if (instanceInterdependence) spec.instanceInterdependence = instanceInterdependence;
  if (rows) Object.assign(spec, { batch: rows.batch, rowsOut: rows.rowsOut });
  if (rowCoupled(attributeInterdependence) || rowCoupled(instanceInterdependence)) spec.rowCoupled = true;
  if (v.type === 'chain_interdependence_head') return chainHead(ctx, v, spec, prefix);
  return spec;
}

/** A chain head (rpn2-topological §4.1): the generic head per step, its chain A over the steps, output processing on the L·n row. */
function chainHead(ctx: Ctx, v: Component, spec: HeadSpec, prefix: string): HeadSpec | undefined {
  if (!chainRunnable(ctx, v)) return undefined;
  const fn = chainHeadFunction(v, topologyHelpers(ctx));
  const L = (v.options as Opts).chainLength as number;
  const step = buildInterdependence(ctx, fn, L, prefix, 'instance');
  if (!step) return undefined;
  const outWidth = spec.outWidth * L;
  return { ...spec, steps: L, stepInterdependence: step, outWidth, outputProcess: spec.outputProcess.map((p) => ({ ...p, width: outWidth })) };
}

/**
 * The batch an instance interdependence ties a head to: the attribute slot's (it mixes the rows of X0) takes
 * b → b' rows, then the instance slot's (mixes the rows of κ) must take that many. undefined = any batch;
 * null = an error was reported.
 */
function headRows(ctx: Ctx, ai: InterdependenceSpec | undefined, ii: InterdependenceSpec | undefined): { batch: number; rowsOut: number; changedBy: InterdependenceSpec } | undefined | null {
  // steps that fix the batch: instance axis with a b (a data-dependent instance bilinear runs on any batch), or an
  // attribute-axis function that needs batch b (bilinear W b×b, rpn-interdependence, anisotropic aVector)
  const steps = [ai, ii].filter((x): x is InterdependenceSpec => x !== undefined && x.b !== undefined && (x.axis === 'instance' || !!x.data));
  if (!steps.length) return undefined;
  let rows = steps[0].b!;
  let changedBy = steps[0];
  for (const s of steps) {
    if (s.b !== rows) {
      ctx.error('RPN2111', `${s.type} expects a batch of b = ${s.b} rows, but the attribute interdependence ${steps[0].type} before it outputs b' = ${rows} rows`, s.source, 'b', `set b: ${rows}`);
      return null;
    }
    const out = s.axis === 'instance' ? s.bPrime! : s.b!;
    if (out !== rows) changedBy = s;
    rows = out;
  }
  return { batch: steps[0].b!, rowsOut: rows, changedBy };
}

/**
 * The model's fixed batch (ModelSpec.batch): every head of a layer sees the same rows (the first layer: the input
 * batch; a later one: the rows the previous layer outputs) and must output the same rows (the head fusion
 * adds or concatenates them). Instance interdependences set these; a model without any keeps any batch.
 */
function withBatch(ctx: Ctx, spec: ModelSpec): ModelSpec | undefined {
  if (spec.layers.some((l) => l.heads.some((h) => h.rowCoupled))) spec.rowCoupled = true;
  if (!spec.layers.some((l) => l.heads.some((h) => h.batch !== undefined))) return spec;
  let rows: number | undefined; // rows entering the layer; undefined = the (still free) input batch
  let input: number | undefined;
  let fixedBy = '';
  for (const layer of spec.layers) {
    const where = (j: number) => `${spec.root === 'head' ? 'the head' : `layer ${layer.index} head ${j}`}`;
    for (let j = 0; j < layer.heads.length; j++) {
      const h = layer.heads[j];
      if (h.batch === undefined) continue;
      // what fixes the batch: an instance interdependence, or a compression with a b×b constant (linear_compression's pre_C)
      const ii = (h.attributeInterdependence?.b !== undefined && (h.attributeInterdependence.axis === 'instance' || h.attributeInterdependence.data) ? h.attributeInterdependence : h.instanceInterdependence) ?? { type: h.expansion.type, source: h.expansion.source };
      // the b × b' matrix that mixes the rows exists at every run (a constant, or computed from the batch); a chain's
      // or graph's is sparse, bounded by its own limits before it is built (topological.ts)
      const bPrime = h.rowsOut ?? h.batch;
      if (!('topology' in ii && ii.topology) && ctx.tooLarge(tensorTooLarge(`${where(j)}: ${ii.type} mixes a batch of b = ${formatCount(h.batch)} rows with a b × b' = ${formatCount(h.batch)} × ${formatCount(bPrime)} matrix`, h.batch * bPrime, ctx.limits, 'use a smaller batch b', 'b'), ii.source)) return undefined;
      if (rows === undefined) {
        rows = input = h.batch;
        fixedBy = `${where(j)}'s ${ii.type} (b = ${h.batch})`;
      } else if (h.batch !== rows) {
        ctx.error('RPN2111', `${where(j)}: ${ii.type} expects a batch of b = ${h.batch} rows, but it sees ${rows} rows (fixed by ${fixedBy})`, ii.source, 'b', `set b: ${rows}`);
        return undefined;
      }
    }
    const outs = layer.heads.map((h) => h.rowsOut ?? rows);
    const j = outs.findIndex((r) => r !== outs[0]);
    if (j > 0) {
      const k = layer.heads[j].rowsOut !== undefined && layer.heads[j].rowsOut !== rows ? j : 0;
      const h = layer.heads[k];
      const ii = (h.instanceInterdependence ?? h.attributeInterdependence)!;
      ctx.error('RPN2111', `${where(k)} outputs ${outs[k]} rows (b' of ${ii.type}) but ${where(k === 0 ? j : 0)} outputs ${outs[k === 0 ? j : 0]} rows: the heads of a layer must output the same rows`, ii.source, 'bPrime', `set bPrime: ${rows} on every head, or give every head the same instance interdependence`);
      return undefined;
    }
    if (outs[0] !== rows) fixedBy = `${where(0)}'s b' = ${outs[0]}`;
    rows = outs[0];
  }
  return { ...spec, batch: input, rowsOut: rows };
}

/** tinybig's interdependence_type setter accepts these (not 'row' / 'column', which its docstrings mention). */
const INSTANCE_TYPES = ['instance', 'instance_interdependence', 'left'];
const ATTRIBUTE_TYPES = ['attribute', 'attribute_interdependence', 'right'];
/** Parameterized interdependences: A = ψ(w; n = m, D = m') with these reconciliations (§11). */
const INTERDEPENDENCE_RECON: Record<string, string> = {
  parameterized_interdependence: 'identity_reconciliation',
  lowrank_parameterized_interdependence: 'lorr_reconciliation',
  hm_parameterized_interdependence: 'hm_reconciliation',
  lphm_parameterized_interdependence: 'lphm_reconciliation',
  dual_lphm_parameterized_interdependence: 'dual_lphm_reconciliation',
};
const CONSTANT_INTERDEPENDENCES = ['constant_interdependence', 'constant_c_interdependence', 'zero_interdependence', 'one_interdependence', 'identity_interdependence'];

/**
 * A head's interdependence (data-independent kinds only) in its `slot`. The function's interdependenceType picks
 * the axis, as tinybig's forward does: attribute A ∈ R^{m×m'} (Xa = X0·A), or instance A' ∈ R^{b×b'} (rows:
 * A'ᵀ·X0 in the attribute slot, A'ᵀ·K in the instance slot), which fixes the batch to b.
 */
function buildInterdependence(ctx: Ctx, v: Component, m: number, headPrefix: string, slot: 'attribute' | 'instance'): InterdependenceSpec | undefined {
  const o = v.options as Opts;
  const kind = (o.interdependenceType as string | undefined) ?? 'attribute';
  if (TOPOLOGICAL_FUNCTIONS.has(v.type) && (INSTANCE_TYPES.includes(kind) || ATTRIBUTE_TYPES.includes(kind))) return buildTopological(ctx, v, m, headPrefix, slot, INSTANCE_TYPES.includes(kind));
  if (!INSTANCE_TYPES.includes(kind) && !ATTRIBUTE_TYPES.includes(kind)) {
    return void ctx.error('RPN2109', `interdependenceType '${kind}' is refused by tinybig's interdependence (its setter accepts ${[...INSTANCE_TYPES, ...ATTRIBUTE_TYPES].join(', ')})`, v, 'interdependenceType', kind === 'row' ? "use interdependenceType: 'instance'" : "use interdependenceType: 'attribute'");
  }
  if (DATA_INTERDEPENDENCES.has(v.type)) return buildDataInterdependence(dataHelpers(ctx), v, m, headPrefix, slot);
  if (/^(cylinder|sphere)_patch_(padding_|aggregation_)?based_geometric_interdependence$/.test(v.type)) {
    return void ctx.error('RPN2173', `${v.type} cannot be constructed in tinybig: its constructor passes r= to ${v.type.split('_')[0]}(), which requires p_r (TypeError; passing p_r= instead fails on the missing r)`, v, undefined, `use geometricInterdependence({ patch: ${v.type.split('_')[0]}({ pR: … }), … }) (same math, built the way tinybig can)`);
  }
  if (Object.hasOwn(GEOMETRIC_INTERDEPENDENCE_CLASSES, v.type)) return buildGeometricInterdependence(ctx, v, m, headPrefix, slot, INSTANCE_TYPES.includes(kind));
  if (!INTERDEPENDENCE_RECON[v.type] && !CONSTANT_INTERDEPENDENCES.includes(v.type)) {
    return void ctx.error('RPN2002', `interdependence '${v.type}' is not supported yet (supported: the data-independent ones, the kernels, the bilinear family, hybrid and parameterized_rpn interdependence)`, v);
  }
  if (INSTANCE_TYPES.includes(kind)) return buildInstanceInterdependence(ctx, v, m, headPrefix, slot);
  if (slot === 'instance') {
    return void ctx.error('RPN2002', `${v.type} in the instanceInterdependence slot has interdependenceType '${kind}': tinybig would multiply κ(x) by an m×m' matrix there, which rpnc does not support`, v, 'interdependenceType', "set interdependenceType: 'instance' (A' ∈ R^{b×b'} mixes the rows), or move it to attributeInterdependence");
  }
  if (o.m !== undefined && o.m !== m) {
    return void ctx.error('RPN2109', `${v.type} has m = ${o.m} but the head's input width is m = ${m}`, v, 'm', `set m: ${m} or omit it`);
  }
  let mPrime = (o.mPrime as number | undefined) ?? m;
  if (v.type === 'constant_interdependence') {
    const A = o.A as number[][] | undefined;
    if (!A) return void ctx.error('RPN2109', 'constant_interdependence needs its matrix A (m×m\')', v, undefined, `add A: [[…], …] with ${m} rows`);
    if (A.length !== m) return void ctx.error('RPN2109', `constant_interdependence: A has ${A.length} rows but the head's input width is m = ${m}`, v, 'A', `give A with ${m} rows (A ∈ R^{m×m'})`);
    mPrime = A[0].length;
  }
  const spec: InterdependenceSpec = { type: v.type, options: o, m, mPrime, l: 0, source: v };
  const recType = INTERDEPENDENCE_RECON[v.type];
  if (recType) {
    const ropts: Opts = { enableBias: false, r: o.r };
    if (o.p !== undefined) {
      ropts.p = o.p;
      ropts.q = o.q ?? o.p;
    }
    const rec = buildReconciliation(ctx, derived(v, { kind: 'reconciliation', type: recType, options: ropts }), m, mPrime, `${headPrefix}attribute_interdependence.parameter_fabrication.`);
    if (!rec) return undefined;
    rec.source = v;
    spec.reconciliation = rec;
    spec.l = rec.l;
    spec.paramKey = `${headPrefix}w_attribute_interdependence`;
  }
  return spec;
}

/**
 * Entries A may hold, bounded before it is built: links + N for a plain structure; for h hops N·min(N, (d+1)^h)
 * (d the largest out-degree: a row of A^h reaches at most that many nodes); N² for the dense variants and for
 * the graph-bilinear head (its attention is an N × N matrix at run time).
 */
function topologyEntries(t: TopologySpec, dense: boolean): number {
  const N = t.size;
  if (dense || (t.variant !== 'plain' && t.variant !== 'multihop')) return N * N;
  if (t.variant === 'plain') return t.links.length + N;
  const out = new Map<number, number>();
  let d = 0;
  for (const [i] of t.links) {
    const k = (out.get(i) ?? 0) + 1;
    out.set(i, k);
    if (k > d) d = k;
  }
  return N * Math.min(N, (d + 1) ** Math.max(1, t.h));
}

/**
 * A chain or graph interdependence (rpn2-topological §3): A is a pure function of the structure. Instance type: A ∈ R^{N×N}
 * mixes the N rows (the batch is fixed to N, rows in node order); attribute type: A ∈ R^{m×m} mixes the features
 * (m must be N). The graph-bilinear function also fabricates W_b (m×m) from `w_instance_interdependence` (C, l).
 */
function buildTopological(ctx: Ctx, v: Component, m: number, headPrefix: string, slot: 'attribute' | 'instance', instance: boolean): InterdependenceSpec | undefined {
  const o = v.options as Opts;
  let topology;
  try {
    topology = resolveTopology(v, topologyHelpers(ctx));
  } catch (e) {
    if (!(e instanceof TopologyError)) throw e;
    const code = e.code ?? (e.option === 'graphFilePath' ? 'RPN2132' : e.option === 'chainLength' ? 'RPN2130' : e.option === 'c' ? 'RPN2109' : 'RPN2131');
    return void ctx.error(code, e.message, v, e.option && e.option in o ? e.option : undefined, e.hint);
  }
  const N = topology.size;
  if (ctx.tooLarge(tensorTooLarge(`${v.type}: A = ${N} × ${N}`, topologyEntries(topology, v.type === GRAPH_BILINEAR), ctx.limits, 'use a smaller graph, or fewer hops h', undefined), v)) return undefined;
  const what = topology.structure === 'chain' ? `the chain has ${N} steps` : `the graph has ${N} nodes`;
  const spec: InterdependenceSpec = { type: v.type, options: o, m, mPrime: m, l: 0, topology, source: v };
  if (instance) {
    if (o.b !== undefined && o.b !== N) return void ctx.error('RPN2131', `${v.type} has b = ${o.b} but ${what}: A is ${N}×${N} (tinybig asserts A.shape == (b, b))`, v, 'b', `set b: ${N} or omit it`);
    Object.assign(spec, { axis: 'instance', b: N, bPrime: N });
  } else {
    if (o.m !== undefined && o.m !== m) return void ctx.error('RPN2109', `${v.type} has m = ${o.m} but the head's input width is m = ${m}`, v, 'm', `set m: ${m} or omit it`);
    if (m !== N) return void ctx.error('RPN2131', `${v.type} of the attribute type mixes the ${m} features of the input, but ${what} (tinybig asserts A.shape == (m, m))`, v, undefined, `give a structure with ${m} nodes, or use interdependenceType: 'instance'`);
  }
  if (v.type === GRAPH_BILINEAR) {
    // W_b ∈ R^{m×m} from w_instance_interdependence[c]: plain reshape (l = m²), lorr or dual_lphm (§6.3; lorr wins)
    const recType = o.withLorrInterdependence ? 'lorr_reconciliation' : o.withDualLphmInterdependence ? 'dual_lphm_reconciliation' : 'identity_reconciliation';
    const rec = buildReconciliation(ctx, derived(v, { kind: 'reconciliation', type: recType, options: { enableBias: false, r: o.rInterdependence } }), m, m, `${headPrefix}instance_interdependence.interdependence_functions.1.parameter_fabrication.`);
    if (!rec) return undefined;
    rec.source = v;
    Object.assign(spec, { reconciliation: rec, l: rec.l, paramKey: `${headPrefix}w_${slot}_interdependence` });
  } else if (o.requireParameters) {
    spec.paramKey = `${headPrefix}w_${slot}_interdependence`; // tinybig's empty (C, 0) parameter (§3.5)
  }
  return spec;
}

/**
 * geometric_interdependence and its cuboid subclasses (spec rpn2-compression-geometric §5): attribute type = a gather of
 * each row's patches (padding, m' = C·P·S) or a patch sum (aggregation, m' = m); instance type = the same over the
 * rows of the batch (b = N, one universe; b' = P·S or N).
 */
function buildGeometricInterdependence(ctx: Ctx, v: Component, m: number, headPrefix: string, slot: 'attribute' | 'instance', instance: boolean): InterdependenceSpec | undefined {
  const o = v.options as Opts;
  for (const k of ['preprocessFunctions', 'postprocessFunctions']) {
    if (list(o[k]).length) return void ctx.error('RPN2002', `${v.type}: ${k} of a geometric interdependence act on its matrix A in tinybig (postprocess) or are never called (preprocess); rpnc does not compile them`, v, k, `remove ${k}`);
  }
  let geometric: ReturnType<typeof geometricInterdependence>;
  try {
    geometric = geometricInterdependence(v.type, o);
  } catch (e) {
    if (e instanceof GeometryError) return void ctx.error('RPN2109', `${v.type}: ${e.message}`, v, e.option, e.hint);
    throw e;
  }
  const g = geometric.grid;
  g.matrixKey = `${slot}_interdependence.A`;
  const width = geometric.mode === 'padding' ? g.P * g.S : g.N;
  if (geometric.mode === 'aggregation' && ctx.tooLarge(tensorTooLarge(`${v.type}: the aggregation matrix A = N × N = ${g.N} × ${g.N}`, g.N * g.N, ctx.limits, 'use a smaller grid, or the padding mode', 'interdependenceMatrixMode'), v)) return undefined;
  if (instance) {
    if (g.inChannels !== 1) return void ctx.error('RPN2109', `${v.type} of an instance type lays the grid over the batch and supports one universe only (tinybig asserts), got ${g.inChannels}`, v, o.grid ? 'grid' : 'channelNum', 'use one universe');
    return { type: v.type, options: o, m, mPrime: m, l: 0, axis: 'instance', b: g.N, bPrime: width, geometric, source: v };
  }
  if (slot === 'instance') {
    return void ctx.error('RPN2109', `${v.type} in the instanceInterdependence slot needs interdependenceType: 'instance' (an attribute-type geometric interdependence there fails tinybig's assertion)`, v, 'interdependenceType', "set interdependenceType: 'instance', or move it to attributeInterdependence");
  }
  if (m !== g.inChannels * g.N) {
    return void ctx.error('RPN2109', `${v.type} reads a grid of ${g.inChannels} × ${g.grid.join('×')} = ${g.inChannels * g.N} values, but the head's input has m = ${m} features`, v, undefined, 'make the grid match the head input width');
  }
  if (ctx.tooLarge(tensorTooLarge(`${v.type}: m' = C·P·S = ${g.inChannels * width}`, g.inChannels * width, ctx.limits, 'use a coarser packing or a smaller patch', 'packingStrategy'), v)) return undefined;
  return { type: v.type, options: o, m, mPrime: geometric.mode === 'padding' ? g.inChannels * width : m, l: 0, geometric, source: v };
}

/** An instance-type interdependence: A' ∈ R^{b×b'} (fabricated with n = b, D = b'), parameter `w_<slot>_interdependence` (C, l). */
function buildInstanceInterdependence(ctx: Ctx, v: Component, m: number, headPrefix: string, slot: 'attribute' | 'instance'): InterdependenceSpec | undefined {
  const o = v.options as Opts;
  const b = o.b as number | undefined;
  if (b === undefined) return void ctx.error('RPN2109', `${v.type} of an instance type needs the batch size b (A' ∈ R^{b×b'} mixes the b rows of the batch)`, v, undefined, 'add b: <batch size>; the compiled model then only runs with that batch');
  if (o.m !== undefined && o.m !== m) {
    return void ctx.error('RPN2109', `${v.type} has m = ${o.m} but the head's input width is m = ${m}`, v, 'm', `set m: ${m} or omit it`);
  }
  let bPrime = (o.bPrime as number | undefined) ?? b;
  if (v.type === 'constant_interdependence') {
    const A = o.A as number[][] | undefined;
    if (!A) return void ctx.error('RPN2109', "constant_interdependence needs its matrix A (b×b')", v, undefined, `add A: [[…], …] with ${b} rows`);
    if (A.length !== b) return void ctx.error('RPN2109', `constant_interdependence: A has ${A.length} rows but the batch is b = ${b}`, v, 'A', `give A with ${b} rows (A' ∈ R^{b×b'})`);
    bPrime = A[0].length;
  } else if (['constant_c_interdependence', 'zero_interdependence', 'one_interdependence'].includes(v.type) && o.bPrime === undefined) {
    return void ctx.error('RPN2109', `${v.type} of an instance type needs bPrime (tinybig asserts b_prime is not None)`, v, undefined, `add bPrime: ${b}`);
  }
  if (ctx.tooLarge(tensorTooLarge(`${v.type}: A' = b × b' = ${b} × ${bPrime}`, b * bPrime, ctx.limits, "use a smaller batch b or b'", 'b'), v)) return undefined;
  const spec: InterdependenceSpec = { type: v.type, options: o, m, mPrime: m, l: 0, axis: 'instance', b, bPrime, source: v };
  const recType = INTERDEPENDENCE_RECON[v.type];
  if (recType) {
    const ropts: Opts = { enableBias: false, r: o.r };
    if (o.p !== undefined) {
      ropts.p = o.p;
      ropts.q = o.q ?? o.p;
    }
    const rec = buildReconciliation(ctx, derived(v, { kind: 'reconciliation', type: recType, options: ropts }), b, bPrime, `${headPrefix}${slot}_interdependence.parameter_fabrication.`);
    if (!rec) return undefined;
    rec.source = v;
    spec.reconciliation = rec;
    spec.l = rec.l;
    spec.paramKey = `${headPrefix}w_${slot}_interdependence`;
  }
  return spec;
}

function buildExpansion(ctx: Ctx, v: Component, m: number, prefix: string): ExpansionSpec | undefined {
  const o = v.options as Opts;
  const pre = processList(ctx, o.preprocessFunctions, `${prefix}preprocess_functions`, m);
  if (!pre) return undefined;
  let D: number | undefined;
  const children: ExpansionSpec[] = [];
  let grid: ExpansionSpec['grid'];
  if (['nested_expansion', 'extended_expansion', 'nested_compression', 'extended_compression'].includes(v.type)) {
    const comps = o.compositionFunctions as Component[];
    if (!comps.length) return void ctx.error('RPN2109', `${v.type} needs at least one composition function`, v, 'compositionFunctions');
    let width = m;
    D = 0;
    for (let i = 0; i < comps.length; i++) {
      const nested = v.type.startsWith('nested_');
      const child = buildExpansion(ctx, comps[i], nested ? width : m, `${prefix}composition_functions.${i}.`);
      if (!child) return undefined;
      children.push(child);
      if (nested) width = child.D;
      else D += child.D;
    }
    if (v.type.startsWith('nested_')) D = width;
  } else if (isCompressionFamily(v.type)) {
    // compressions and standalone geometric expansions (compiler/spec/compression.ts)
    const cw = compressionWidth(v, m);
    if (!cw) return void ctx.error('RPN2002', `data transformation '${v.type}' is not supported yet`, v);
    if ('code' in cw) return void ctx.error(cw.code, cw.message, v, cw.option, cw.hint);
    D = cw.D;
    grid = cw.grid;
    if (grid && ctx.tooLarge(tensorTooLarge(`${v.type}: the patch gather reads C·P·S = ${grid.inChannels} · ${grid.P} · ${grid.S}`, grid.inChannels * grid.P * grid.S, ctx.limits, 'use a smaller grid or patch, or a coarser packing'), v)) return undefined;
  } else {
    if (v.type === 'combinatorial_expansion') {
      return void ctx.error('RPN2002', 'combinatorial_expansion is not supported: in tinybig its forward returns a Python list of tensors (the r-subsets), not a (batch, D) tensor, so it cannot be a head\'s data transformation', v, undefined, 'use combinatorialNormalExpansion({ d })');
    }
    if (v.type.endsWith('_wavelet_expansion') && !checkWavelet(ctx, v, o)) return undefined;
    const width = expansionWidth(v.type, o, m, ctx.limits);
    if (typeof width === 'object') return void ctx.tooLarge(width, v);
    D = width;
    if (D === undefined) return void ctx.error('RPN2002', `expansion '${v.type}' is not supported yet`, v);
  }
  if (v.type === 'linear_expansion' && o.c === undefined) {
    // tinybig: linear_expansion without c is the identity.
  }
  const post = processList(ctx, o.postprocessFunctions, `${prefix}postprocess_functions`, D);
  if (!post) return undefined;
  const spec: ExpansionSpec = { type: v.type, options: o, m, D, pre, post, children, prefix, source: v };
  if (grid) spec.grid = grid;
  return spec;
}

/** tinybig's discrete_wavelet / beta / ricker / dog constructor checks (they raise ValueError). */
function checkWavelet(ctx: Ctx, v: Component, o: Opts): boolean {
  const bad = (option: string, message: string) => (ctx.error('RPN2109', `${v.type}: ${message}`, v, option), false);
  if ((o.a as number) < 1) return bad('a', `a = ${o.a} but tinybig requires a ≥ 1`);
  if ((o.b as number) < 0) return bad('b', `b = ${o.b} but tinybig requires b ≥ 0`);
  if (v.type === 'beta_wavelet_expansion') {
    if ((o.alpha as number) < 1) return bad('alpha', `alpha = ${o.alpha} but tinybig requires alpha ≥ 1`);
    if ((o.beta as number) < 1) return bad('beta', `beta = ${o.beta} but tinybig requires beta ≥ 1`);
  }
  if (v.type === 'ricker_wavelet_expansion' && (o.sigma as number) < 0) return bad('sigma', `sigma = ${o.sigma} but tinybig requires sigma ≥ 0`);
  if (v.type === 'dog_wavelet_expansion') {
    if ((o.sigma1 as number) < 0) return bad('sigma1', `sigma1 = ${o.sigma1} but tinybig requires sigma_1 ≥ 0`);
    if ((o.sigma2 as number) < 0) return bad('sigma2', `sigma2 = ${o.sigma2} but tinybig requires sigma_2 ≥ 0`);
  }
  return true;
}

function buildReconciliation(ctx: Ctx, v: Component, n: number, D: number, prefix: string): ReconciliationSpec | undefined {
  if (v.type === 'masking_reconciliation' && (v.options as Opts).fixedMask === false) {
    return void ctx.error('RPN2110', 'masking_reconciliation with fixedMask: false draws a fresh random mask at every call (every channel, every forward), so tinybig\'s output is not deterministic and cannot be compiled', v, 'fixedMask', 'use fixedMask: true and pass the mask tinybig drew (…parameter_fabrication.mask_matrix) as a side-car tensor');
  }
  const sizes = reconciliationSizes(v.type, v.options as Opts, n, D);
  if (typeof sizes === 'string') {
    if (sizes.startsWith('unsupported')) return void ctx.error('RPN2002', `reconciliation '${v.type}' is not supported yet`, v);
    const opt = sizes.startsWith('p=') ? 'p' : sizes.startsWith('q=') ? 'q' : undefined;
    const hint = v.type === 'duplicated_diagonal_padding_reconciliation'
      ? `set p: ${n} and q: ${n} (n = ${n} must divide D = ${D}), or use duplicatedPaddingReconciliation`
      : 'choose p dividing n and q dividing D (or omit them to use tinybig\'s defaults)';
    return void ctx.error('RPN2104', `${v.type} does not fit the head (n = ${n}, D = ${D}): ${sizes}`, v, opt, hint);
  }
  return { type: v.type, options: sizes.options, n, D, l: sizes.l, prefix, source: v };
}

function buildRemainder(ctx: Ctx, v: Component | undefined, headComp: Component, m: number, n: number, outWidth: number, prefix: string): RemainderSpec | undefined {
  if (!v) {
    if (m !== n) return void ctx.error('RPN2105', `a head without a remainder needs m = n (tinybig crashes otherwise); here m = ${m}, n = ${n}`, headComp, undefined, 'add remainder: zeroRemainder()');
    return { type: 'none', options: {}, m, n, act: [], weight: false, bias: false, source: headComp };
  }
  const o = v.options as Opts;
  const act = processList(ctx, o.activationFunctions, `${prefix}remainder.activation_functions`, n);
  if (!act) return undefined;
  const known = ['zero_remainder', 'identity_remainder', 'linear_remainder', 'constant_remainder', 'one_remainder'];
  if (!known.includes(v.type)) return void ctx.error('RPN2002', `remainder '${v.type}' is not supported yet`, v);
  const weight = v.type === 'linear_remainder' && o.requireParameters !== false;
  const bias = weight && o.enableBias === true;
  const needsSquare = v.type === 'identity_remainder' || (v.type === 'linear_remainder' && !weight);
  if (needsSquare && m !== n) {
    return void ctx.error('RPN2105', `${v.type}${weight ? '' : ' (requireParameters: false)'} adds x itself, so it needs m = n; here m = ${m}, n = ${n}`, v, undefined, 'use linearRemainder() (a learned n×m map) or zeroRemainder()');
  }
  if (v.type !== 'zero_remainder' && outWidth !== n) {
    return void ctx.error('RPN2108', `the remainder adds ${n} features but the channel fusion outputs ${outWidth}`, v, undefined, 'use zeroRemainder() with concatenation channel fusion');
  }
  return { type: v.type, options: o, m, n, act, weight, bias, source: v };
}

const FUSION_TYPES = new Set([
  'mean_fusion', 'sum_fusion', 'max_fusion', 'min_fusion', 'prod_fusion', 'median_fusion', 'summation_fusion', 'average_fusion',
  'weighted_summation_fusion', 'concatenation_fusion', 'parameterized_concatenation_fusion', 'lowrank_parameterized_concatenation_fusion',
  'hm_parameterized_concatenation_fusion', 'lphm_parameterized_concatenation_fusion', 'dual_lphm_parameterized_concatenation_fusion',
  'random_matrix_adaption_parameterized_concatenation_fusion', 'parameterized_weighted_summation_fusion',
]);
const FUSION_RECON: Record<string, string> = {
  parameterized_concatenation_fusion: 'identity_reconciliation',
  lowrank_parameterized_concatenation_fusion: 'lorr_reconciliation',
  hm_parameterized_concatenation_fusion: 'hm_reconciliation',
  lphm_parameterized_concatenation_fusion: 'lphm_reconciliation',
  dual_lphm_parameterized_concatenation_fusion: 'dual_lphm_reconciliation',
  random_matrix_adaption_parameterized_concatenation_fusion: 'random_matrix_adaption_reconciliation',
};

function buildFusion(ctx: Ctx, v: Component, inputDims: number[], paramKey: string, prefix: string): FusionSpec | undefined {
  const o = v.options as Opts;
  if (!FUSION_TYPES.has(v.type)) return void ctx.error('RPN2002', `fusion '${v.type}' is not supported yet`, v);
  if (o.dims !== undefined && o.dims !== null) {
    const given = list<number>(o.dims);
    if (given.length !== inputDims.length || given.some((d, i) => d !== inputDims[i])) {
      return void ctx.error('RPN2103', `dims = [${given.join(', ')}] but the fused inputs have widths [${inputDims.join(', ')}]`, v, 'dims', `set dims: [${inputDims.join(', ')}] or omit it`);
    }
  }
  const sum = inputDims.reduce((a, b) => a + b, 0);
  const pre = processList(ctx, o.preprocessFunctions, `${prefix}preprocess_functions`, inputDims[0]);
  if (!pre) return undefined;
  let n: number;
  let l = 0;
  let reconciliation: ReconciliationSpec | undefined;
  if (v.type === 'concatenation_fusion') n = sum;
  else if (FUSION_RECON[v.type]) {
    n = (o.n as number | undefined) ?? inputDims[0];
    const ropts: Opts = { enableBias: false, r: o.r };
    if (v.type.startsWith('hm_') || v.type.startsWith('lphm_') || v.type.startsWith('dual_lphm_')) {
      ropts.p = o.p;
      ropts.q = o.q ?? o.p;
    }
    // errors about p, q, r point at the fusion's own options (the fusion's q is the reconciliation's q)
    copyPropSpans(o, ropts);
    reconciliation = buildReconciliation(ctx, derived(v, { kind: 'reconciliation', type: FUSION_RECON[v.type], options: ropts }), n, sum, `${prefix}parameter_fabrication.`);
    if (!reconciliation) return undefined;
    reconciliation.source = v;
    l = reconciliation.l;
  } else {
    if (inputDims.some((d) => d !== inputDims[0])) return void ctx.error('RPN2103', `${v.type} needs inputs of equal width, got [${inputDims.join(', ')}]`, v, undefined, 'use concatenation_fusion for inputs of different widths');
    n = inputDims[0];
    if (v.type === 'parameterized_weighted_summation_fusion') {
      // tinybig: w (1, len(dims)) but the forward asserts x.size(0) == w.size(0) == 1: only one input runs (y = w[0,0]·x)
      if (inputDims.length > 1) return void ctx.error('RPN2173', `parameterized_weighted_summation_fusion of ${inputDims.length} inputs cannot run in tinybig: its parameter is (1, ${inputDims.length}) but its forward asserts that the number of inputs equals the parameter's first dimension (1), so every K > 1 raises AssertionError`, v, undefined, 'use weightedSummationFusion({ weights }) or a parameterized concatenation fusion; with one input it compiles (y = w[0,0]·x)');
      l = 1;
    }
    if (v.type === 'weighted_summation_fusion') {
      const w = o.weights as number[] | undefined;
      if (!w || w.length !== inputDims.length) return void ctx.error('RPN2108', `weighted_summation_fusion needs ${inputDims.length} weights`, v, 'weights', `give weights: [${inputDims.map(() => '…').join(', ')}]`);
    }
  }
  const post = processList(ctx, o.postprocessFunctions, `${prefix}postprocess_functions`, n);
  if (!post) return undefined;
  return { type: v.type, options: o, dims: inputDims, n, l, prefix, paramKey: l > 0 ? paramKey : undefined, reconciliation, pre, post, source: v };
}

const PROCESSING_TYPES = new Set(['exp', 'ReLU', 'Sigmoid', 'Tanh', 'SiLU', 'GELU', 'LeakyReLU', 'ELU', 'CELU', 'Softplus', 'Softmax', 'LogSoftmax', 'Identity', 'Dropout', 'BatchNorm1d', 'LayerNorm']);

function processList(ctx: Ctx, slot: unknown, prefix: string, width: number, matrixAxes = false): ProcessSpec[] | undefined {
  const items = list<Component>(slot);
  const out: ProcessSpec[] = [];
  for (let i = 0; i < items.length; i++) {
    const c = items[i];
    if (!PROCESSING_TYPES.has(c.type)) return void ctx.error('RPN2002', `processing function '${c.type}' is not supported yet`, c);
    const o = c.options as Opts;
    if (c.type === 'BatchNorm1d' && o.numFeatures !== width) {
      return void ctx.error('RPN2106', `batchNorm1d({ numFeatures: ${o.numFeatures} }) is applied to ${width} features`, c, 'numFeatures', `set numFeatures: ${width}`);
    }
    if (c.type === 'LayerNorm') {
      const ns = Array.isArray(o.normalizedShape) ? o.normalizedShape[0] : o.normalizedShape;
      if (ns !== width) return void ctx.error('RPN2106', `layerNorm({ normalizedShape: ${ns} }) is applied to ${width} features`, c, 'normalizedShape', `set normalizedShape: ${width}`);
    }
    if ((c.type === 'Softmax' || c.type === 'LogSoftmax') && o.dim !== -1 && o.dim !== 1 && !(matrixAxes && (o.dim === 0 || o.dim === -2))) {
      return void ctx.error('RPN2109', `${c.type} over dim ${o.dim}: rows are (batch, features), so only dim -1 or 1 makes sense`, c, 'dim', 'use dim: -1');
    }
    // torch's own checks (tinybig builds these modules from the options): Dropout raises at construction, CELU at the first forward
    if (c.type === 'Dropout' && !((o.p as number) >= 0 && (o.p as number) <= 1)) {
      return void ctx.error('RPN2109', `dropout p = ${o.p}: torch.nn.Dropout raises ValueError (dropout probability has to be between 0 and 1)`, c, 'p', 'use p in [0, 1]');
    }
    if (c.type === 'CELU' && Math.fround(o.alpha as number) === 0) {
      // alpha = 1e-300 passes torch's check but is 0 in its float32 kernel (NaN outputs, the reference's float64 gives numbers)
      const why = o.alpha === 0 ? 'torch raises at the first forward (ZeroDivisionError: alpha cannot be 0 for CELU)' : "it is 0 in float32, where tinybig's CELU divides by it (NaN outputs)";
      return void ctx.error('RPN2109', `celu alpha = ${o.alpha}: ${why}`, c, 'alpha', 'use a non-zero alpha (default 1)');
    }
    // A single (non-list) module is registered in tinybig; a list item is not. Keys follow the oracle's convention either way.
    const itemPrefix = Array.isArray(slot) ? `${prefix}.${i}.` : `${prefix}.`;
    out.push({ type: c.type, options: o, prefix: itemPrefix, width, source: c });
  }
  return out;
}

/** The data-dependent interdependences (compiler/spec/data-interdependence.ts) use this file's builders through these helpers. */
function dataHelpers(ctx: Ctx): DataBuildHelpers {
  return {
    error: (code, message, at, option, hint) => ctx.error(code, message, at, option, hint),
    reconciliation: (c, n, D, prefix) => buildReconciliation(ctx, c, n, D, prefix),
    expansion: (c, m, prefix) => buildExpansion(ctx, c, m, prefix),
    fusion: (c, dims, prefix) => buildFusion(ctx, c, dims, `${prefix}w`, prefix),
    process: (slot, prefix, width) => processList(ctx, slot, prefix, width, true),
    derived,
  };
}

/**
 * tinybig.model.transformer (spec rpn2-bilinear-kernel §8.5): per consecutive pair of `dims` a
 * bilinear_interdependence_layer and a perceptron_layer(n, n); then perceptron layers over [dims[-1]] + fcDims with
 * BatchNorm/ReLU/Dropout where n ≠ the last width and Softmax where (m, n) are the last two widths (decided by value).
 */
function transformerLayers(ctx: Ctx, v: Component): Component[] | undefined {
  const o = v.options as Opts;
  const dims = o.dims as number[];
  const fc = [dims[dims.length - 1], ...(o.fcDims as number[])];
  if (dims.length < 2) return void ctx.error('RPN2109', 'transformer needs at least two dims', v, 'dims');
  if (fc.length < 2) return void ctx.error('RPN2109', 'transformer needs at least one fcDims width', v, 'fcDims');
  const pass = { channelNum: o.channelNum, width: o.width, withTaylor: o.withTaylor, d: o.d, withDualLphm: o.withDualLphm, withLorr: o.withLorr, r: o.r, enableBias: o.enableBias, withResidual: o.withResidual };
  const perceptron = (m: number, n: number, proc: { withBatchNorm: unknown; withRelu: unknown; withDropout: unknown; withSoftmax: unknown }): Component =>
    derived(v, { kind: 'layer', type: 'perceptron_layer', options: { m, n, ...pass, withBspline: false, withHybridExpansion: false, p: o.p, ...proc } });
  const out: Component[] = [];
  const proc = { withBatchNorm: o.withBatchNorm, withRelu: o.withRelu, withDropout: o.withDropout, withSoftmax: o.withSoftmax };
  for (let i = 0; i + 1 < dims.length; i++) {
    const [m, n] = [dims[i], dims[i + 1]];
    out.push(derived(v, {
      kind: 'layer', type: 'bilinear_interdependence_layer', options: {
        m, n, batchNum: o.batchNum, ...pass, withDualLphmInterdependence: o.withDualLphmInterdependence, withLorrInterdependence: o.withLorrInterdependence,
        rInterdependence: o.rInterdependence, p: o.p, ...proc,
      },
    }));
    out.push(perceptron(n, n, proc));
  }
  const last = fc[fc.length - 1];
  for (let i = 0; i + 1 < fc.length; i++) {
    const [m, n] = [fc[i], fc[i + 1]];
    const hidden = n !== last;
    out.push(perceptron(m, n, { withBatchNorm: hidden && o.withBatchNorm, withRelu: hidden && o.withRelu, withDropout: hidden && o.withDropout, withSoftmax: m === fc[fc.length - 2] && n === last && o.withSoftmax }));
  }
  return out;
}

/** Grid heads and the cnn model (compiler/spec/grid.ts) use this file's builders through these helpers. */
function gridHelpers(ctx: Ctx): GridBuildHelpers {
  return {
    error: (message, at, option, hint, code = 'RPN2109') => ctx.error(code, message, at, option, hint),
    reconciliation: (c, n, D, prefix) => buildReconciliation(ctx, c, n, D, prefix),
    remainder: (c, head, m, n, prefix) => buildRemainder(ctx, c, head, m, n, n, prefix),
    process: (slot, prefix, width) => processList(ctx, slot, prefix, width),
    derived,
  };
}

function gridModelLayers(ctx: Ctx, v: Component): Component[] | undefined {
  const channels = (v.options as Opts).channelNums as number[];
  if (channels.length < 2) {
    return void ctx.error('RPN2109', `${v.type} with channelNums = [${channels.join(', ')}] has no convolution layer (one per consecutive pair of channel numbers): tinybig asserts len(layers) >= 1`, v, 'channelNums', 'give the input and output channels, e.g. channelNums: [1, 4]');
  }
  try {
    const o = v.type === 'resnet' ? { ...(v.options as Opts), withResidual: true } : (v.options as Opts);
    return cnnLayerOptions(o).map(({ type, options }) => derived(v, { kind: 'layer', type, options }));
  } catch (e) {
    if (e instanceof GeometryError) return void ctx.error('RPN2109', e.message, v, e.option, e.hint);
    throw e;
  }
}
