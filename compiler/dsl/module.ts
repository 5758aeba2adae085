/**
 * Modules: heads, layers and models (tinybig.module, tinybig.layer, tinybig.model).
 * Their structure (heads, layers, weight key names) is built by `compiler/spec/`.
 */
import { type Component, is, make, required } from './component.js';
import type { Expansion } from './expansion.js';
import type { Fusion } from './fusion.js';
import type { Interdependence } from './interdependence.js';
import type { ProcessingSlot } from './processing.js';
import type { Reconciliation } from './reconciliation.js';
import type { Remainder } from './remainder.js';

type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const common: Schema = { name: [is.optional(is.string), undefined], device: [is.optional(is.string), undefined] };

/** Options of `head` (tinybig.module.head). */
export interface HeadOptions {
  /** Input width (inside a layer: may be omitted, then the layer's m). */
  m?: number;
  /** Output width per channel (inside a layer: may be omitted, then the layer's n). */
  n?: number;
  /** Number of channels (rows of `w`), default 1. */
  channelNum?: number;
  /** κ: the data expansion or compression (required). */
  dataTransformation: Expansion | Component<'expansion', string, object>;
  /** ψ: the parameter reconciliation; omitted = no fabrication (κ(x) is the output). */
  parameterFabrication?: Reconciliation | null;
  /** π: the remainder; omitted = none (needs m = n). */
  remainder?: Remainder | null;
  /** Fusion of the channels' outputs (default mean when channelNum > 1). */
  channelFusion?: Fusion | null;
  /** ξ_attribute: Xa_c = X0·A_c (A_c ∈ R^{m×m'}, per channel from `w_attribute_interdependence`); κ then sees width m'. */
  attributeInterdependence?: Interdependence | null;
  /** ξ_instance (interdependenceType 'instance'): Xi_c = A'_cᵀ·κ(…), A' ∈ R^{b×b'} — the model then runs only on batch b and outputs b' rows. */
  instanceInterdependence?: Interdependence | null;
  inputProcessFunctions?: ProcessingSlot | null;
  outputProcessFunctions?: ProcessingSlot | null;
  /** Explicit length of one channel's parameter row (default: from the reconciliation). */
  l?: number | null;
  name?: string;
  device?: string;
  /** tinybig's `parameters_init_method` (used only by `--seed` initialisation). */
  parametersInitMethod?: string;
}
/** A generic RPN head (`head()`). */
export type Head = Component<'head', 'head', HeadOptions>;
/** `tinybig.module.head` (alias `rpn_head`): one RPN head y = F_out(fuse_c(κ(F_in x)·ψ(w_c)ᵀ + b) + π(x)). */
export function head(options: HeadOptions): Head {
  return make('head', 'head', options, {
    ...common,
    m: [is.optional(is.posInt), undefined],
    n: [is.optional(is.posInt), undefined],
    channelNum: [is.posInt, 1],
    dataTransformation: [is.optional(is.component('expansion')), undefined],
    parameterFabrication: [is.optional(is.component('reconciliation')), undefined],
    remainder: [is.optional(is.component('remainder')), undefined],
    channelFusion: [is.optional(is.component('fusion')), undefined],
    attributeInterdependence: [is.optional(is.component('interdependence')), undefined],
    instanceInterdependence: [is.optional(is.component('interdependence')), undefined],
    inputProcessFunctions: [is.optional(is.componentList('processing')), undefined],
    outputProcessFunctions: [is.optional(is.componentList('processing')), undefined],
    l: [is.optional(is.posInt), undefined],
    parametersInitMethod: [is.optional(is.string), undefined],
  });
}
/** tinybig's alias `rpn_head` of `head`. */
export const rpnHead = head;

