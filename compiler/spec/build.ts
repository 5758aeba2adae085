/**
 * DSL value -> validated ModelSpec. tinybig's built-in layers and models (perceptron_layer,
 * kan_layer, svm/naive_bayes/pgm layers, mlp, kan, svm, naive_bayes, pgm) are expanded here into plain layers and heads, with tinybig's construction
 * logic and weight-key numbering. Every dimension error points at the option that is wrong.
 */
import { type Component, isComponent } from '../dsl/component.js';
import { DiagnosticError, type Diagnostic, type SourceSpan, diag } from '../diagnostics.js';
import { copyPropSpans, getSpan, optionSpan, setSpan } from '../spans.js';
import { reconciliationHasParameters, reconciliationSizes } from './sizes.js';
import { type SizeLimits, type TooLarge, componentTooLarge, expansionWidth, modelBranchesTooLarge, sizeLimits, specTooLarge, tensorTooLarge } from './limits.js';
import { GRID_HEAD_TYPES, type GridBuildHelpers, GeometryError, buildGridHead, cnnLayerOptions, gridGeometry, gridWidths } from './grid.js';
import type { ExpansionSpec, FusionSpec, HeadSpec, InterdependenceSpec, LayerSpec, ModelSpec, ProcessSpec, ReconciliationSpec, RemainderSpec } from './types.js';

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
  RPN2301: "a dimension too large to compile: a tensor or the parameter count beyond rpnc's limits (RPNC_MAX_PARAMS), too many heads or channels, a huge grid patch",
  RPN2302: "the lowered graph has more operations than rpnc compiles (500,000): too many layers, heads or channels together",
  RPN2201: 'warning: a BatchNorm normalises over the batch (no running statistics in the weights)',
} as const;

class Ctx {
  diags: Diagnostic[] = [];
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
export function buildModelSpec(value: unknown, opts: { maxParams?: number } = {}): ModelSpec {
  const ctx = new Ctx();
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
    return withBatch(ctx, { root: 'head', type: v.type, m: h.m, n: h.outWidth, layers: [{ index: 0, prefix: '', type: 'head', m: h.m, n: h.outWidth, heads: [h], sharedHeads: false, source: v }], source: v });
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
  let headFusion: FusionSpec | undefined;
  const fusionComp = o.headFusion as Component | undefined;
  if (fusionComp || heads.length > 1) {
    const fc = fusionComp ?? derived(v, { kind: 'fusion', type: 'mean_fusion', options: {} });
    headFusion = buildFusion(ctx, fc, widths, `${prefix}w_head_fusion`, `${prefix}head_fusion.`);
    if (!headFusion) return undefined;
  } else if (widths[0] !== o.n) {
    ctx.error('RPN2102', `the head outputs ${widths[0]} features but the layer has n = ${o.n}`, v, 'n', `set n: ${widths[0]}`);
    return undefined;
  }
  const n = headFusion ? headFusion.n : widths[0];
  if (headFusion && n !== o.n && !['concatenation_fusion'].includes(headFusion.type)) {
    ctx.error('RPN2103', `the head fusion outputs ${n} features but the layer has n = ${o.n}`, fusionComp ?? v, fusionComp ? 'n' : 'n', `make the fusion output n = ${o.n}`);
    return undefined;
  }
  return { index, prefix, type: v.type, m: o.m as number, n, heads, sharedHeads: shared, headFusion, source: v };
}

/** tinybig's perceptron_head / kan_head / svm_head / naive_bayes_head / pgm_head expand into a generic head. */
function headOptions(ctx: Ctx, v: Component): Opts | undefined {
  const o = v.options as Opts;
  const mk = (kind: Component['kind'], type: string, options: Opts): Component => derived(v, { kind, type, options });
  switch (v.type) {
    case 'head':
      return o;
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
    case 'kan_head': {
      const exp = mk('expansion', 'bspline_expansion', { gridRange: o.gridRange, t: o.t, d: o.d });
      const rec = o.withLorr ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias }) : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
      const rem = mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false, activationFunctions: [mk('processing', 'SiLU', {})] });
      return { m: o.m, n: o.n, channelNum: o.channelNum, dataTransformation: exp, parameterFabrication: rec, remainder: rem };
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
  const rows = headRows(ctx, attributeInterdependence, instanceInterdependence);
  if (rows === null) return undefined;
  // κ sees Xa = X0·A (width m'); the remainder still sees X0 (width m).
  const expansion = buildExpansion(ctx, expComp, attributeInterdependence?.mPrime ?? m, `${prefix}data_transformation.`);
  if (!expansion || !inputProcess) return undefined;
  const D = expansion.D;

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
  return spec;
}

/**
 * The batch an instance interdependence ties a head to: the attribute slot's (it mixes the rows of X0) takes
 * b → b' rows, then the instance slot's (mixes the rows of κ) must take that many. undefined = any batch;
 * null = an error was reported.
 */
