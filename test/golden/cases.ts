/** The golden cases (fixture models with golden io from real tinybig) and their files: one listing for every test that uses them. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTensorFile } from '../../runtime/io/tensor-file.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const modelsDir = path.join(root, 'fixtures/models');
export const goldenDir = path.join(root, 'fixtures/golden');

/** Every fixtures/models/<case>.ts with a fixtures/golden/<case>/io.safetensors, sorted. */
export const goldenCases: string[] = fs
  .readdirSync(modelsDir)
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .filter((c) => fs.existsSync(path.join(goldenDir, c, 'io.safetensors')))
  .sort();

/** The checkpoint files of case `c`: weights.safetensors, and extras.safetensors when the case has side-cars. */
export function goldenWeights(c: string): string[] {
  return ['weights.safetensors', 'extras.safetensors'].map((f) => path.join(goldenDir, c, f)).filter((f) => fs.existsSync(f));
}

/** The golden input and output of case `c`. */
export function goldenIo(c: string): { input: { shape: number[]; data: Float32Array }; output: { shape: number[]; data: Float32Array } } {
  const io = path.join(goldenDir, c, 'io.safetensors');
  return { input: readTensorFile(io, { name: 'input' }), output: readTensorFile(io, { name: 'output' }) };
}
