/**
 * Every mismatch or crash the fuzzer found, minimised, kept as a model file in test/fuzz/fixtures/
 * (its first comment says what was wrong and where it was fixed). Each is compiled (folded and
 * `fold: false`, twice for identical bytes) and run in onnxruntime-node against the reference
 * interpreter, with the batch size and seeds recorded in its `// fuzz case:` line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseParams } from '../../fuzz/describe.js';
import { checkModelFile } from '../../fuzz/property.js';

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
