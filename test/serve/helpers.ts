/** Shared helpers of the serving tests: models built once, a hand-made batch-coupled model, in-process reference runs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileFile } from '../../compiler/compile.js';
import { writeOnnxModel } from '../../compiler/onnx/external-data.js';
import { readTensorFile } from '../../runtime/io/tensor-file.js';
import { createSession, runSession } from '../../runtime/session.js';
import { goldenIo, goldenWeights, modelsDir, root } from '../golden/cases.js';

export { coupledAnswer, coupledModel, randomFloats } from '../../bench/serve-fixtures.js';

export { goldenIo, root };
export const cli = path.join(root, 'dist/cli/main.js');
export const perfDir = path.join(root, 'fixtures/perf');

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rpnc-${tag}-`));
}

/** Build fixtures/perf/<c>.ts with its checkpoint (or seeded weights when its data is absent) to `<dir>/<c>.onnx`. */
export function buildPerf(c: string, dir: string, opts: { precision?: 'fp32' | 'fp16'; ioPrecision?: 'fp32' | 'fp16'; external?: boolean; out?: string } = {}): string {
  const data = path.join(perfDir, 'data', c, 'weights.safetensors');
  const res = compileFile(path.join(perfDir, `${c}.ts`), { weights: fs.existsSync(data) ? [data] : undefined, precision: opts.precision, ioPrecision: opts.ioPrecision });
  const out = path.join(dir, opts.out ?? `${c}.onnx`);
  writeOnnxModel(out, res.proto, { external: opts.external });
  return out;
}

/** The golden io of a perf case (real tinybig), or undefined when its data is not in the repository. */
export function perfIo(c: string): { input: { shape: number[]; data: Float32Array }; output: { shape: number[]; data: Float32Array } } | undefined {
  const io = path.join(perfDir, 'data', c, 'io.safetensors');
  if (!fs.existsSync(io)) return undefined;
  return { input: readTensorFile(io, { name: 'input' }), output: readTensorFile(io, { name: 'output' }) };
}

/** Build the golden case fixtures/models/<c>.ts with its tinybig checkpoint. */
export function buildGolden(c: string, dir: string): string {
  const res = compileFile(path.join(modelsDir, `${c}.ts`), { weights: goldenWeights(c) });
  const out = path.join(dir, `${c}.onnx`);
  writeOnnxModel(out, res.proto);
  return out;
}

/** Run a model in-process, one request alone (the reference for "served equals run alone"). */
export async function inProcess(onnxPath: string): Promise<(shape: number[], data: Float32Array) => Promise<Float32Array>> {
  const s = await createSession(onnxPath, { intraOpNumThreads: 1 });
  return async (shape, data) => (await runSession(s, { shape, data })).data;
}

