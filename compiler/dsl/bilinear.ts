/**
 * Parameterized data-dependent interdependences (spec rpn2-bilinear-kernel §3, §6, §7, §8):
 * the bilinear family A = Zᵀ·W·Z with W = ψ(w) (tinybig's attention), hybrid_interdependence,
 * parameterized_rpn_interdependence, and the attention head / layer / `transformer` model built on them.
 * W = ψ(w) is folded at compile time; A is computed from the batch at run time.
 * Math: `compiler/lower/bilinear.ts` (compiled) and `runtime/reference/bilinear.ts` (reference).
 */
import { type Component, is, make, required } from './component.js';
import type { Expansion } from './expansion.js';
import type { Fusion } from './fusion.js';
import type { Interdependence } from './interdependence.js';
import { dataSchema } from './data-schema.js';
import type { DataInterdependenceBase } from './kernel.js';
import type { Reconciliation } from './reconciliation.js';

type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const bilinear = dataSchema('instance');

/** `parameterized_bilinear_interdependence(b, m)`: A = Zᵀ·W·Z, W = reshape(w, d×d) (d = b for the attribute type — which fixes the batch —, m for the instance type, the default). */
export function parameterizedBilinearInterdependence(options: DataInterdependenceBase = {}): Interdependence<'parameterized_bilinear_interdependence'> {
  return make('interdependence', 'parameterized_bilinear_interdependence', options, bilinear);
}
/** `lowrank_parameterized_bilinear_interdependence(r=2)`: W = lorr ψ(w; d, d), l = 2·r·d. */
export function lowrankParameterizedBilinearInterdependence(options: DataInterdependenceBase & { r?: number } = {}): Interdependence<'lowrank_parameterized_bilinear_interdependence'> {
  return make('interdependence', 'lowrank_parameterized_bilinear_interdependence', options, { ...bilinear, r: [is.posInt, 2] });
}
/** `hm_parameterized_bilinear_interdependence(p, q=p)`: W = hm ψ(w; d, d); p | d and q | d (p required: no default). */
export function hmParameterizedBilinearInterdependence(options: DataInterdependenceBase & { p: number; q?: number }): Interdependence<'hm_parameterized_bilinear_interdependence'> {
  return make('interdependence', 'hm_parameterized_bilinear_interdependence', options, { ...bilinear, p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `lphm_parameterized_bilinear_interdependence(r, p, q=p)`: W = lphm ψ(w; d, d). */
export function lphmParameterizedBilinearInterdependence(options: DataInterdependenceBase & { r: number; p: number; q?: number }): Interdependence<'lphm_parameterized_bilinear_interdependence'> {
  return make('interdependence', 'lphm_parameterized_bilinear_interdependence', options, { ...bilinear, r: [is.posInt, required], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `dual_lphm_parameterized_bilinear_interdependence(r, p, q=p)`: W = dual_lphm ψ(w; d, d). */
export function dualLphmParameterizedBilinearInterdependence(options: DataInterdependenceBase & { r: number; p: number; q?: number }): Interdependence<'dual_lphm_parameterized_bilinear_interdependence'> {
  return make('interdependence', 'dual_lphm_parameterized_bilinear_interdependence', options, { ...bilinear, r: [is.posInt, required], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/**
 * `random_matrix_adaption_parameterized_bilinear_interdependence(r=2)`: W = diag(w[:d])·A·diag(w[d:])·Bᵀ with
 * A, B (d×r) drawn by tinybig at the first forward: side-car tensors `…_interdependence.parameter_fabrication.{A,B}`.
 */
export function randomMatrixAdaptionParameterizedBilinearInterdependence(options: DataInterdependenceBase & { r?: number } = {}): Interdependence<'random_matrix_adaption_parameterized_bilinear_interdependence'> {
  return make('interdependence', 'random_matrix_adaption_parameterized_bilinear_interdependence', options, { ...bilinear, r: [is.posInt, 2] });
}

/**
 * `hybrid_interdependence(b, m, interdependence_functions, fusion_function)`: A = fusion(A_1, …, A_K) of its members'
 * matrices (the members take the hybrid's b, m and type). Only the instance type with at least one parameterized
 * member runs in tinybig (the attribute type and parameter-free members raise there, and are refused).
 */
export function hybridInterdependence(options: DataInterdependenceBase & { interdependenceFunctions: readonly Interdependence[]; fusionFunction: Fusion }): Interdependence<'hybrid_interdependence'> {
  return make('interdependence', 'hybrid_interdependence', options, {
    ...dataSchema('attribute'),
    interdependenceFunctions: [is.optional(is.array(is.component('interdependence'))), undefined],
    fusionFunction: [is.optional(is.component('fusion')), undefined],
  });
}
/**
 * `parameterized_rpn_interdependence(b, m, data_transformation, parameter_fabrication, b_prime=b, m_prime=m)`:
 * A = κ'(Zᵀ)·ψ'(w)ᵀ — m×m' (attribute type) or b×b' (instance type, b' output rows); the batch is fixed to b.
 */
export function parameterizedRpnInterdependence(options: DataInterdependenceBase & { dataTransformation: Expansion; parameterFabrication: Reconciliation; bPrime?: number; mPrime?: number }): Interdependence<'parameterized_rpn_interdependence'> {
  return make('interdependence', 'parameterized_rpn_interdependence', options, {
    ...dataSchema('attribute'),
    dataTransformation: [is.optional(is.component('expansion')), undefined],
    parameterFabrication: [is.optional(is.component('reconciliation')), undefined],
    bPrime: [is.optional(is.posInt), undefined],
    mPrime: [is.optional(is.posInt), undefined],
  });
}

/** Options of `bilinearInterdependenceHead` (tinybig.head.bilinear_interdependence_head). */
export interface BilinearInterdependenceHeadOptions {
  m: number;
  n: number;
  /** Stored by tinybig, never read by the attention (any batch runs). */
  batchNum?: number | null;
  channelNum?: number;
  withDualLphmInterdependence?: boolean;
  withLorrInterdependence?: boolean;
  rInterdependence?: number;
  withTaylor?: boolean;
  d?: number;
  withDualLphm?: boolean;
  withLorr?: boolean;
  r?: number;
  enableBias?: boolean;
  withResidual?: boolean;
  withBatchNorm?: boolean;
  withRelu?: boolean;
  withSoftmax?: boolean;
  withDropout?: boolean;
  p?: number;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const headSchema = (dflt: Partial<Record<keyof BilinearInterdependenceHeadOptions, unknown>>): Schema => ({
  name: [is.optional(is.string), undefined],
  device: [is.optional(is.string), undefined],
  m: [is.posInt, required],
  n: [is.posInt, required],
  batchNum: [is.optional(is.posInt), undefined],
  channelNum: [is.posInt, 1],
  withDualLphmInterdependence: [is.bool, false],
  withLorrInterdependence: [is.bool, dflt.withLorrInterdependence ?? false],
  rInterdependence: [is.posInt, 3],
  withTaylor: [is.bool, false],
  d: [is.posInt, 2],
  withDualLphm: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  enableBias: [is.bool, dflt.enableBias ?? false],
  withResidual: [is.bool, dflt.withResidual ?? false],
  withBatchNorm: [is.bool, dflt.withBatchNorm ?? false],
  withRelu: [is.bool, true],
  withSoftmax: [is.bool, true],
  withDropout: [is.bool, dflt.withDropout ?? false],
  p: [is.number, 0.25],
  parametersInitMethod: [is.optional(is.string), undefined],
});
/**
 * `tinybig.head.bilinear_interdependence_head`: attention across the rows of the batch. Instance interdependence
 * A = X0·W·X0ᵀ (W: plain, lorr or dual_lphm), post-processed by a √n-scaled, zero-masked column softmax; then
 * κ (identity or taylor), ψ (identity, lorr or dual_lphm), optional residual and output processing.
 * tinybig 0.2.1 cannot run it (`mask_zero` keyword, TypeError): rpnc compiles the evident intent (`mask_zeros`) and warns.
 */
export function bilinearInterdependenceHead(options: BilinearInterdependenceHeadOptions): Component<'head', 'bilinear_interdependence_head', BilinearInterdependenceHeadOptions> {
  return make('head', 'bilinear_interdependence_head', options, headSchema({}));
}
/** `tinybig.layer.bilinear_interdependence_layer`: `[bilinear_interdependence_head] * width` (one shared head) and a parameterized concatenation head fusion (even for width 1). */
export function bilinearInterdependenceLayer(options: BilinearInterdependenceHeadOptions & { width?: number }): Component<'layer', 'bilinear_interdependence_layer', BilinearInterdependenceHeadOptions & { width?: number }> {
  return make('layer', 'bilinear_interdependence_layer', options, { ...headSchema({}), width: [is.posInt, 1] });
}
/** Options of `transformer` (tinybig.model.transformer). */
export interface TransformerOptions extends Omit<BilinearInterdependenceHeadOptions, 'm' | 'n'> {
  /** Widths of the attention blocks: one bilinear_interdependence_layer + perceptron_layer per consecutive pair. */
  dims: readonly number[];
  /** Widths of the final perceptron layers, starting from dims[-1]. */
  fcDims: readonly number[];
  width?: number;
}
/**
 * `tinybig.model.transformer(dims, fc_dims)`: per consecutive pair of `dims` a bilinear_interdependence_layer and a
 * perceptron_layer, then perceptron layers over `[dims[-1]] + fcDims`. Attention runs across the rows of the batch.
 */
export function transformer(options: TransformerOptions): Component<'model', 'transformer', TransformerOptions> {
  const s = headSchema({ withLorrInterdependence: true, enableBias: true, withResidual: true, withBatchNorm: true, withDropout: true });
  delete s.m;
  delete s.n;
  return make('model', 'transformer', options, {
    ...s,
    dims: [is.array(is.posInt), required],
    fcDims: [is.array(is.posInt), required],
    width: [is.posInt, 1],
  });
}
