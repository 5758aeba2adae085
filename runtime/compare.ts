/**
 * Element-wise agreement of two outputs: |a − b| ≤ atol + rtol·|b| (b = the more trusted side).
 *
 * Non-finite values agree only with the same value: NaN with NaN in the same place (numpy's
 * `allclose(equal_nan=True)`), +∞ with +∞, −∞ with −∞; anything else against a non-finite value is a
 * disagreement. `maxAbs` / `maxRel` are taken over the finite pairs only, and the counts say how many
 * values were compared as numbers and how many as matching non-finite values, so a report can say
 * what was really compared (e.g. "all 16 values are NaN on both sides").
 */
export interface Agreement {
  a: string;
  b: string;
  /** Largest |a − b| over the pairs where both are finite (0 when there are none). */
  maxAbs: number;
  /** Largest |a − b| / |b| over the same pairs (1e-12 added to |b|). */
  maxRel: number;
  ok: boolean;
  /** First offending element (flat index), when not ok. */
  worst?: number;
  /** Values compared: min(|a|, |b|). */
  count: number;
  /** Pairs where both are finite (compared against the tolerance). */
  finite: number;
  /** Finite pairs beyond the tolerance. */
  finiteMismatch: number;
  /** Pairs that agree as the same non-finite value (NaN and NaN, +∞ and +∞, −∞ and −∞). */
  sameNonFinite: number;
  /** Pairs where exactly one side, or both with different values, are non-finite. */
  nonFiniteMismatch: number;
  /** Of those, the pairs where `a` is non-finite and `b` a number (e.g. float32 overflow against a float64 reference). */
  nonFiniteOnlyA: number;
  /** The two sides have different lengths. */
  lengthMismatch?: { a: number; b: number };
}

export function compareOutputs(aName: string, a: ArrayLike<number>, bName: string, b: ArrayLike<number>, atol: number, rtol: number): Agreement {
  let maxAbs = 0;
  let maxRel = 0;
  let ok = a.length === b.length;
  let worst: number | undefined;
  let finite = 0;
  let sameNonFinite = 0;
  let nonFiniteMismatch = 0;
  let nonFiniteOnlyA = 0;
  let finiteMismatch = 0;
  const count = Math.min(a.length, b.length);
  for (let i = 0; i < count; i++) {
    const x = a[i];
    const y = b[i];
    let bad: boolean;
    if (Number.isFinite(x) && Number.isFinite(y)) {
      finite++;
      const d = Math.abs(x - y);
      bad = !(d <= atol + rtol * Math.abs(y));
      if (bad) finiteMismatch++;
      if (d > maxAbs) maxAbs = d;
      const rel = d / (Math.abs(y) + 1e-12);
      if (rel > maxRel) maxRel = rel;
    } else if (Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))) {
      sameNonFinite++;
      bad = false;
    } else {
      nonFiniteMismatch++;
      if (Number.isFinite(y)) nonFiniteOnlyA++;
      bad = true;
    }
    if (bad && ok) worst = i;
    if (bad) ok = false;
  }
  const r: Agreement = { a: aName, b: bName, maxAbs, maxRel, ok, worst, count, finite, finiteMismatch, sameNonFinite, nonFiniteMismatch, nonFiniteOnlyA };
  if (a.length !== b.length) r.lengthMismatch = { a: a.length, b: b.length };
  return r;
}

/** What a comparison really compared, in words, when that is not simply "every value as a number". */
export function comparedWhat(r: Agreement): string | undefined {
  const parts: string[] = [];
  if (r.lengthMismatch) parts.push(`${r.a} has ${r.lengthMismatch.a} values, ${r.b} ${r.lengthMismatch.b}`);
  if (r.count > 0 && r.finite === 0 && r.nonFiniteMismatch === 0) parts.push(`all ${r.count} values are the same non-finite value (NaN or ±∞) on both sides: no number was compared`);
  else {
    if (r.sameNonFinite) parts.push(`${r.sameNonFinite} of ${r.count} values are NaN or ±∞ on both sides (counted as agreeing)`);
    if (r.nonFiniteMismatch) parts.push(`${r.nonFiniteMismatch} of ${r.count} values are NaN or ±∞ on one side only`);
  }
  if (r.count === 0 && !r.lengthMismatch) parts.push('no values to compare');
  return parts.length ? parts.join('; ') : undefined;
}

/** The tolerance in words: `|a−b| ≤ atol + rtol·|b|`, saying so when it is exact equality. */
export function toleranceText(atol: number, rtol: number): string {
  const t = `|a−b| ≤ ${atol} + ${rtol}·|b|`;
  return atol === 0 && rtol === 0 ? `${t} (zero tolerances: finite values must be exactly equal)` : t;
}