/** Options of `perceptronHead` (tinybig.head.perceptron_head). */
export interface PerceptronHeadOptions {
  m: number;
  n: number;
  channelNum?: number;
  withBspline?: boolean;
  withTaylor?: boolean;
  d?: number;
  withHybridExpansion?: boolean;
  withDualLphm?: boolean;
  withLorr?: boolean;
  r?: number;
  enableBias?: boolean;
  withResidual?: boolean;
  withBatchNorm?: boolean;
  withRelu?: boolean;
  withDropout?: boolean;
  p?: number;
  withSoftmax?: boolean;
  name?: string;
  device?: string;
}
const perceptronHeadSchema = (dflt: { enableBias: boolean; withRelu: boolean; withSoftmax: boolean }): Schema => ({
  ...common,
  m: [is.posInt, required],
  n: [is.posInt, required],
  channelNum: [is.posInt, 1],
  withBspline: [is.bool, false],
  withTaylor: [is.bool, false],
  d: [is.posInt, 2],
  withHybridExpansion: [is.bool, false],
  withDualLphm: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  enableBias: [is.bool, dflt.enableBias],
  withResidual: [is.bool, false],
  withBatchNorm: [is.bool, false],
  withRelu: [is.bool, dflt.withRelu],
  withDropout: [is.bool, true],
  p: [is.number, 0.5],
  withSoftmax: [is.bool, dflt.withSoftmax],
});
/** `tinybig.head.perceptron_head`. */
export function perceptronHead(options: PerceptronHeadOptions): Component<'head', 'perceptron_head', PerceptronHeadOptions> {
  return make('head', 'perceptron_head', options, perceptronHeadSchema({ enableBias: true, withRelu: false, withSoftmax: false }));
}

/** Options of `layer` (tinybig.module.layer). */
export interface LayerOptions {
  m: number;
  n: number;
  /** The heads (distinct modules with their own weights). */
  heads: readonly Component<'head'>[];
  /** Fusion of the heads' outputs (default mean when there is more than one head). */
  headFusion?: Fusion | null;
  /** Number of heads (must equal heads.length when given). */
  width?: number | null;
  name?: string;
  device?: string;
}
/** A generic RPN layer (`layer()`). */
export type Layer = Component<'layer', 'layer', LayerOptions>;
/** `tinybig.module.layer` (alias `rpn_layer`): heads run on the same input, then head fusion. */
export function layer(options: LayerOptions): Layer {
  return make('layer', 'layer', options, {
    ...common,
    m: [is.posInt, required],
    n: [is.posInt, required],
    heads: [is.array(is.component('head')), required],
    headFusion: [is.optional(is.component('fusion')), undefined],
    width: [is.optional(is.posInt), undefined],
  });
}
/** tinybig's alias `rpn_layer` of `layer`. */
export const rpnLayer = layer;

/** Options of `perceptronLayer` (tinybig.layer.perceptron_layer). */
export interface PerceptronLayerOptions extends PerceptronHeadOptions {
  /** Number of (shared, identical) heads, default 1. */
  width?: number;
}
/** `tinybig.layer.perceptron_layer`: `[perceptron_head] * width` (one shared head), mean fusion. Defaults: ReLU, Dropout, Softmax on. */
export function perceptronLayer(options: PerceptronLayerOptions): Component<'layer', 'perceptron_layer', PerceptronLayerOptions> {
  return make('layer', 'perceptron_layer', options, { ...perceptronHeadSchema({ enableBias: true, withRelu: true, withSoftmax: true }), width: [is.posInt, 1] });
}

