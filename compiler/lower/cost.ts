/**
 * The fabrication strategy: for each head, how ψ(w) reaches the runtime product κ(x)·Wᵀ.
 *
 *   dense                       W (n×D) folded to one constant; one MatMul.
 *   lorr-factored               W = A·B never formed: (κ·Bᵀ)·Aᵀ, two thin MatMuls; stores r(n+D).
 *   hm-factored                 hm / lphm / dual_lphm: W = reshape(outer(a, β)) applied by reshaping κ
 *                               into blocks (see `blockLayout`): two thin MatMuls with β and with C
 *                               (q1·s1 × n, built from a).
 *   duplicated-padding-factored W tiles w: the same block form with a = 1.
 *   runtime-fabricated          ψ kept unfolded in the file (only w stored), W rebuilt each forward;
 *                               `--optimize size` picks it when every factored form stores more.
 *
 * Cost (speed): batch·FLOPs + constant floats read + a fixed cost per runtime op; (size): stored
 * floats, ties broken by the speed estimate. `opt: false` always gives `dense`.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { ExpansionSpec, HeadSpec, ModelSpec, ReconciliationSpec } from '../spec/types.js';
import type { LowerOptions } from './index.js';
import { sizeLimits } from '../spec/limits.js';

// ---- expansion forms ---------------------------------------------------------------------------
//
// Some expansions have more than one lowering; the cost is elementwise work per sample (element-ops:
// the elements each runtime op touches, summed) plus the per-op cost. `--no-opt` keeps the first form.
//   bspline-recursive  Cox–de Boor knot-major: ≈ (7d + 5)·(t + 2d + 1)·m element-ops + a transpose.
//   bspline-cardinal   the closed form on the uniform knots (expansion.ts `bsplineCardinal`), 1 ≤ d ≤ 3:
//                      (3 + (⌈(d+1)/2⌉)·(d = 1 ? 2 : 4))·(t + d)·m element-ops, no transpose.

export type ExpansionForm = 'direct' | 'bspline-recursive' | 'bspline-cardinal';

export interface ExpansionFormCost {
  form: ExpansionForm;
  elementOpsPerSample: number;
  ops: number;
}

export function expansionForms(e: ExpansionSpec): ExpansionFormCost[] {
  if (e.type !== 'bspline_expansion') return [{ form: 'direct', elementOpsPerSample: 0, ops: 0 }];
  const t = e.options.t as number;
  const d = e.options.d as number;
  const K = t + 2 * d + 1;
  const out: ExpansionFormCost[] = [{ form: 'bspline-recursive', elementOpsPerSample: ((7 * d + 5) * K + (t + d)) * e.m, ops: 5 + 7 * d + 2 }];
  if (d >= 1 && d <= 3) {
    const terms = Math.ceil((d + 1) / 2);
    const perTerm = d === 1 ? 2 : 4; // Sub, Relu, (Pow, ±coefficient)
    out.push({ form: 'bspline-cardinal', elementOpsPerSample: (3 + terms * perTerm) * (t + d) * e.m, ops: 3 + terms * perTerm + 1 });
  }
  return out;
}

/** The form of expansion `e` under these options: the cheapest by element-ops (ties: the first), the first with `--no-opt`. */
export function expansionForm(e: ExpansionSpec, opts: LowerOptions = {}): ExpansionForm {
  const c = expansionForms(e);
  if (opts.opt === false) return c[0].form;
  const cost = (f: ExpansionFormCost) => f.elementOpsPerSample + OP_COST * f.ops;
  return c.reduce((best, f) => (cost(f) < cost(best) ? f : best)).form;
}

/** The lowering options of a builder (set by `lowerModel`), for the component lowerings that choose a form. */
const builderOptions = new WeakMap<GraphBuilder, LowerOptions>();
export function setLowerOptions(b: GraphBuilder, opts: LowerOptions): void {
  builderOptions.set(b, opts);
}
export function lowerOptionsOf(b: GraphBuilder): LowerOptions {
  return builderOptions.get(b) ?? {};
}

export type FabricationForm = 'dense' | 'lorr-factored' | 'hm-factored' | 'duplicated-padding-factored' | 'runtime-fabricated';

export interface FabricationChoice {
  layer: number;
  head: number;
  /** Reconciliation type, or 'none' for a head without one. */
  reconciliation: string;
  form: FabricationForm | 'none';
  /** Floats of the folded dense W, all channels. */
  denseParams: number;
  /** Floats this form stores in the file, all channels. */
  storedParams: number;
  /** FLOPs of applying W (or its factors) to one sample, all channels. */
  flopsPerSample: number;
  /** How the head's expansion is lowered (expansionForm): 'direct', or one of its forms, e.g. 'bspline-cardinal'. */
  expansionForm: ExpansionForm;
}

/** One candidate's costs for one channel. */
export interface FormCost {
  form: FabricationForm;
  stored: number;
  flopsPerSample: number;
  /** Work done once per forward whatever the batch (rebuilding factors / W). */
  flopsPerForward: number;
  ops: number;
}

/** Fixed cost of one runtime op and of reading one constant float, in FLOP equivalents. */
export const OP_COST = 4000;
export const FLOAT_READ_COST = 2;

/** Whether a dense n × n mixing matrix (a chain's steps, a graph's nodes) fits the tensor limit: else a sparse form is used, whatever was asked. */
export function denseMixFits(n: number, opts: LowerOptions): boolean {
  return n * n <= (opts.maxParams ?? sizeLimits().maxParams);
}

