/**
 * Shared by the import round-trip tests: build an imported model with a golden case's weights and compare
 * onnxruntime and the reference interpreter with real tinybig's output.
 * Tolerance: |y − golden| ≤ 1e-5·max|golden| + 1e-4·|golden| (several outputs are ~1e-4 in size).
 */
import { expect } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';
import { goldenIo, goldenWeights } from '../golden/cases.js';

export { goldenDir, root } from '../golden/cases.js';

export function expectClose(name: string, actual: Float32Array, golden: Float32Array): void {
  expect(actual.length, `${name}: output size`).toBe(golden.length);
  const scale = golden.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale, `${name}: golden is not all zeros`).toBeGreaterThan(0);
  for (let i = 0; i < golden.length; i++) {
    const d = Math.abs(actual[i] - golden[i]);
    if (!(d <= 1e-5 * scale + 1e-4 * Math.abs(golden[i]))) expect.fail(`${name}: element ${i}: ${actual[i]} vs golden ${golden[i]} (|diff| ${d})`);
  }
}

/** Build `model` (a model file) with the weights of golden case `c`; its outputs must equal the golden. */
export async function expectGolden(c: string, model: string): Promise<void> {
  const weights = goldenWeights(c);
  const { input, output: golden } = goldenIo(c);

  const { spec, sourceText } = loadSpec(model);
  const built = compileSpec(spec, loadWeights(spec, { weights }), { sourceText });
  const y = await runSession(await createSession(built.onnx), input);
  expect(y.shape).toEqual(golden.shape);
  expectClose(`${c} onnxruntime`, y.data, golden.data);

  const ref = runReference(spec, loadWeights(spec, { weights }), { rows: input.shape[0], cols: input.shape[1], data: input.data });
  expectClose(`${c} reference`, ref.data, golden.data);
}
