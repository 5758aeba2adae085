/**
 * Lowering of a chain head's step mixing (rpn2-topological §4.1): rows hold L steps; Ξ_t = Σ_s A[s,t]·V_s mixes the
 * steps of each row, V being (batch·L, w) (the head's κ, or κ·Wᵀ when that is narrower: A acts on steps, W on
 * features, so the two commute). A is an architecture constant (compiler/spec/topology.ts). Two forms, by cost:
 *   banded: A's few non-zero diagonals as shifted slices: Ξ = Σ_k c_k ⊙ shift_k(V) (a plain chain: s·V + shift₁(V));
 *   dense:  one MatMul of Aᵀ (L×L) with V viewed (batch, L, w).
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { topologyMatrix } from '../spec/topology.js';
import type { InterdependenceSpec } from '../spec/types.js';
import type { LowerOptions } from './index.js';
import { denseMixFits, OP_COST } from './cost.js';

export type StepMixForm = 'banded' | 'dense';

interface Diagonal {
  /** t − s: entries A[s, s + k]. */
  k: number;
  /** coefficient for output step t (A[t − k, t]; 0 where t − k is outside the chain). */
  coef: Float64Array;
}

/** A's non-zero diagonals (no dense L × L copy: a chain may have 10⁶ steps). */
function diagonals(ii: InterdependenceSpec): { L: number; diags: Diagonal[] } {
  const a = topologyMatrix(ii.topology!);
  const L = a.size;
  const byK = new Map<number, Float64Array>();
  a.rows.forEach((r, s) => r.forEach((v, t) => {
    const k = t - s;
    if (!byK.has(k)) byK.set(k, new Float64Array(L));
    byK.get(k)![t] = v;
  }));
  const diags = [...byK.entries()].sort((x, y) => x[0] - y[0]).map(([k, coef]) => ({ k, coef }));
  return { L, diags };
}

/** The form the cost model picks for a chain of this shape, with the costs per row (for inspect). */
export function stepMixPlan(ii: InterdependenceSpec, width: number, opts: LowerOptions = {}): { form: StepMixForm; costs: Record<StepMixForm, number> } {
  const { L, diags } = diagonals(ii);
  return planOf(L, diags.length, width, opts);
}

function planOf(L: number, diagonalCount: number, width: number, opts: LowerOptions): { form: StepMixForm; costs: Record<StepMixForm, number> } {
  const batch = Math.max(1, opts.batchHint ?? 1);
  const costs = {
    banded: batch * diagonalCount * L * width * 3 + OP_COST * 4 * diagonalCount,
    dense: batch * L * L * width + 2 * L * L + OP_COST * 3,
  };
  const forced = opts.mixForm === 'banded' || opts.mixForm === 'dense' ? opts.mixForm : undefined;
  const chosen: StepMixForm = forced ?? (opts.opt === false ? 'dense' : costs.banded < costs.dense ? 'banded' : 'dense');
  const form: StepMixForm = chosen === 'dense' && !denseMixFits(L, opts) ? 'banded' : chosen;
  return { form, costs };
}

/** Ξ = Aᵀ-mix of the steps of V (batch·L, w) → (batch·L, w). */
export function lowerStepMix(b: GraphBuilder, v: Value, ii: InterdependenceSpec, width: number, name: string, opts: LowerOptions = {}): Value {
  const { L, diags } = diagonals(ii);
  const v3 = b.reshape(v, [-1, L, width]);
  const { form } = planOf(L, diags.length, width, opts);
  let y: Value;
  if (form === 'dense') {
    const At = new Float32Array(L * L);
    topologyMatrix(ii.topology!).rows.forEach((r, s) => r.forEach((v, t) => (At[t * L + s] = v)));
    y = b.matmul(b.constant(float32s(Array.from(At), [L, L]), `${name}.A_T`), v3, { name: `${name}.step_mix` });
  } else {
    const terms = diags.map(({ k, coef }) => {
      // shift_k(V)[t] = V[t − k] (zero where t − k is outside the chain)
      const shifted = k === 0 ? v3 : k > 0 ? b.pad(b.slice(v3, [0], [L - k], [1]), [0, k, 0, 0, 0, 0]) : b.pad(b.slice(v3, [-k], [L], [1]), [0, 0, 0, 0, -k, 0]);
      const valid = Array.from(coef).filter((_, t) => t - k >= 0 && t - k < L);
      if (valid.every((c) => c === valid[0])) return valid[0] === 1 ? shifted : b.mul(shifted, valid[0]);
      return b.mul(shifted, b.constant(float32s(Array.from(coef), [L, 1]), `${name}.diag${k}`));
    });
    // no diagonal: A = 0 (a nilpotent power, e.g. h ≥ L hops on a chain without self loops); A·V = 0·V (NaN stays NaN)
    y = terms.length ? terms.reduce((acc, t) => b.add(acc, t)) : b.mul(v3, 0);
  }
  return b.reshape(y, [-1, width]);
}
