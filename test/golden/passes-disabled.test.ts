/**
 * Every golden case still matches real tinybig (|y − golden| ≤ 1e-5 + 1e-4·|golden|) with each
 * optimisation pass disabled in turn, and with `--no-opt`. A pass that never changed a case's
 * graph in the default pipeline is skipped for that case (the passes are deterministic, so
 * without it the pipeline goes through exactly the same graphs); a variant whose ONNX is
 * byte-identical to the default build is not run again.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { PASS_NAMES } from '../../ir/passes/index.js';
import { goldenCases, goldenIo, goldenWeights, modelsDir } from './cases.js';
import { createSession, runSession } from '../../runtime/session.js';

const cases = goldenCases;

function firstMismatch(actual: Float32Array, golden: Float32Array): string | undefined {
  if (actual.length !== golden.length) return `output size ${actual.length} vs ${golden.length}`;
  for (let i = 0; i < golden.length; i++) {
    const d = Math.abs(actual[i] - golden[i]);
    if (!(d <= 1e-5 + 1e-4 * Math.abs(golden[i]))) return `element ${i}: ${actual[i]} vs golden ${golden[i]}`;
  }
  return undefined;
}

const equalBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

describe('golden cases with each pass disabled, and with --no-opt', () => {
  const ran = { variants: 0, sessions: 0 };

  for (const c of cases) {
    it(c, async () => {
      const weights = goldenWeights(c);
      const { input, output: golden } = goldenIo(c);
      const { spec, sourceText } = loadSpec(path.join(modelsDir, `${c}.ts`));
      const changedBy = new Set<string>();
      const base = compileSpec(spec, loadWeights(spec, { weights }), { sourceText, afterPass: (p) => changedBy.add(p) }).onnx;

      const variants: [string, { opt?: boolean; disablePasses?: string[] }][] = [['--no-opt', { opt: false }]];
      for (const p of PASS_NAMES) if (changedBy.has(p)) variants.push([`--disable-pass ${p}`, { disablePasses: [p] }]);
      const failures: string[] = [];
      for (const [label, opts] of variants) {
        const onnx = compileSpec(spec, loadWeights(spec, { weights }), { sourceText, ...opts }).onnx;
        ran.variants++;
        if (equalBytes(onnx, base)) continue;
        ran.sessions++;
        const y = await runSession(await createSession(onnx), input);
        const bad = firstMismatch(y.data, golden.data);
        if (bad) failures.push(`${label}: ${bad}`);
      }
      expect(failures).toEqual([]);
    });
  }

  it('exercised real variants', () => {
    // Folding is on in every case, so constant-folding always changes the graph and runs as a variant.
    expect(ran.variants).toBeGreaterThanOrEqual(2 * cases.length);
    expect(ran.sessions).toBeGreaterThan(cases.length);
  });
});
