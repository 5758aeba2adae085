/**
 * Data-independent interdependence functions ξ (tinybig.interdependence, rpn-semantics §11), used by a head's
 * `attributeInterdependence`: Xa = X0·A with A ∈ R^{m×m'} built from constants or from the channel's row of
 * `w_attribute_interdependence`. The κ of the head then sees width m'.
 * Math: `compiler/lower/interdependence.ts` (compiled, folded at compile time) and
 * `runtime/reference/interdependence.ts` (reference).
 *
 * `b`, `bPrime` only matter for the instance type (A' ∈ R^{b×b'} mixes the rows: a head's `instanceInterdependence`,
 * or an instance-type function in its attribute slot), which ties the compiled model to the batch size b.
 * `m` may be omitted inside a head (then the head's m).
 */
import { type Component, is, make, required } from './component.js';

/** A data interdependence function (tinybig.interdependence), applied to the input before the expansion. */
export type Interdependence<T extends string = string, O = Record<string, unknown>> = Component<'interdependence', T, O>;

/** Which axis an interdependence mixes: attributes (columns) or instances (rows), with tinybig's synonyms. */
export type InterdependenceType = 'attribute' | 'attribute_interdependence' | 'column' | 'right' | 'instance' | 'instance_interdependence' | 'row' | 'left';

/** Options every interdependence accepts. */
export interface InterdependenceBase {
  /** Batch size b (instance type only). */
  b?: number;
  /** Input width m (default: the head's m). */
  m?: number;
  /** 'attribute' (default), or 'instance' / 'instance_interdependence' / 'left' (rows; fixes the batch to b). tinybig refuses 'row' and 'column'. */
  interdependenceType?: InterdependenceType;
  name?: string;
  device?: string;
}
/** Options of interdependences with an output size (m', b'). */
export interface InterdependencePrimes extends InterdependenceBase {
  bPrime?: number;
  /** Output width m' (default m). */
  mPrime?: number;
}
type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const TYPES = ['attribute', 'attribute_interdependence', 'column', 'right', 'instance', 'instance_interdependence', 'row', 'left'];
const base: Schema = {
  name: [is.optional(is.string), undefined],
  device: [is.optional(is.string), undefined],
  b: [is.optional(is.posInt), undefined],
  m: [is.optional(is.posInt), undefined],
  interdependenceType: [is.oneOf(...TYPES), 'attribute'],
};
const primes: Schema = { ...base, bPrime: [is.optional(is.posInt), undefined], mPrime: [is.optional(is.posInt), undefined] };

const matrix = (v: unknown): string | undefined =>
  Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length && r.length > 0 && r.every((x) => typeof x === 'number' && Number.isFinite(x)))
    ? undefined
    : 'a non-empty rectangular matrix (array of rows of finite numbers)';

/** `parameterized_interdependence(b, m, b_prime, m_prime)`: A = reshape(w, m×m'), l = m·m'. */
export function parameterizedInterdependence(options: InterdependencePrimes = {}): Interdependence<'parameterized_interdependence'> {
  return make('interdependence', 'parameterized_interdependence', options, primes);
}
/** `lowrank_parameterized_interdependence(r=2)`: A = lorr ψ(w; n=m, D=m'), l = r(m+m'). */
export function lowrankParameterizedInterdependence(options: InterdependencePrimes & { r?: number } = {}): Interdependence<'lowrank_parameterized_interdependence'> {
  return make('interdependence', 'lowrank_parameterized_interdependence', options, { ...primes, r: [is.posInt, 2] });
}
/** `hm_parameterized_interdependence(p, q=p)`: A = hm ψ(w; n=m, D=m'), p | m and q | m'. */
export function hmParameterizedInterdependence(options: InterdependencePrimes & { p: number; q?: number }): Interdependence<'hm_parameterized_interdependence'> {
  return make('interdependence', 'hm_parameterized_interdependence', options, { ...primes, p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `lphm_parameterized_interdependence(r, p, q=p)`: A = lphm ψ(w; n=m, D=m'). */
export function lphmParameterizedInterdependence(options: InterdependencePrimes & { r: number; p: number; q?: number }): Interdependence<'lphm_parameterized_interdependence'> {
  return make('interdependence', 'lphm_parameterized_interdependence', options, { ...primes, r: [is.posInt, required], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `dual_lphm_parameterized_interdependence(r, p, q=p)`: A = dual_lphm ψ(w; n=m, D=m'). */
export function dualLphmParameterizedInterdependence(options: InterdependencePrimes & { r: number; p: number; q?: number }): Interdependence<'dual_lphm_parameterized_interdependence'> {
  return make('interdependence', 'dual_lphm_parameterized_interdependence', options, { ...primes, r: [is.posInt, required], p: [is.posInt, required], q: [is.optional(is.posInt), undefined] });
}
/** `constant_interdependence(b, m, A)`: the given m×m' matrix A (rows = m). */
export function constantInterdependence(options: InterdependenceBase & { A: readonly (readonly number[])[] }): Interdependence<'constant_interdependence'> {
  return make('interdependence', 'constant_interdependence', options, { ...base, A: [matrix, undefined] });
}
/** `constant_c_interdependence(c=1.0, m_prime)`: A = c·1 (m×m'). */
export function constantCInterdependence(options: InterdependencePrimes & { c?: number } = {}): Interdependence<'constant_c_interdependence'> {
  return make('interdependence', 'constant_c_interdependence', options, { ...primes, c: [is.number, 1.0] });
}
/** `zero_interdependence(m_prime)`: A = 0 (m×m'). */
export function zeroInterdependence(options: InterdependencePrimes = {}): Interdependence<'zero_interdependence'> {
  return make('interdependence', 'zero_interdependence', options, primes);
}
/** `one_interdependence(m_prime)`: A = 1 (m×m'). */
export function oneInterdependence(options: InterdependencePrimes = {}): Interdependence<'one_interdependence'> {
  return make('interdependence', 'one_interdependence', options, primes);
}
/** `identity_interdependence(m_prime=m)` (alias `eye_interdependence`): A = eye(m, m') (rectangular). */
export function identityInterdependence(options: InterdependencePrimes = {}): Interdependence<'identity_interdependence'> {
  return make('interdependence', 'identity_interdependence', options, primes);
}
/** tinybig's alias `eye_interdependence` of `identityInterdependence`. */
export const eyeInterdependence = identityInterdependence;