/** Options of `kanLayer` (tinybig.layer.kan_layer). */
export interface KanLayerOptions {
  m: number;
  n: number;
  gridRange?: readonly number[];
  t?: number;
  d?: number;
  enableBias?: boolean;
  withLorr?: boolean;
  r?: number;
  channelNum?: number;
  width?: number;
  name?: string;
  device?: string;
}
const kanSchema: Schema = {
  ...common,
  gridRange: [is.range, [-1, 1]],
  t: [is.posInt, 5],
  d: [is.nonNegInt, 3],
  enableBias: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  channelNum: [is.posInt, 1],
};
/** Options of `kanHead` (tinybig.head.kan_head). */
export interface KanHeadOptions extends Omit<KanLayerOptions, 'width'> {
  /** BatchNorm1d(n) on the output (list-held in tinybig: batch statistics unless the checkpoint has running statistics). */
  withBatchNorm?: boolean;
  /** Softmax(dim=−1) on the output, after the batch norm. */
  withSoftmax?: boolean;
  parametersInitMethod?: string;
}
/**
 * `tinybig.head.kan_head(m, n, grid_range=(−1,1), t=5, d=3, enable_bias=False, with_lorr=False, r=3, channel_num=1,
 * with_batch_norm=False, with_softmax=False)`: B-spline κ, identity (or lorr) ψ, π(x) = SiLU(x·W_rᵀ), then
 * [BatchNorm1d(n)] and [Softmax] — one head of a `layer` (next to other heads), or a model on its own.
 */
export function kanHead(options: KanHeadOptions): Component<'head', 'kan_head', KanHeadOptions> {
  return make('head', 'kan_head', options, {
    ...kanSchema, m: [is.posInt, required], n: [is.posInt, required],
    withBatchNorm: [is.bool, false], withSoftmax: [is.bool, false], parametersInitMethod: [is.string, 'xavier_normal'],
  });
}

/** `tinybig.layer.kan_layer`: B-spline κ, identity (or lorr) ψ, π(x) = SiLU(x·W_rᵀ). */
export function kanLayer(options: KanLayerOptions): Component<'layer', 'kan_layer', KanLayerOptions> {
  return make('layer', 'kan_layer', options, { ...kanSchema, m: [is.posInt, required], n: [is.posInt, required], width: [is.posInt, 1] });
}

/** Options of `rpn` (tinybig.model.rpn): the layers, in order. */
export interface RpnOptions {
  layers: readonly Component<'layer'>[];
  name?: string;
  device?: string;
}
/** `tinybig.model.rpn`: layers applied in sequence. */
export function rpn(options: RpnOptions): Component<'model', 'rpn', RpnOptions> {
  return make('model', 'rpn', options, { ...common, layers: [is.array(is.component('layer')), required] });
}

/** Options of `mlp` (tinybig.model.mlp). */
export interface MlpOptions {
  dims: readonly number[];
  enableBias?: boolean;
  withTaylor?: boolean;
  d?: number;
  withLorr?: boolean;
  r?: number;
  withResidual?: boolean;
  channelNum?: number;
  width?: number;
  name?: string;
  device?: string;
}
/** `tinybig.model.mlp`: one perceptron_layer per consecutive pair of `dims` (each ends ReLU → Dropout → Softmax). */
export function mlp(options: MlpOptions): Component<'model', 'mlp', MlpOptions> {
  return make('model', 'mlp', options, {
    ...common,
    dims: [is.array(is.posInt), required],
    enableBias: [is.bool, false],
    withTaylor: [is.bool, false],
    d: [is.posInt, 2],
    withLorr: [is.bool, false],
    r: [is.posInt, 3],
    withResidual: [is.bool, false],
    channelNum: [is.posInt, 1],
    width: [is.posInt, 1],
  });
}

/** Options of `kan` (tinybig.model.kan). */
export interface KanOptions extends Omit<KanLayerOptions, 'm' | 'n'> {
  dims: readonly number[];
}
/** `tinybig.model.kan`: one kan_layer per consecutive pair of `dims`. */
export function kan(options: KanOptions): Component<'model', 'kan', KanOptions> {
  return make('model', 'kan', options, { ...kanSchema, dims: [is.array(is.posInt), required], width: [is.posInt, 1] });
}

