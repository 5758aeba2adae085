/**
 * Chain structures (tinybig.koala.topology.chain), the chain interdependence functions
 * (tinybig.interdependence.topological_interdependence), the chain head and layer
 * (tinybig.head.chain_based_heads, tinybig.layer.chain_based_layers) and the recurrent models
 * `rnn` / `regression_rnn` (tinybig.model.rpn_rnn, rpn_regression_rnn).
 * Options are tinybig's parameter names camelCased, with tinybig's defaults.
 * Math: ../shared/spec/rpn2-topological.md §2.2, §3.1, §4, §5; matrices in `compiler/spec/topology.ts`
 * (compiled) and `runtime/reference/topology.ts` (reference); lowering in `compiler/lower/chain.ts`.
 */
import { type Component, is, make, required } from './component.js';
import type { Interdependence, InterdependenceType } from './interdependence.js';

type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const common: Schema = { name: [is.optional(is.string), undefined], device: [is.optional(is.string), undefined] };

/** A chain structure `chain(length, bi_directional)`: nodes 0…L−1, links t → t+1 (and back when bi-directional). */
export type ChainStructure = Component<'topology', 'chain', { length: number; biDirectional: boolean }>;
/** `tinybig.koala.topology.chain(length, bi_directional=False)`. */
export function chain(options: { length: number; biDirectional?: boolean; name?: string }): ChainStructure {
  return make('topology', 'chain', options, { name: [is.optional(is.string), undefined], length: [is.posInt, required], biDirectional: [is.bool, false] });
}

/** Options every chain interdependence function accepts (tinybig's `chain_interdependence.__init__`). */
export interface ChainInterdependenceOptions {
  /** Batch size b (instance type: rows of A; must equal the chain length). */
  b?: number;
  /** Input width m (attribute type: must equal the chain length). */
  m?: number;
  /** 'instance' (tinybig's default: A mixes the b rows) or 'attribute' (A mixes the m features). */
  interdependenceType?: InterdependenceType;
  /** A `chain({ length, biDirectional })` structure; wins over chainLength / biDirectional. */
  chain?: ChainStructure | null;
  chainLength?: number;
  biDirectional?: boolean;
  normalization?: boolean;
  normalizationMode?: 'row' | 'column' | 'row_column';
  selfDependence?: boolean;
  selfScaling?: number;
  requireData?: boolean;
  requireParameters?: boolean;
  name?: string;
  device?: string;
}
const NORM_MODES = ['row', 'column', 'row_column'];
const TYPES = ['attribute', 'attribute_interdependence', 'column', 'right', 'instance', 'instance_interdependence', 'row', 'left'];
/** Option schema shared by the chain interdependence functions. */
export const chainFunctionSchema: Schema = {
  ...common,
  b: [is.optional(is.posInt), undefined],
  m: [is.optional(is.posInt), undefined],
  interdependenceType: [is.oneOf(...TYPES), 'instance'],
  chain: [is.optional(is.component('topology')), undefined],
  chainLength: [is.optional(is.posInt), undefined],
  biDirectional: [is.bool, false],
  normalization: [is.bool, false],
  normalizationMode: [is.oneOf(...NORM_MODES), 'row'],
  selfDependence: [is.bool, true],
  selfScaling: [is.number, 1.0],
  requireData: [is.bool, false],
  requireParameters: [is.bool, false],
};

/** `chain_interdependence`: A = B + selfScaling·I (B = S, or S + Sᵀ bi-directional), then degree normalization if asked. */
export function chainInterdependence(options: ChainInterdependenceOptions = {}): Interdependence<'chain_interdependence'> {
  return make('interdependence', 'chain_interdependence', options, chainFunctionSchema);
}
/** `multihop_chain_interdependence(h=1, accumulative=False)`: M₁^h or Σ_{k=1..h} M₁^k (M₁ built with selfScaling 1, as tinybig does). */
export function multihopChainInterdependence(options: ChainInterdependenceOptions & { h?: number; accumulative?: boolean } = {}): Interdependence<'multihop_chain_interdependence'> {
  return make('interdependence', 'multihop_chain_interdependence', options, { ...chainFunctionSchema, h: [is.nonNegInt, 1], accumulative: [is.bool, false] });
}
/** `inverse_approx_multihop_chain_interdependence`: (I − S)⁻¹, or colnorm(Σ_{k=1}^{L−1} (S+Sᵀ)^k) bi-directional; no self loops. */
export function inverseApproxMultihopChainInterdependence(options: ChainInterdependenceOptions = {}): Interdependence<'inverse_approx_multihop_chain_interdependence'> {
  return make('interdependence', 'inverse_approx_multihop_chain_interdependence', options, chainFunctionSchema);
}
/** `exponential_approx_multihop_chain_interdependence`: expm(B); no self loops. */
export function exponentialApproxMultihopChainInterdependence(options: ChainInterdependenceOptions = {}): Interdependence<'exponential_approx_multihop_chain_interdependence'> {
  return make('interdependence', 'exponential_approx_multihop_chain_interdependence', options, chainFunctionSchema);
}

