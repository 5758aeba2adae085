/**
 * The differential property: a fuzz case's model file is compiled in-process (seeded weights), run in
 * onnxruntime-node (CPU) — folded and `fold: false` — and in the reference interpreter; all must agree
 * within tolerance; a valid model must compile; compiling twice gives the same bytes.
 *
 * Tolerance, per element y (ORT, float32) against r (reference, float64 math on the same float32
 * weights and inputs): |y − r| ≤ L·(1e-5 + 1e-5·max|r_row| + 1e-4·|r|) + 16·sens, L = number of layers
 * × the amplification bound of the model's norms (`normAmplification`), sens = `sensitivity`.
 * The golden tests' 1e-5 + 1e-4·|r| is the one-layer, no-cancellation case; the fuzzed models sum up
 * to ~200 expanded features per output, where float32 rounding is relative to the largest terms of the
 * sum, not to the (possibly cancelled) result — hence the row-scale term; each further layer feeds
 * the rounding of the previous one through its own map — hence the factor L. A wrong formula, a wrong
 * index or a wrong constant shows up orders of magnitude above this.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { allProcessSpecs, compileSpec, loadSpec, seededWeights } from '../compiler/compile.js';
import { DiagnosticError } from '../compiler/diagnostics.js';
import type { WeightSource } from '../compiler/spec/params.js';
import type { ModelSpec } from '../compiler/spec/types.js';
import { runReference } from '../runtime/reference/index.js';
import { createSession, runSession } from '../runtime/session.js';
import { type FuzzCase, toModelSource } from './describe.js';

/** A deterministic uniform [-1, 1) float32 batch. */
export function inputBatch(rows: number, cols: number, seed: number): Float32Array {
  let s = (seed >>> 0) || 1;
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = -1 + ((s >>> 8) / 2 ** 24) * 2;
  }
  return out;
}

export class Mismatch extends Error {}

/**
 * How far the reference output moves when the input and every weight are perturbed by a relative
 * ±2^-20 (≈ 16 float32 ulps, random signs): the output's sensitivity to rounding-sized changes. Where
 * a model cancels large terms (a LayerNorm of nearly equal values, W·h ≈ 0 with |h| ≫ |W·h|, a kink
 * or a step crossed) this is large, and float32 noise there is expected to be large too.
 */
export function sensitivity(spec: ModelSpec, weights: WeightSource, x: Float32Array, rows: number, ref: Float32Array): Float32Array {
  let s = 0x9e3779b9;
  const jiggle = (d: Float32Array): Float32Array =>
    d.map((v) => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return v * (1 + (s & 0x100 ? 1 : -1) * 2 ** -20);
    });
  const perturbed: WeightSource = { has: (k) => weights.has(k), get: (k, shape, opts) => jiggle(weights.get(k, shape, opts)) };
  const y = runReference(spec, perturbed, { rows, cols: spec.m, data: jiggle(x) }).data;
  return y.map((v, i) => (Number.isFinite(v) && Number.isFinite(ref[i]) ? Math.abs(v - ref[i]) : 0));
}

/**
 * LayerNorm / BatchNorm divide by √(var + eps): on features (or a batch column) of small spread the
 * rounding of their input is amplified by up to 1/√eps. The largest such bound in the model scales the
 * tolerance (the generator draws eps ∈ {0.01, 0.1}: ≤ 10×).
 */
export function normAmplification(spec: ModelSpec): number {
  const eps = allProcessSpecs(spec).filter((p) => p.type === 'LayerNorm' || p.type === 'BatchNorm1d').map((p) => (p.options.eps as number | undefined) ?? 1e-5);
  // eps ≤ 0 (a mutant's): float32 rounds a tiny eps to 0, and nothing bounds 1/√var; count it as 1e-12
  return Math.max(1, ...eps.map((e) => 1 / Math.sqrt(Math.max(e, 1e-12))));
}

/** First element outside tolerance, or undefined. `sens`: see `sensitivity` (counted 16×). */
export function compare(actual: Float32Array, ref: Float32Array, rows: number, layers: number, sens?: Float32Array, amplification = 1): string | undefined {
  if (actual.length !== ref.length) return `output size ${actual.length} vs reference ${ref.length}`;
  const cols = ref.length / rows;
  const L = Math.max(1, layers) * amplification;
  for (let r = 0; r < rows; r++) {
    let rowMax = 0;
    for (let j = 0; j < cols; j++) if (Number.isFinite(ref[r * cols + j])) rowMax = Math.max(rowMax, Math.abs(ref[r * cols + j]));
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      const a = actual[i];
      const e = ref[i];
      // both non-finite: float32 overflowed on both sides (the generator avoids it; inf − inf gives NaN in ORT)
      if (!Number.isFinite(a) && !Number.isFinite(e)) continue;
      if (a === e) continue;
      const tol = L * (1e-5 + 1e-5 * rowMax) + 1e-4 * L * Math.abs(e) + 16 * (sens?.[i] ?? 0);
      if (!(Math.abs(a - e) <= tol)) return `row ${r}, feature ${j}: ${a} vs reference ${e} (|diff| ${Math.abs(a - e).toExponential(3)} > tol ${tol.toExponential(3)})`;
    }
  }
  return undefined;
}

