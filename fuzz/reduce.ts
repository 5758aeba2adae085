/**
 * Structural reduction of a failing fuzz case, after fast-check's own shrinking (which cannot shrink
 * far through the chained arbitraries that keep widths consistent): greedily try simpler variants of
 * the model description — drop an option (back to its default), drop a list element (a layer, a head,
 * a processing function, a composition function), replace an expansion / reconciliation / remainder by
 * the simplest one, lower an integer, use one input row — and keep every variant that still fails the
 * same way (same kind of failure). Variants that are invalid fail differently and are discarded.
 */
import type { Call, FuzzCase, Value } from './describe.js';
import { isCall } from './describe.js';

/** The kind of a failure: mismatches are one kind; crashes and refusals are kept apart by code. */
export function failureKind(message: string): string {
  if (/vs reference: row \d+, feature \d+/.test(message)) return 'mismatch';
  const code = /RPN\d{4}/.exec(message);
  return `${message.split(':')[0]}${code ? ` ${code[0]}` : ''}`;
}

const SIMPLEST: Record<string, string> = {
  Expansion: 'identityExpansion',
  Reconciliation: 'identityReconciliation',
  Remainder: 'zeroRemainder',
};
/** Options never dropped: required ones, and those the generator sets to keep the numerics tame (eps of norms, pole-avoiding pre-processing). */
const KEEP = new Set(['m', 'n', 'heads', 'layers', 'dataTransformation', 'compositionFunctions', 'normalizedShape', 'numFeatures', 'eps', 'preprocessFunctions', 'h', 'w', 'inChannel', 'outChannel', 'dims', 'channelNums', 'fcDims', 'A']);

export type Path = (string | number)[];

function* variants(v: Value, path: Path): Generator<[Path, Value | undefined]> {
  if (Array.isArray(v)) {
    if (v.length > 1) for (let i = 0; i < v.length; i++) yield [path, v.filter((_, j) => j !== i)];
    for (let i = 0; i < v.length; i++) yield* variants(v[i], [...path, i]);
    return;
  }
  if (isCall(v)) {
    const suffix = Object.keys(SIMPLEST).find((s) => v.fn.endsWith(s));
    if (suffix && v.fn !== SIMPLEST[suffix]) yield [path, { fn: SIMPLEST[suffix] }];
    for (const [k, x] of Object.entries(v.opts ?? {})) {
      if (!KEEP.has(k)) yield [[...path, k], undefined];
      yield* variants(x, [...path, k]);
    }
    return;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v > 1) {
    yield [path, 1];
    if (v > 2) yield [path, v - 1];
  }
}

export function setAt(root: Value, path: Path, value: Value | undefined): Value {
  if (!path.length) return value as Value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) return root.map((x, i) => (i === head ? setAt(x, rest, value) : x));
  const c = root as Call;
  const opts = { ...(c.opts ?? {}) };
  if (rest.length === 0 && value === undefined) delete opts[head as string];
  else opts[head as string] = setAt(opts[head as string], rest, value);
  return { fn: c.fn, opts };
}

/**
 * Greedy reduction: `fails(c)` returns the failure message or undefined. Stops after `budget` tries.
 * Returns the smallest case found that fails with the same kind as `c`, and its message.
 */
export async function reduceCase(c: FuzzCase, message: string, fails: (c: FuzzCase) => Promise<string | undefined>, budget = 400): Promise<{ case: FuzzCase; message: string; tries: number }> {
  const kind = failureKind(message);
  let best = c;
  let bestMsg = message;
  let tries = 0;
  const attempt = async (cand: FuzzCase): Promise<boolean> => {
    tries++;
    const m = await fails(cand);
    if (m === undefined || failureKind(m) !== kind) return false;
    best = cand;
    bestMsg = m;
    return true;
  };
  if (best.rows > 1) await attempt({ ...best, rows: 1 });
  let progress = true;
  while (progress && tries < budget) {
    progress = false;
    for (const [path, value] of variants(best.model, [])) {
      if (tries >= budget) break;
      const model = setAt(best.model, path, value);
      if (!isCall(model)) continue;
      if (await attempt({ ...best, model })) {
        progress = true;
        break; // restart from the smaller model
      }
    }
  }
  return { case: best, message: bestMsg, tries };
}