/** Options of `svmHead` (tinybig.head.svm_head). */
export interface SvmHeadOptions {
  m: number;
  n: number;
  /** κ: 'linear' (identity), 'gaussian_rbf' or 'inverse_quadratic_rbf' (default 'linear'). */
  kernel?: 'linear' | 'gaussian_rbf' | 'inverse_quadratic_rbf';
  baseRange?: readonly number[];
  numInterval?: number;
  epsilon?: number;
  enableBias?: boolean;
  withLorr?: boolean;
  r?: number;
  withResidual?: boolean;
  channelNum?: number;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const svmSchema: Schema = {
  ...common,
  kernel: [is.oneOf('linear', 'gaussian_rbf', 'inverse_quadratic_rbf'), 'linear'],
  baseRange: [is.pair, [-1, 1]],
  numInterval: [is.posInt, 10],
  epsilon: [is.number, 1.0],
  enableBias: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  withResidual: [is.bool, false],
  channelNum: [is.posInt, 1],
};
/**
 * `tinybig.head.svm_head`: identity / RBF κ (by `kernel`), identity (or lorr) ψ, zero (or linear) π,
 * optional BatchNorm1d(n) → Softmax output processing.
 */
export function svmHead(options: SvmHeadOptions & { withBatchNorm?: boolean; withSoftmax?: boolean }): Component<'head', 'svm_head', SvmHeadOptions & { withBatchNorm?: boolean; withSoftmax?: boolean }> {
  return make('head', 'svm_head', options, { ...svmSchema, m: [is.posInt, required], n: [is.posInt, required], parametersInitMethod: [is.string, 'xavier_normal'], withBatchNorm: [is.bool, false], withSoftmax: [is.bool, false] });
}

/** Options of `svmLayer` (tinybig.layer.svm_layer). */
export interface SvmLayerOptions extends SvmHeadOptions {
  /** Number of (shared, identical) heads, default 1. */
  width?: number;
}
/** `tinybig.layer.svm_layer`: `[svm_head] * width` (one shared head), mean fusion. */
export function svmLayer(options: SvmLayerOptions): Component<'layer', 'svm_layer', SvmLayerOptions> {
  return make('layer', 'svm_layer', options, { ...svmSchema, m: [is.posInt, required], n: [is.posInt, required], parametersInitMethod: [is.string, 'xavier_normal'], width: [is.posInt, 1] });
}

/** Options of `svm` (tinybig.model.svm). */
export interface SvmOptions extends Omit<SvmLayerOptions, 'm' | 'n' | 'parametersInitMethod'> {
  dims: readonly number[];
}
/** `tinybig.model.svm` (rpn_svm): one svm_layer per consecutive pair of `dims`. */
export function svm(options: SvmOptions): Component<'model', 'svm', SvmOptions> {
  return make('model', 'svm', options, { ...svmSchema, dims: [is.array(is.posInt), required], width: [is.posInt, 1] });
}

/** Options of `naiveBayesHead` (tinybig.head.naive_bayes_head). */
export interface NaiveBayesHeadOptions {
  m: number;
  n: number;
  /** κ = naive_<distribution>_expansion (default 'normal'). */
  distribution?: 'normal' | 'exponential' | 'cauchy' | 'gamma' | 'chi2' | 'laplace';
  enableBias?: boolean;
  withLorr?: boolean;
  r?: number;
  withResidual?: boolean;
  channelNum?: number;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const naiveBayesSchema: Schema = {
  ...common,
  distribution: [is.oneOf('normal', 'exponential', 'cauchy', 'gamma', 'chi2', 'laplace'), 'normal'],
  enableBias: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  withResidual: [is.bool, false],
  channelNum: [is.posInt, 1],
};
/** `tinybig.head.naive_bayes_head`: naive_<distribution>_expansion κ, identity (or lorr) ψ, zero (or linear) π. */
export function naiveBayesHead(options: NaiveBayesHeadOptions): Component<'head', 'naive_bayes_head', NaiveBayesHeadOptions> {
  return make('head', 'naive_bayes_head', options, { ...naiveBayesSchema, m: [is.posInt, required], n: [is.posInt, required], parametersInitMethod: [is.string, 'xavier_normal'] });
}
/** Options of `naiveBayesLayer` (tinybig.layer.naive_bayes_layer). */
export interface NaiveBayesLayerOptions extends NaiveBayesHeadOptions {
  width?: number;
}
/** `tinybig.layer.naive_bayes_layer`: `[naive_bayes_head] * width` (one shared head), mean fusion. */
export function naiveBayesLayer(options: NaiveBayesLayerOptions): Component<'layer', 'naive_bayes_layer', NaiveBayesLayerOptions> {
  return make('layer', 'naive_bayes_layer', options, { ...naiveBayesSchema, m: [is.posInt, required], n: [is.posInt, required], parametersInitMethod: [is.string, 'xavier_normal'], width: [is.posInt, 1] });
}
/** Options of `naiveBayes` (tinybig.model.naive_bayes). */
export interface NaiveBayesOptions extends Omit<NaiveBayesLayerOptions, 'm' | 'n' | 'parametersInitMethod'> {
  dims: readonly number[];
}
/** `tinybig.model.naive_bayes`: one naive_bayes_layer per consecutive pair of `dims`. */
export function naiveBayes(options: NaiveBayesOptions): Component<'model', 'naive_bayes', NaiveBayesOptions> {
  return make('model', 'naive_bayes', options, { ...naiveBayesSchema, dims: [is.array(is.posInt), required], width: [is.posInt, 1] });
}

/** Options of `pgmHead` (tinybig.head.pgm_head). */
export interface PgmHeadOptions {
  m: number;
  n: number;
  /** Only 'normal' (κ = combinatorial_normal_expansion). */
  distribution?: 'normal';
  d?: number;
  withReplacement?: boolean;
  enableBias?: boolean;
  withLorr?: boolean;
  r?: number;
  withResidual?: boolean;
  channelNum?: number;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const pgmSchema: Schema = {
  ...common,
  distribution: [is.oneOf('normal'), 'normal'],
  d: [is.posInt, 2],
  withReplacement: [is.bool, false],
  enableBias: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  withResidual: [is.bool, false],
  channelNum: [is.posInt, 1],
};
/** `tinybig.head.pgm_head`: combinatorial_normal_expansion(d) κ, identity (or lorr) ψ, zero (or linear) π. */
export function pgmHead(options: PgmHeadOptions): Component<'head', 'pgm_head', PgmHeadOptions> {
  return make('head', 'pgm_head', options, { ...pgmSchema, m: [is.posInt, required], n: [is.posInt, required], parametersInitMethod: [is.string, 'xavier_normal'] });
}
/** Options of `pgmLayer` (tinybig.layer.pgm_layer). */
export interface PgmLayerOptions extends PgmHeadOptions {
  width?: number;
}
/** `tinybig.layer.pgm_layer`: `[pgm_head] * width` (one shared head), mean fusion. */
export function pgmLayer(options: PgmLayerOptions): Component<'layer', 'pgm_layer', PgmLayerOptions> {
  return make('layer', 'pgm_layer', options, { ...pgmSchema, m: [is.posInt, required], n: [is.posInt, required], parametersInitMethod: [is.string, 'xavier_normal'], width: [is.posInt, 1] });
}
/** Options of `pgm` (tinybig.model.pgm). */
export interface PgmOptions extends Omit<PgmLayerOptions, 'm' | 'n' | 'parametersInitMethod'> {
  dims: readonly number[];
}
/** `tinybig.model.pgm` (rpn_pgm): one pgm_layer per consecutive pair of `dims`. */
export function pgm(options: PgmOptions): Component<'model', 'pgm', PgmOptions> {
  return make('model', 'pgm', options, { ...pgmSchema, dims: [is.array(is.posInt), required], width: [is.posInt, 1] });
}
