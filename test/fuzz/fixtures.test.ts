/**
 * Every mismatch or crash the fuzzer found, minimised, kept as a model file in test/fuzz/fixtures/
 * (its first comment says what was wrong and where it was fixed). Each is compiled (folded and
 * `fold: false`, twice for identical bytes) and run in onnxruntime-node against the reference
 * interpreter, with the batch size and seeds recorded in its `// fuzz case:` line. The emitted ONNX must
 * also load and agree in a plain onnxruntime-node session with ORT's default options (rpnc's own sessions
 * disable MatMulScaleFusion; a user's do not).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, seededWeights } from '../../compiler/compile.js';
import { caseParams } from '../../fuzz/describe.js';
import { checkModelFile, compare, inputBatch, normAmplification, sensitivity } from '../../fuzz/property.js';
import { runReference } from '../../runtime/reference/index.js';

const dir = path.join(import.meta.dirname, 'fixtures');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();

describe('fuzz fixtures (bugs the fuzzer found)', () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f.replace(/\.ts$/, ''), async () => {
      const file = path.join(dir, f);
      const params = caseParams(fs.readFileSync(file, 'utf8'));
      expect(params, `${f} has a '// fuzz case: rows = …, seed = …, inputSeed = …' line`).toBeDefined();
      await checkModelFile(file, params!);
    });
  }
});

describe('fuzz fixtures in a default ONNX Runtime session (no rpnc session options)', () => {
  for (const f of files) {
    for (const fold of [true, false]) {
      it(`${f.replace(/\.ts$/, '')} (fold: ${fold})`, async () => {
        const file = path.join(dir, f);
        const c = caseParams(fs.readFileSync(file, 'utf8'))!;
        const { spec } = loadSpec(file);
        const { onnx } = compileSpec(spec, seededWeights(spec, c.seed), { fold });
        const x = inputBatch(c.rows, spec.m, c.inputSeed);
        const session = await ort.InferenceSession.create(Buffer.from(onnx)); // graph optimisation 'all', every fusion on
        const out = await session.run({ x: new ort.Tensor('float32', x, [c.rows, spec.m]) });
        await session.release();
        const ref = runReference(spec, seededWeights(spec, c.seed), { rows: c.rows, cols: spec.m, data: x }).data;
        const sens = sensitivity(spec, seededWeights(spec, c.seed), x, c.rows, ref);
        expect(out.y.dims).toEqual([c.rows, spec.n]);
        expect(compare(out.y.data as Float32Array, ref, c.rows, spec.layers.length, sens, normAmplification(spec))).toBeUndefined();
      });
    }
  }
});