/**
 * Block layout of W = reshape_{n×D}(outer(a, β)), a ∈ R^{pq}, β ∈ R^{st}, n = ps, D = qt.
 * With c = gcd(q, s): κ (batch, D) is read as (batch, q1, t1) blocks, β as (s1, t1), t1 = c·t,
 * q1 = q/c, s1 = s/c. Then Z = κ₃·β₂ᵀ (batch, q1, s1); block g = i·q1 + j = u·s1 + v of row i
 * holds a[u]·Z[j, v], so y = Z·C with a constant C (q1·s1 × n) built from a (reconciliation.ts).
 * `mix`: q1 > 1 and s1 > 1, where a row's blocks straddle entries of a.
 */
export interface BlockLayout {
  p: number;
  q: number;
  s: number;
  t: number;
  q1: number;
  s1: number;
  t1: number;
  groups: number;
  mix: boolean;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function blockLayout(r: ReconciliationSpec): BlockLayout {
  const p = r.options.p as number;
  const q = (r.options.q as number | undefined) ?? p;
  const s = r.n / p;
  const t = r.D / q;
  const c = gcd(q, s);
  const q1 = q / c;
  const s1 = s / c;
  return { p, q, s, t, q1, s1, t1: c * t, groups: r.n / s1, mix: q1 > 1 && s1 > 1 };
}

const HM_FAMILY = new Set(['hm_reconciliation', 'lphm_reconciliation', 'dual_lphm_reconciliation']);

/** Every form that can apply this reconciliation, with its costs per channel. */
export function candidateForms(r: ReconciliationSpec): FormCost[] {
  const { n, D, l } = r;
  const out: FormCost[] = [{ form: 'dense', stored: n * D, flopsPerSample: 2 * n * D, flopsPerForward: 0, ops: 1 }];
  if (r.type === 'lorr_reconciliation') {
    const rank = r.options.r as number;
    out.push({ form: 'lorr-factored', stored: rank * (n + D), flopsPerSample: 2 * rank * (n + D), flopsPerForward: 0, ops: 2 });
  }
  const dup = r.type === 'duplicated_padding_reconciliation';
  if (HM_FAMILY.has(r.type) || dup) {
    const L = blockLayout(r);
    const N = L.q1 * L.s1;
    const flops = 2 * D * L.s1 + 2 * N * n; // Z = κ₃·βᵀ, then y = Z·C
    const form = dup ? 'duplicated-padding-factored' : 'hm-factored';
    // not when C (N×n) or the compile-time 0/1 regrouping (N²) would dwarf W (n×D)
    if (N * n <= 2 * n * D && N * N <= 2 * n * D) out.push({ form, stored: L.s * L.t + N * n, flopsPerSample: flops, flopsPerForward: 0, ops: 4 });
  }
  if ((HM_FAMILY.has(r.type) || dup || r.type === 'lorr_reconciliation') && l < n * D) {
    out.push({ form: 'runtime-fabricated', stored: l, flopsPerSample: 2 * n * D, flopsPerForward: 2 * n * D, ops: 6 });
  }
  return out;
}

export function speedCost(c: FormCost, batch: number): number {
  return batch * c.flopsPerSample + c.flopsPerForward + FLOAT_READ_COST * c.stored + OP_COST * c.ops;
}

/** The chosen form for one reconciliation that feeds the head product κ·Wᵀ. */
export function chooseForm(r: ReconciliationSpec, opts: LowerOptions): FormCost {
  const cands = candidateForms(r);
  if (opts.opt === false) return cands[0];
  const forced = opts.force && cands.find((c) => c.form === opts.force);
  if (forced) return forced;
  const batch = Math.max(1, opts.batchHint ?? 1);
  // runtime fabrication is only worth it for the file size
  const pool = opts.optimize === 'size' ? cands : cands.filter((c) => c.form !== 'runtime-fabricated');
  const key = opts.optimize === 'size' ? (c: FormCost) => [c.stored, speedCost(c, batch)] : (c: FormCost) => [speedCost(c, batch), c.stored];
  return pool.reduce((best, c) => {
    const [a0, a1] = key(c);
    const [b0, b1] = key(best);
    return a0 < b0 || (a0 === b0 && a1 < b1) ? c : best;
  });
}

function headChoice(layer: number, head: number, h: HeadSpec, opts: LowerOptions): FabricationChoice {
  const r = h.reconciliation;
  const expansion = expansionForm(h.expansion, opts);
  if (!r) return { layer, head, reconciliation: 'none', form: 'none', denseParams: 0, storedParams: 0, flopsPerSample: 0, expansionForm: expansion };
  const C = h.grid ? 1 : h.channelNum;
  const c = h.grid ? candidateForms(r)[0] : chooseForm(r, opts); // grid heads: W becomes a conv kernel
  return { layer, head, reconciliation: r.type, form: c.form, denseParams: C * r.n * r.D, storedParams: C * c.stored, flopsPerSample: C * c.flopsPerSample, expansionForm: expansion };
}

/** The fabrication form of every head, in layer/head order (what `lowerModel` does with these options). */
export function fabricationPlan(spec: ModelSpec, opts: LowerOptions): FabricationChoice[] {
  return spec.layers.flatMap((layer, li) => layer.heads.map((h, hi) => headChoice(li, hi, h, opts)));
}
