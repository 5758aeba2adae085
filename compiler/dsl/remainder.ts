/**
 * Remainder functions π (tinybig.remainder): added to the head's output.
 * Math: `compiler/lower/remainder.ts` and `runtime/reference/remainder.ts`.
 */
import { type Component, is, make } from './component.js';
import type { ProcessingSlot } from './processing.js';

/** A remainder π: the residual term added to ⟨κ(x), ψ(w)⟩ (tinybig.remainder). */
export type Remainder<T extends string = string, O = Record<string, unknown>> = Component<'remainder', T, O>;

/** Options every remainder accepts. */
export interface RemainderBase {
  name?: string;
  /** Applied to π's result (tinybig `activation_functions`). */
  activationFunctions?: ProcessingSlot | null;
  device?: string;
}
type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const base: Schema = {
  name: [is.optional(is.string), undefined],
  activationFunctions: [is.optional(is.componentList('processing')), undefined],
  device: [is.optional(is.string), undefined],
};

/** `zero_remainder`: nothing is added. */
export function zeroRemainder(options: RemainderBase = {}): Remainder<'zero_remainder'> {
  return make('remainder', 'zero_remainder', options, base);
}
/** `identity_remainder`: π(x) = act(x); needs m = n. */
export function identityRemainder(options: RemainderBase = {}): Remainder<'identity_remainder'> {
  return make('remainder', 'identity_remainder', options, base);
}
/**
 * `linear_remainder`: π(x) = act(x·w_remainderᵀ + b_remainder), `w_remainder` (n, m),
 * `b_remainder` (n,) when `enableBias`. With `requireParameters: false`, π(x) = act(x).
 */
export function linearRemainder(options: RemainderBase & { requireParameters?: boolean; enableBias?: boolean } = {}): Remainder<'linear_remainder'> {
  return make('remainder', 'linear_remainder', options, { ...base, requireParameters: [is.bool, true], enableBias: [is.bool, false] });
}
/** `constant_remainder(c=1.0)`: π(x) = act(c·1_n). */
export function constantRemainder(options: RemainderBase & { c?: number } = {}): Remainder<'constant_remainder'> {
  return make('remainder', 'constant_remainder', options, { ...base, c: [is.number, 1.0] });
}
/** `one_remainder`: π(x) = act(1_n). */
export function oneRemainder(options: RemainderBase = {}): Remainder<'one_remainder'> {
  return make('remainder', 'one_remainder', options, base);
}
