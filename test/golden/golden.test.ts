/**
 * Golden tests: every fixture model with golden data from real tinybig is compiled, run in
 * onnxruntime-node and in the reference interpreter, and both are compared with tinybig's output
 * (|y − golden| ≤ 1e-5 + 1e-4·|golden|). The unfolded graph (--no-fold) must give the same numbers.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { goldenCases, goldenIo, goldenWeights, modelsDir } from './cases.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';

const cases = goldenCases;

function expectClose(name: string, actual: Float32Array, golden: Float32Array): number {
  expect(actual.length, `${name}: output size`).toBe(golden.length);
  let worst = 0;
  for (let i = 0; i < golden.length; i++) {
    const d = Math.abs(actual[i] - golden[i]);
    worst = Math.max(worst, d);
    if (!(d <= 1e-5 + 1e-4 * Math.abs(golden[i]))) {
      expect.fail(`${name}: element ${i}: ${actual[i]} vs golden ${golden[i]} (|diff| ${d})`);
    }
  }
  return worst;
}

describe('golden cases from real tinybig', () => {
  it('has the foundation cases', () => {
    for (const c of ['a_identity_identity_zero', 'a_identity_bias', 'a_taylor_d2', 'a_taylor_d3_lorr', 'a_lorr_r2', 'a_identity_remainder', 'a_linear_remainder', 'a_linear_remainder_bias', 'a_linear_remainder_silu']) {
      expect(cases).toContain(c);
    }
  });

  for (const c of cases) {
    it(c, async () => {
      const weights = goldenWeights(c);
      const { input, output: golden } = goldenIo(c);

      const { spec, sourceText } = loadSpec(path.join(modelsDir, `${c}.ts`));
      const folded = compileSpec(spec, loadWeights(spec, { weights }), { sourceText });
      const unfolded = compileSpec(spec, loadWeights(spec, { weights }), { sourceText, fold: false });

      const s = await createSession(folded.onnx);
      const y = await runSession(s, input);
      expect(y.shape).toEqual(golden.shape);
      expectClose(`${c} onnxruntime`, y.data, golden.data);

      const su = await createSession(unfolded.onnx);
      expectClose(`${c} onnxruntime --no-fold`, (await runSession(su, input)).data, golden.data);

      const ref = runReference(spec, loadWeights(spec, { weights }), { rows: input.shape[0], cols: input.shape[1], data: input.data });
      expectClose(`${c} reference`, ref.data, golden.data);
    });
  }
});
