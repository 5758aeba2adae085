/**
 * `rpnc check` says what it compared (issue #18): NaN / ±∞ agree only with the same value in the same
 * place, the max abs / rel are over the finite pairs, all-non-finite outputs agree with an RPN5102
 * warning ("no number was compared"), and zero tolerances are called exact equality.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareOutputs, comparedWhat, toleranceText } from '../../runtime/compare.js';
import { encodeSafetensors } from '../../compiler/weights/safetensors.js';
import { root, runRpnc } from '../helpers/rpnc.js';

const model = path.join(root, 'fixtures/models/a_identity_bias.ts');
const weights = path.join(root, 'fixtures/golden/a_identity_bias/weights.safetensors');
let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-compared-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('compareOutputs (hand-made values)', () => {
  it('NaN agrees with NaN and ∞ with the same ∞ only; max abs is over the finite pairs', () => {
    const r = compareOutputs('a', [1, NaN, Infinity, -Infinity, 2.5], 'b', [1.5, NaN, Infinity, -Infinity, 2.5], 1, 0);
    expect(r).toMatchObject({ ok: true, maxAbs: 0.5, count: 5, finite: 2, finiteMismatch: 0, sameNonFinite: 3, nonFiniteMismatch: 0 });
    expect(comparedWhat(r)).toBe('3 of 5 values are NaN or ±∞ on both sides (counted as agreeing)');
    const s = compareOutputs('a', [1, NaN, Infinity, 3], 'b', [1, 2, -Infinity, 3], 1, 0);
    expect(s).toMatchObject({ ok: false, worst: 1, maxAbs: 0, finite: 2, finiteMismatch: 0, sameNonFinite: 0, nonFiniteMismatch: 2, nonFiniteOnlyA: 1 });
    expect(comparedWhat(s)).toBe('2 of 4 values are NaN or ±∞ on one side only');
  });
  it('all non-finite on both sides: agrees, and says that no number was compared', () => {
    const r = compareOutputs('a', [NaN, NaN, Infinity], 'b', [NaN, NaN, Infinity], 0, 0);
    expect(r).toMatchObject({ ok: true, finite: 0, sameNonFinite: 3 });
    expect(comparedWhat(r)).toContain('all 3 values are the same non-finite value');
  });
  it('zero tolerances mean exact equality of finite values', () => {
    expect(compareOutputs('a', [1, 2], 'b', [1, 2], 0, 0).ok).toBe(true);
    expect(compareOutputs('a', [1, 2], 'b', [1, 2 + 2 ** -20], 0, 0)).toMatchObject({ ok: false, worst: 1, maxAbs: 2 ** -20 });
    expect(toleranceText(0, 0)).toContain('exactly equal');
    expect(toleranceText(1e-5, 1e-4)).not.toContain('exactly');
  });
  it('different lengths are a disagreement that names both lengths', () => {
    const r = compareOutputs('a', [1, 2, 3], 'b', [1, 2], 1, 1);
    expect(r.ok).toBe(false);
    expect(comparedWhat(r)).toBe('a has 3 values, b 2');
  });
});

/**
 * A model whose output is NaN for every finite input: W = 0, b = [1e30, 0, 0], then exp (e^1e30 = +∞ in
 * float32 and float64 alike) and a LayerNorm over [+∞, 1, 1] (mean +∞, so +∞ − mean is NaN: every value NaN).
 */
const NAN_MODEL = `import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, exp, layerNorm } from 'rpnc';
export default rpn({ layers: [layer({ m: 5, n: 3, heads: [head({ m: 5, n: 3, dataTransformation: identityExpansion(),
  parameterFabrication: identityReconciliation({ enableBias: true }), remainder: zeroRemainder(),
  outputProcessFunctions: [exp(), layerNorm({ normalizedShape: 3, elementwiseAffine: false })] })] })] });
`;

/** NAN_MODEL written to `name`.ts with W = 0 and bias `b`, and its weights file: the arguments of `rpnc check`. */
function expModel(name: string, b: number[]): string[] {
  const model = path.join(tmp, `${name}_model.ts`);
  fs.writeFileSync(model, NAN_MODEL);
  const w = path.join(tmp, `${name}_w.safetensors`);
  fs.writeFileSync(w, encodeSafetensors({ 'layers.0.heads.0.w': { shape: [1, 15], data: new Float32Array(15) }, 'layers.0.heads.0.b': { shape: [3], data: Float32Array.from(b) } }));
  return [model, '-w', w];
}

describe('rpnc check says what it compared', () => {
  it('outputs NaN everywhere on both sides: agreement, exit 0, the line and warning RPN5102 say no number was compared', () => {
    const args = expModel('nan', [1e30, 0, 0]);
    const r = runRpnc(tmp, ['check', ...args]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('all 12 values are the same non-finite value (NaN or ±∞) on both sides: no number was compared');
    expect(r.stderr).toContain('warning RPN5102');
    const j = runRpnc(tmp, ['check', ...args, '--json']);
    expect(j.code).toBe(0);
    const out = JSON.parse(j.stdout) as { comparisons: { finite: number; sameNonFinite: number; ok: boolean }[]; diagnostics: { code: string }[] };
    expect(out.comparisons.map((c) => [c.ok, c.finite, c.sameNonFinite])).toEqual([[true, 0, 12]]);
    expect(out.diagnostics.map((d) => d.code)).toContain('RPN5102');
  });
  it('float32 overflow where the float64 reference has numbers: RPN5101 whose hint says so, not "a bug in rpnc"', () => {
    // b = [100, 0, 0]: e^100 = 2.7e43 is +∞ in float32 (ONNX Runtime: LayerNorm gives NaN) but a number in float64
    // (the reference: LayerNorm of [2.7e43, 1, 1] is [√2, −1/√2, −1/√2])
    const r = runRpnc(tmp, ['check', ...expModel('overflow', [100, 0, 0])]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('12 of 12 values are NaN or ±∞ on one side only');
    expect(r.stderr).toContain('float32 arithmetic overflowed');
    expect(r.stderr).not.toContain('bug in rpnc');
  });
  it('--atol 0 --rtol 0: the header says exact equality', () => {
    const r = runRpnc(tmp, ['check', model, '-w', weights, '--atol', '0', '--rtol', '0']);
    expect(r.stdout).toContain('zero tolerances: finite values must be exactly equal');
    // 5 products summed in float32 (ORT) and float64 (reference) need not be bit-identical: either verdict, stated
    expect(r.stdout).toMatch(/onnxruntime \(cpu\) vs reference .* (ok|MISMATCH)/);
    if (/MISMATCH/.test(r.stdout)) {
      expect(r.code).toBe(3);
      // not "a bug in rpnc": the hint says the tolerances are tighter than float32 rounding
      expect(r.stderr).toContain('the differences are of float32 rounding size');
      expect(r.stderr).not.toContain('bug in rpnc');
    } else expect(r.code).toBe(0);
  });
});