function headRows(ctx: Ctx, ai: InterdependenceSpec | undefined, ii: InterdependenceSpec | undefined): { batch: number; rowsOut: number; changedBy: InterdependenceSpec } | undefined | null {
  const steps = [ai, ii].filter((x): x is InterdependenceSpec => x?.axis === 'instance');
  if (!steps.length) return undefined;
  let rows = steps[0].b!;
  let changedBy = steps[0];
  for (const s of steps) {
    if (s.b !== rows) {
      ctx.error('RPN2111', `${s.type} expects a batch of b = ${s.b} rows, but the attribute interdependence ${steps[0].type} before it outputs b' = ${rows} rows`, s.source, 'b', `set b: ${rows}`);
      return null;
    }
    if (s.bPrime !== rows) changedBy = s;
    rows = s.bPrime!;
  }
  return { batch: steps[0].b!, rowsOut: rows, changedBy };
}

/**
 * The model's fixed batch (ModelSpec.batch): every head of a layer sees the same rows (the first layer: the input
 * batch; a later one: the rows the previous layer outputs) and must output the same rows (the head fusion
 * adds or concatenates them). Instance interdependences set these; a model without any keeps any batch.
 */
function withBatch(ctx: Ctx, spec: ModelSpec): ModelSpec | undefined {
  if (!spec.layers.some((l) => l.heads.some((h) => h.batch !== undefined))) return spec;
  let rows: number | undefined; // rows entering the layer; undefined = the (still free) input batch
  let input: number | undefined;
  let fixedBy = '';
  for (const layer of spec.layers) {
    const where = (j: number) => `${spec.root === 'head' ? 'the head' : `layer ${layer.index} head ${j}`}`;
    for (let j = 0; j < layer.heads.length; j++) {
      const h = layer.heads[j];
      if (h.batch === undefined) continue;
      const ii = (h.attributeInterdependence?.axis === 'instance' ? h.attributeInterdependence : h.instanceInterdependence)!;
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
  if (!INSTANCE_TYPES.includes(kind) && !ATTRIBUTE_TYPES.includes(kind)) {
    return void ctx.error('RPN2109', `interdependenceType '${kind}' is refused by tinybig's interdependence (its setter accepts ${[...INSTANCE_TYPES, ...ATTRIBUTE_TYPES].join(', ')})`, v, 'interdependenceType', kind === 'row' ? "use interdependenceType: 'instance'" : "use interdependenceType: 'attribute'");
  }
  if (!INTERDEPENDENCE_RECON[v.type] && !CONSTANT_INTERDEPENDENCES.includes(v.type)) {
    return void ctx.error('RPN2002', `interdependence '${v.type}' is not supported yet (only the data-independent ones: parameterized, lowrank/hm/lphm/dual_lphm parameterized, constant, constant_c, zero, one, identity)`, v);
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
  if (v.type === 'nested_expansion' || v.type === 'extended_expansion') {
    const comps = o.compositionFunctions as Component[];
    if (!comps.length) return void ctx.error('RPN2109', `${v.type} needs at least one composition function`, v, 'compositionFunctions');
    let width = m;
    D = 0;
    for (let i = 0; i < comps.length; i++) {
      const child = buildExpansion(ctx, comps[i], v.type === 'nested_expansion' ? width : m, `${prefix}composition_functions.${i}.`);
      if (!child) return undefined;
      children.push(child);
      if (v.type === 'nested_expansion') width = child.D;
      else D += child.D;
    }
    if (v.type === 'nested_expansion') D = width;
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
  return { type: v.type, options: o, m, D, pre, post, children, prefix, source: v };
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
  'random_matrix_adaption_parameterized_concatenation_fusion',
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
    reconciliation = buildReconciliation(ctx, { kind: 'reconciliation', type: FUSION_RECON[v.type], options: ropts }, n, sum, `${prefix}parameter_fabrication.`);
    if (!reconciliation) return undefined;
    reconciliation.source = v;
    l = reconciliation.l;
  } else {
    if (inputDims.some((d) => d !== inputDims[0])) return void ctx.error('RPN2103', `${v.type} needs inputs of equal width, got [${inputDims.join(', ')}]`, v, undefined, 'use concatenation_fusion for inputs of different widths');
    n = inputDims[0];
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

function processList(ctx: Ctx, slot: unknown, prefix: string, width: number): ProcessSpec[] | undefined {
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
    if ((c.type === 'Softmax' || c.type === 'LogSoftmax') && o.dim !== -1 && o.dim !== 1) {
      return void ctx.error('RPN2109', `${c.type} over dim ${o.dim}: rows are (batch, features), so only dim -1 or 1 makes sense`, c, 'dim', 'use dim: -1');
    }
    // A single (non-list) module is registered in tinybig; a list item is not. Keys follow the oracle's convention either way.
    const itemPrefix = Array.isArray(slot) ? `${prefix}.${i}.` : `${prefix}.`;
    out.push({ type: c.type, options: o, prefix: itemPrefix, width, source: c });
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
  try {
    const o = v.type === 'resnet' ? { ...(v.options as Opts), withResidual: true } : (v.options as Opts);
    return cnnLayerOptions(o).map(({ type, options }) => derived(v, { kind: 'layer', type, options }));
  } catch (e) {
    if (e instanceof GeometryError) return void ctx.error('RPN2109', e.message, v, e.option, e.hint);
    throw e;
  }
}
