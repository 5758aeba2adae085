/**
 * Parameter reconciliations ψ (tinybig.reconciliation): fabricate the n×D matrix W from a 1×l row w.
 * Math: `compiler/lower/reconciliation.ts` (compiled, folded at compile time) and
 * `runtime/reference/reconciliation.ts` (reference).
 */
import { type Component, is, make } from './component.js';

export type Reconciliation<T extends string = string, O = Record<string, unknown>> = Component<'reconciliation', T, O>;

export interface ReconciliationBase {
  name?: string;
  /** Create the head's bias `b` (n,) (default false). */
  enableBias?: boolean;
  device?: string;
}
type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const base: Schema = { name: [is.optional(is.string), undefined], enableBias: [is.bool, false], device: [is.optional(is.string), undefined] };
const sch = (extra: Schema): Schema => ({ ...base, ...extra });

/** `identity_reconciliation`: W = reshape(w, n×D), l = n·D. */
export function identityReconciliation(options: ReconciliationBase = {}): Reconciliation<'identity_reconciliation'> {
  return make('reconciliation', 'identity_reconciliation', options, sch({}));
}
/** `lorr_reconciliation(r=2)`: W = A·B with A = w[0:rn] as n×r, B = w[rn:] as r×D, l = r(n+D). */
export function lorrReconciliation(options: ReconciliationBase & { r?: number } = {}): Reconciliation<'lorr_reconciliation'> {
  return make('reconciliation', 'lorr_reconciliation', options, sch({ r: [is.posInt, 2] }));
}
/** `constant_reconciliation(c=1.0)`: W = c·1, no parameters. */
export function constantReconciliation(options: ReconciliationBase & { c?: number } = {}): Reconciliation<'constant_reconciliation'> {
  return make('reconciliation', 'constant_reconciliation', options, sch({ c: [is.number, 1.0] }));
}
/** `zero_reconciliation`: W = 0. */
export function zeroReconciliation(options: ReconciliationBase = {}): Reconciliation<'zero_reconciliation'> {
  return make('reconciliation', 'zero_reconciliation', options, sch({}));
}
/** `one_reconciliation`: W = 1. */
export function oneReconciliation(options: ReconciliationBase = {}): Reconciliation<'one_reconciliation'> {
  return make('reconciliation', 'one_reconciliation', options, sch({}));
}
/** `constant_eye_reconciliation`: W = rectangular identity. */
export function constantEyeReconciliation(options: ReconciliationBase = {}): Reconciliation<'constant_eye_reconciliation'> {
  return make('reconciliation', 'constant_eye_reconciliation', options, sch({}));
}
/** `duplicated_padding_reconciliation(p=2, q=p)`: W is w tiled row-major, l = (n/p)(D/q). */
export function duplicatedPaddingReconciliation(options: ReconciliationBase & { p?: number; q?: number } = {}): Reconciliation<'duplicated_padding_reconciliation'> {
  return make('reconciliation', 'duplicated_padding_reconciliation', options, sch({ p: [is.posInt, 2], q: [is.optional(is.posInt), undefined] }));
}
/** `hm_reconciliation(p=fcf(n), q=fcf(D))`: W = reshape(outer(a, β)), l = pq + st. */
export function hmReconciliation(options: ReconciliationBase & { p?: number; q?: number } = {}): Reconciliation<'hm_reconciliation'> {
  return make('reconciliation', 'hm_reconciliation', options, sch({ p: [is.optional(is.posInt), undefined], q: [is.optional(is.posInt), undefined] }));
}
/** `lphm_reconciliation(p, q, r=2)`: l = pq + r(s+t). */
export function lphmReconciliation(options: ReconciliationBase & { p?: number; q?: number; r?: number } = {}): Reconciliation<'lphm_reconciliation'> {
  return make('reconciliation', 'lphm_reconciliation', options, sch({ p: [is.optional(is.posInt), undefined], q: [is.optional(is.posInt), undefined], r: [is.posInt, 2] }));
}
/** `dual_lphm_reconciliation(p, q, r=2)`: l = r(p+q+s+t). */
export function dualLphmReconciliation(options: ReconciliationBase & { p?: number; q?: number; r?: number } = {}): Reconciliation<'dual_lphm_reconciliation'> {
  return make('reconciliation', 'dual_lphm_reconciliation', options, sch({ p: [is.optional(is.posInt), undefined], q: [is.optional(is.posInt), undefined], r: [is.posInt, 2] }));
}
