/** Element-wise agreement of two outputs: |a − b| ≤ atol + rtol·|b| (b = the more trusted side). */
export interface Agreement {
  a: string;
  b: string;
  maxAbs: number;
  maxRel: number;
  ok: boolean;
  /** First offending element (flat index), when not ok. */
  worst?: number;
}

export function compareOutputs(aName: string, a: ArrayLike<number>, bName: string, b: ArrayLike<number>, atol: number, rtol: number): Agreement {
  let maxAbs = 0;
  let maxRel = 0;
  let ok = a.length === b.length;
  let worst: number | undefined;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i] - b[i]);
    const bad = !(d <= atol + rtol * Math.abs(b[i])); // NaN counts as bad
    if (bad && ok) worst = i;
    if (bad) ok = false;
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? NaN : d;
    const rel = d / (Math.abs(b[i]) + 1e-12);
    if (rel > maxRel) maxRel = rel;
  }
  return { a: aName, b: bName, maxAbs, maxRel, ok, worst };
}