/** Options of `chainInterdependenceHead` (tinybig.head.chain_based_heads.chain_interdependence_head). */
export interface ChainInterdependenceHeadOptions {
  /** Per-step input width (the row holds chainLength·m values, step-major). */
  m: number;
  /** Per-step output width (the head outputs chainLength·n values). */
  n: number;
  chainLength: number;
  /** tinybig crashes for channelNum > 1 (rpnc refuses it). */
  channelNum?: number;
  biDirectional?: boolean;
  withMultihop?: boolean;
  h?: number;
  accumulative?: boolean;
  withInverseApprox?: boolean;
  withExponentialApprox?: boolean;
  selfDependence?: boolean;
  selfScaling?: number;
  /** Accepted and ignored, as in tinybig (the chain head always uses the identity expansion). */
  withTaylor?: boolean;
  d?: number;
  withDualLphm?: boolean;
  withLorr?: boolean;
  r?: number;
  enableBias?: boolean;
  withResidual?: boolean;
  /** tinybig crashes with BatchNorm on a chain head (rpnc refuses it). */
  withBatchNorm?: boolean;
  withRelu?: boolean;
  /** Softmax over all chainLength·n outputs of a row (tinybig's dim=-1 on the flattened row). */
  withSoftmax?: boolean;
  withDropout?: boolean;
  p?: number;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const chainFlags: Schema = {
  ...common,
  chainLength: [is.posInt, required],
  channelNum: [is.posInt, 1],
  biDirectional: [is.bool, false],
  withMultihop: [is.bool, false],
  h: [is.nonNegInt, 1],
  accumulative: [is.bool, false],
  withInverseApprox: [is.bool, false],
  withExponentialApprox: [is.bool, false],
  selfDependence: [is.bool, true],
  selfScaling: [is.number, 1.0],
  withDualLphm: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  enableBias: [is.bool, false],
  withResidual: [is.bool, false],
  withBatchNorm: [is.bool, false],
  withRelu: [is.bool, true],
  withSoftmax: [is.bool, true],
  withDropout: [is.bool, false],
  p: [is.number, 0.25],
  parametersInitMethod: [is.string, 'xavier_normal'],
};
const headSchema: Schema = { ...chainFlags, m: [is.posInt, required], n: [is.posInt, required], withTaylor: [is.bool, false], d: [is.posInt, 2] };

/** `chain_interdependence_head`: per step Ξ = Aᵀ-mix of the steps, Y_t = Ξ_t·Wᵀ (+ b) (+ X_t·W_rᵀ), then ReLU, Dropout, Softmax over the row. */
export function chainInterdependenceHead(options: ChainInterdependenceHeadOptions): Component<'head', 'chain_interdependence_head', ChainInterdependenceHeadOptions> {
  return make('head', 'chain_interdependence_head', options, headSchema);
}

/** Options of `chainInterdependenceLayer` (tinybig.layer.chain_based_layers.chain_interdependence_layer). */
export interface ChainInterdependenceLayerOptions extends Omit<ChainInterdependenceHeadOptions, 'withTaylor' | 'd'> {
  /** Number of (shared) heads: `[head] * width`, mean-fused. */
  width?: number;
}
/** `chain_interdependence_layer`: `[chain_interdependence_head] * width` with mean fusion. Input L·m, output L·n. */
export function chainInterdependenceLayer(options: ChainInterdependenceLayerOptions): Component<'layer', 'chain_interdependence_layer', ChainInterdependenceLayerOptions> {
  return make('layer', 'chain_interdependence_layer', options, { ...chainFlags, m: [is.posInt, required], n: [is.posInt, required], width: [is.posInt, 1] });
}

/** Options of `rnn` / `regressionRnn` (tinybig.model.rpn_rnn / rpn_regression_rnn). */
export interface RnnOptions extends Omit<ChainInterdependenceHeadOptions, 'm' | 'n'> {
  /** Per-step widths [m, hidden…, out]. */
  dims: readonly number[];
  width?: number;
  withBspline?: boolean;
  withHybridExpansion?: boolean;
  /** Accepted and ignored, as in tinybig. */
  withDualLphmInterdependence?: boolean;
  withLorrInterdependence?: boolean;
  rInterdependence?: number;
}
const rnnSchema: Schema = {
  ...chainFlags,
  dims: [is.array(is.posInt), required],
  width: [is.posInt, 1],
  withBspline: [is.bool, false],
  withTaylor: [is.bool, false],
  d: [is.posInt, 2],
  withHybridExpansion: [is.bool, false],
  withDualLphmInterdependence: [is.bool, false],
  withLorrInterdependence: [is.bool, false],
  rInterdependence: [is.posInt, 3],
};
/** `rnn(chain_length, dims)`: per step perceptron layers and chain layers alternating, then the mean over the steps and an output perceptron layer. */
export function rnn(options: RnnOptions): Component<'model', 'rnn', RnnOptions> {
  return make('model', 'rnn', options, rnnSchema);
}
/** `regression_rnn(chain_length, dims)`: as `rnn`, but the output layer reads the whole flattened sequence (m = dims[-2]·chainLength). */
export function regressionRnn(options: RnnOptions): Component<'model', 'regression_rnn', RnnOptions> {
  return make('model', 'regression_rnn', options, rnnSchema);
}
