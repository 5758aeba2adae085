/**
 * Processing functions: torch.nn modules used in tinybig's processing slots
 * (head input/output processing, expansion pre/post processing, remainder activations).
 * Factories are named after the torch class in lower camelCase (`ReLU` -> `relu`), options are
 * torch's option names in camelCase with torch's defaults.
 */
import { type Component, is, make, required } from './component.js';

/** A processing function (a torch module such as ReLU or BatchNorm1d) applied to a head's input or output. */
export type ProcessingFunction<T extends string = string, O = Record<string, unknown>> = Component<'processing', T, O>;
/** A processing slot holds one function or a list of them (applied left to right). */
export type ProcessingSlot = ProcessingFunction | readonly ProcessingFunction[];

/** `torch.nn.ReLU`: max(x, 0). */
export function relu(options: { inplace?: boolean } = {}): ProcessingFunction<'ReLU'> {
  return make('processing', 'ReLU', options, { inplace: [is.bool, false] });
}
/** `torch.nn.Sigmoid`: 1 / (1 + exp(-x)). */
export function sigmoid(options: Record<string, never> = {}): ProcessingFunction<'Sigmoid'> {
  return make('processing', 'Sigmoid', options, {});
}
/** `torch.nn.Tanh`. */
export function tanh(options: Record<string, never> = {}): ProcessingFunction<'Tanh'> {
  return make('processing', 'Tanh', options, {});
}
/** `torch.nn.SiLU`: x · sigmoid(x). */
export function silu(options: { inplace?: boolean } = {}): ProcessingFunction<'SiLU'> {
  return make('processing', 'SiLU', options, { inplace: [is.bool, false] });
}
/** `torch.nn.GELU` (erf form by default, `approximate: 'tanh'` for the tanh form). */
export function gelu(options: { approximate?: 'none' | 'tanh' } = {}): ProcessingFunction<'GELU'> {
  return make('processing', 'GELU', options, { approximate: [is.oneOf('none', 'tanh'), 'none'] });
}
/** `torch.nn.LeakyReLU`, default slope 0.01. */
export function leakyRelu(options: { negativeSlope?: number; inplace?: boolean } = {}): ProcessingFunction<'LeakyReLU'> {
  return make('processing', 'LeakyReLU', options, { negativeSlope: [is.number, 0.01], inplace: [is.bool, false] });
}
/** `torch.nn.ELU`, default alpha 1. */
export function elu(options: { alpha?: number; inplace?: boolean } = {}): ProcessingFunction<'ELU'> {
  return make('processing', 'ELU', options, { alpha: [is.number, 1.0], inplace: [is.bool, false] });
}
/** `torch.nn.CELU`, default alpha 1. */
export function celu(options: { alpha?: number; inplace?: boolean } = {}): ProcessingFunction<'CELU'> {
  return make('processing', 'CELU', options, { alpha: [is.number, 1.0], inplace: [is.bool, false] });
}
/** `torch.nn.Softplus`: log(1 + exp(beta·x)) / beta, linear above `threshold`. */
export function softplus(options: { beta?: number; threshold?: number } = {}): ProcessingFunction<'Softplus'> {
  return make('processing', 'Softplus', options, { beta: [is.number, 1.0], threshold: [is.number, 20.0] });
}
/** `torch.nn.Softmax` over `dim` (default -1, the feature axis). */
export function softmax(options: { dim?: number } = {}): ProcessingFunction<'Softmax'> {
  return make('processing', 'Softmax', options, { dim: [is.int, -1] });
}
/** `torch.nn.LogSoftmax` over `dim` (default -1). */
export function logSoftmax(options: { dim?: number } = {}): ProcessingFunction<'LogSoftmax'> {
  return make('processing', 'LogSoftmax', options, { dim: [is.int, -1] });
}
/** `torch.exp` (tinybig's processing string 'exp'): element-wise eˣ. */
export function exp(options: Record<string, never> = {}): ProcessingFunction<'exp'> {
  return make('processing', 'exp', options, {});
}
/** `torch.nn.Identity`. */
export function identity(options: Record<string, never> = {}): ProcessingFunction<'Identity'> {
  return make('processing', 'Identity', options, {});
}
/**
 * `torch.nn.Dropout(p)`. Compiled as the identity (inference). tinybig keeps list-held dropout
 * active at inference, which is not reproducible; rpnc uses eval semantics.
 */
export function dropout(options: { p?: number; inplace?: boolean } = {}): ProcessingFunction<'Dropout'> {
  return make('processing', 'Dropout', options, { p: [is.number, 0.5], inplace: [is.bool, false] });
}
/**
 * `torch.nn.BatchNorm1d(numFeatures)`. With running statistics in the weights (keys
 * `…output_process_functions.<i>.running_mean/running_var/weight/bias`) it is eval-mode
 * normalisation; without them it is tinybig's real behaviour for list-held BatchNorm: batch
 * statistics (biased variance), γ = 1, β = 0.
 */
export function batchNorm1d(options: { numFeatures: number; eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean }): ProcessingFunction<'BatchNorm1d'> {
  return make('processing', 'BatchNorm1d', options, {
    numFeatures: [is.posInt, required],
    eps: [is.number, 1e-5],
    momentum: [is.number, 0.1],
    affine: [is.bool, true],
    trackRunningStats: [is.bool, true],
  });
}
/** `torch.nn.LayerNorm(normalizedShape)` over the last axis; eps 1e-5. */
export function layerNorm(options: { normalizedShape: number | readonly number[]; eps?: number; elementwiseAffine?: boolean }): ProcessingFunction<'LayerNorm'> {
  return make('processing', 'LayerNorm', options, {
    normalizedShape: [(v) => (is.posInt(v) === undefined || (Array.isArray(v) && v.length === 1 && is.posInt(v[0]) === undefined) ? undefined : 'a positive integer (the last axis)'), required],
    eps: [is.number, 1e-5],
    elementwiseAffine: [is.bool, true],
  });
}
