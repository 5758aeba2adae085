/**
 * Fusion functions (tinybig.fusion): combine the outputs of a head's channels (`channelFusion`)
 * or of a layer's heads (`headFusion`). Math: `compiler/lower/fusion.ts`, `runtime/reference/fusion.ts`.
 */
import { type Component, is, make, required } from './component.js';
import type { ProcessingSlot } from './processing.js';

/** A fusion: combines the outputs of a head's channels or a layer's heads (tinybig.fusion). */
export type Fusion<T extends string = string, O = Record<string, unknown>> = Component<'fusion', T, O>;

/** Options every fusion accepts. */
export interface FusionBase {
  /** Widths of the fused inputs (filled in by rpnc when omitted). */
  dims?: readonly number[] | number | null;
  name?: string;
  preprocessFunctions?: ProcessingSlot | null;
  postprocessFunctions?: ProcessingSlot | null;
  device?: string;
}
type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const base: Schema = {
  dims: [is.optional((v) => (is.posInt(v) === undefined || is.array(is.posInt)(v) === undefined ? undefined : 'a list of positive integers')), undefined],
  name: [is.optional(is.string), undefined],
  preprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  postprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  device: [is.optional(is.string), undefined],
};
function metric<T extends string>(type: T) {
  return (options: FusionBase = {}): Fusion<T> => make('fusion', type, options, base);
}
/** `mean_fusion`: element-wise mean over the inputs (tinybig's default fusion). */
export const meanFusion = metric('mean_fusion');
/** `sum_fusion`: element-wise sum. */
export const sumFusion = metric('sum_fusion');
/** `max_fusion`: element-wise max. */
export const maxFusion = metric('max_fusion');
/** `min_fusion`: element-wise min. */
export const minFusion = metric('min_fusion');
/** `prod_fusion`: element-wise product. */
export const prodFusion = metric('prod_fusion');
/** `median_fusion`: element-wise (lower) median. */
export const medianFusion = metric('median_fusion');
/** `summation_fusion`: Σ_k x_k. */
export const summationFusion = metric('summation_fusion');
/** `average_fusion`: Σ_k x_k / K. */
export const averageFusion = metric('average_fusion');
/** `concatenation_fusion`: [x_0; x_1; …] along the feature axis. */
export const concatenationFusion = metric('concatenation_fusion');
/** `weighted_summation_fusion(weights)`: Σ_k weights[k]·x_k. */
export function weightedSummationFusion(options: FusionBase & { weights?: readonly number[] | null } = {}): Fusion<'weighted_summation_fusion'> {
  return make('fusion', 'weighted_summation_fusion', options, { ...base, weights: [is.optional(is.array(is.number)), undefined] });
}
/** `parameterized_concatenation_fusion(n)`: cat(x)·Wᵀ, W = reshape(w, n×Σdims), l = n·Σdims. */
export function parameterizedConcatenationFusion(options: FusionBase & { n?: number | null } = {}): Fusion<'parameterized_concatenation_fusion'> {
  return make('fusion', 'parameterized_concatenation_fusion', options, { ...base, n: [is.optional(is.posInt), undefined] });
}
/** `lowrank_parameterized_concatenation_fusion(r=2, n)`: W = lorr(w). */
export function lowrankParameterizedConcatenationFusion(options: FusionBase & { n?: number | null; r?: number } = {}): Fusion<'lowrank_parameterized_concatenation_fusion'> {
  return make('fusion', 'lowrank_parameterized_concatenation_fusion', options, { ...base, n: [is.optional(is.posInt), undefined], r: [is.posInt, 2] });
}
/** `hm_parameterized_concatenation_fusion(p, q=p, n)`: W = hm(w). `p` is required (tinybig has no default). */
export function hmParameterizedConcatenationFusion(options: FusionBase & { n?: number | null; p: number; q?: number | null }): Fusion<'hm_parameterized_concatenation_fusion'> {
  return make('fusion', 'hm_parameterized_concatenation_fusion', options, { ...base, n: [is.optional(is.posInt), undefined], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `lphm_parameterized_concatenation_fusion(r, p, q=p, n)`: W = lphm(w). `r` and `p` are required (tinybig has no defaults). */
export function lphmParameterizedConcatenationFusion(options: FusionBase & { n?: number | null; r: number; p: number; q?: number | null }): Fusion<'lphm_parameterized_concatenation_fusion'> {
  return make('fusion', 'lphm_parameterized_concatenation_fusion', options, { ...base, n: [is.optional(is.posInt), undefined], r: [is.posInt, required], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `dual_lphm_parameterized_concatenation_fusion(r, p, q=p, n)`: W = dual_lphm(w). `r` and `p` are required (tinybig has no defaults). */
export function dualLphmParameterizedConcatenationFusion(options: FusionBase & { n?: number | null; r: number; p: number; q?: number | null }): Fusion<'dual_lphm_parameterized_concatenation_fusion'> {
  return make('fusion', 'dual_lphm_parameterized_concatenation_fusion', options, { ...base, n: [is.optional(is.posInt), undefined], r: [is.posInt, required], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/**
 * `random_matrix_adaption_parameterized_concatenation_fusion(r=2, n)`: W = RMA(w) (l = n + r). Its random
 * A (n, r) and B (Σdims, r) are not saved by tinybig: compiling needs them as side-car tensors
 * `…head_fusion.parameter_fabrication.{A,B}` (or `…channel_fusion.parameter_fabrication.{A,B}`).
 */
export function randomMatrixAdaptionParameterizedConcatenationFusion(options: FusionBase & { n?: number | null; r?: number } = {}): Fusion<'random_matrix_adaption_parameterized_concatenation_fusion'> {
  return make('fusion', 'random_matrix_adaption_parameterized_concatenation_fusion', options, { ...base, n: [is.optional(is.posInt), undefined], r: [is.posInt, 2] });
}
/**
 * `parameterized_weighted_summation_fusion(dims)`: y = w[0,0]·x with the parameter `w_channel_fusion` / `w_head_fusion`
 * (1, len(dims)). tinybig's forward only runs with one input; more inputs are refused (RPN2173, tinybig's AssertionError).
 */
export function parameterizedWeightedSummationFusion(options: FusionBase = {}): Fusion<'parameterized_weighted_summation_fusion'> {
  return make('fusion', 'parameterized_weighted_summation_fusion', options, base);
}