let tmpDir: string | undefined;
/** Write a case's model file into a temp dir (one per process); returns its path. */
export function writeCase(c: FuzzCase): string {
  tmpDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-fuzz-'));
  const src = toModelSource(c);
  const file = path.join(tmpDir, `m_${caseHash(c)}.ts`);
  fs.writeFileSync(file, src);
  return file;
}

export function caseHash(c: FuzzCase): string {
  return createHash('sha256').update(toModelSource(c)).digest('hex').slice(0, 12);
}

export function describeError(e: unknown): string {
  if (e instanceof DiagnosticError) return e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ');
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(e);
}

/** Run the property on a model file; throws Mismatch (with a description) when it does not hold. */
export async function checkModelFile(file: string, c: { rows: number; seed: number; inputSeed: number }): Promise<void> {
  let spec: ModelSpec;
  let sourceText: string;
  try {
    ({ spec, sourceText } = loadSpec(file));
  } catch (e) {
    throw new Mismatch(`the front end / validation refused a model the generator thinks valid: ${describeError(e)}`);
  }
  await checkSpec(spec, sourceText, c);
}

/** The property on a validated spec: it compiles (twice to the same bytes), and every ONNX form agrees with the reference. */
export async function checkSpec(spec: ModelSpec, sourceText: string, c: { rows: number; seed: number; inputSeed: number }): Promise<void> {
  const compile = (fold: boolean, mixForm?: 'dense' | 'sparse' | 'banded') => {
    try {
      return compileSpec(spec, seededWeights(spec, c.seed), { sourceText, fold, mixForm });
    } catch (e) {
      throw new Mismatch(`compiling (fold: ${fold}${mixForm ? `, ${mixForm} mixing` : ''}) failed: ${describeError(e)}`);
    }
  };
  const folded = compile(true);
  const again = compile(true);
  if (Buffer.compare(Buffer.from(folded.onnx), Buffer.from(again.onnx)) !== 0) throw new Mismatch('compiling twice gave different ONNX bytes');
  const unfolded = compile(false);
  // chain / graph models: every mixing form (the cost model picks one; the others must agree too)
  const heads = spec.layers.flatMap((l) => l.heads);
  const forms = heads.some((h) => h.steps) ? (['banded', 'dense'] as const) : heads.some((h) => h.instanceInterdependence?.topology) ? (['sparse', 'dense'] as const) : [];
  const variants = forms.map((f) => [`onnxruntime ${f} mixing`, compile(true, f)] as const);

  const input = { shape: [c.rows, spec.m], data: inputBatch(c.rows, spec.m, c.inputSeed) };
  let ref: Float32Array;
  try {
    ref = runReference(spec, seededWeights(spec, c.seed), { rows: c.rows, cols: spec.m, data: input.data }).data;
  } catch (e) {
    throw new Mismatch(`the reference interpreter failed: ${describeError(e)}`);
  }
  const sens = sensitivity(spec, seededWeights(spec, c.seed), input.data, c.rows, ref);
  for (const [name, r] of [['onnxruntime', folded], ['onnxruntime fold: false', unfolded], ...variants] as const) {
    let y: { shape: number[]; data: Float32Array };
    try {
      const s = await createSession(r.onnx, { intraOpNumThreads: 1 });
      try {
        y = await runSession(s, input);
      } finally {
        await s.session.release();
      }
    } catch (e) {
      throw new Mismatch(`${name} failed: ${describeError(e)}`);
    }
    const rowsOut = spec.rowsOut ?? c.rows; // b' rows where an instance interdependence maps b → b'
    if (y.shape.join() !== [rowsOut, spec.n].join()) throw new Mismatch(`${name}: output shape [${y.shape}] but the spec says [${rowsOut}, ${spec.n}]`);
    const bad = compare(y.data, ref, rowsOut, spec.layers.length, sens, normAmplification(spec));
    if (bad) throw new Mismatch(`${name} vs reference: ${bad}`);
  }
}

/** The property on a generated case. */
export async function checkCase(c: FuzzCase): Promise<void> {
  const file = writeCase(c);
  try {
    await checkModelFile(file, c);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** The failure message of a case, or undefined when the property holds. */
export async function failureOf(c: FuzzCase): Promise<string | undefined> {
  try {
    await checkCase(c);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** Save a (shrunk) failing case as `<dir>/<hash>.ts`; returns its path. */
export function saveFailure(c: FuzzCase, dir: string, why: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${caseHash(c)}.ts`);
  fs.writeFileSync(file, toModelSource(c, `fuzz failure: ${why.split('\n')[0]}`));
  return file;
}
