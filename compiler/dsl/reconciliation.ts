/**
 * Parameter reconciliations ψ (tinybig.reconciliation): fabricate the n×D matrix W from a 1×l row w.
 * Math: `compiler/lower/reconciliation.ts` (compiled, folded at compile time) and
 * `runtime/reference/reconciliation.ts` (reference).
 */
import { type Component, is, make } from './component.js';

/** A parameter reconciliation ψ: w ∈ R^l -> an (n × D) matrix (tinybig.reconciliation), folded at compile time. */
export type Reconciliation<T extends string = string, O = Record<string, unknown>> = Component<'reconciliation', T, O>;

/** Options every reconciliation accepts. */
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
/**
 * `masking_reconciliation(p=0.5, fixed_mask=True)`: W = reshape(w, n×D) ⊙ M, l = n·D, `p` = keep probability.
 * tinybig draws the 0/1 mask M from the global RNG at the first forward and does not save it: compiling needs
 * it as a side-car tensor `…parameter_fabrication.mask_matrix` (n, D). `fixedMask: false` redraws M at every
 * call (non-deterministic) and is refused.
 */
export function maskingReconciliation(options: ReconciliationBase & { p?: number; fixedMask?: boolean } = {}): Reconciliation<'masking_reconciliation'> {
  return make('reconciliation', 'masking_reconciliation', options, sch({ p: [is.number, 0.5], fixedMask: [is.bool, true] }));
}
/**
 * `duplicated_diagonal_padding_reconciliation(p=2, q=p)`: W = I_n ⊗ w (block diagonal), l = D/q.
 * tinybig only runs it for p = q = n.
 */
export function duplicatedDiagonalPaddingReconciliation(options: ReconciliationBase & { p?: number; q?: number } = {}): Reconciliation<'duplicated_diagonal_padding_reconciliation'> {
  return make('reconciliation', 'duplicated_diagonal_padding_reconciliation', options, sch({ p: [is.posInt, 2], q: [is.optional(is.posInt), undefined] }));
}
/**
 * `random_matrix_adaption_reconciliation(r=2)`: W = diag(w[0:n])·A·diag(w[n:n+r])·Bᵀ, l = n + r.
 * A (n, r) and B (D, r) are drawn by tinybig from the global RNG at the first forward and not saved:
 * compiling needs them as side-car tensors `…parameter_fabrication.A` / `.B`.
 */
export function randomMatrixAdaptionReconciliation(options: ReconciliationBase & { r?: number } = {}): Reconciliation<'random_matrix_adaption_reconciliation'> {
  return make('reconciliation', 'random_matrix_adaption_reconciliation', options, sch({ r: [is.posInt, 2] }));
}
/**
 * `random_matrix_hypernet_reconciliation(r=2, l=64, hidden_dim=128)`: W = reshape_{n×D}(σ(w·P·Qᵀ)·S·Tᵀ), l fixed.
 * P (l, r), Q (hidden, r), S (hidden, r), T (n·D, r) are random and not saved by tinybig: compiling needs them
 * as side-car tensors `…parameter_fabrication.{P,Q,S,T}`.
 */
export function randomMatrixHypernetReconciliation(options: ReconciliationBase & { r?: number; l?: number; hiddenDim?: number } = {}): Reconciliation<'random_matrix_hypernet_reconciliation'> {
  return make('reconciliation', 'random_matrix_hypernet_reconciliation', options, sch({ r: [is.posInt, 2], l: [is.posInt, 64], hiddenDim: [is.posInt, 128] }));
}
/**
 * `hypernet_reconciliation(l=64, hidden_dim=128, static=True)`: W = reshape_{n×D}(L2(σ(L1(w)))), l fixed.
 * The MLP is in the state_dict as `…parameter_fabrication.net.{0,2}.{weight,bias}` once tinybig has run one
 * forward (it is created lazily).
 */
export function hypernetReconciliation(options: ReconciliationBase & { l?: number; hiddenDim?: number; static?: boolean } = {}): Reconciliation<'hypernet_reconciliation'> {
  return make('reconciliation', 'hypernet_reconciliation', options, sch({ l: [is.posInt, 64], hiddenDim: [is.posInt, 128], static: [is.bool, true] }));
}
