/** Shared helpers of the serving tests: models built once, a hand-made batch-coupled model, in-process reference runs. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { compileFile } from '../../compiler/compile.js';
import { writeOnnxModel } from '../../compiler/onnx/external-data.js';
import { readTensorFile } from '../../runtime/io/tensor-file.js';
import { createSession, runSession } from '../../runtime/session.js';
import { goldenIo, goldenWeights, modelsDir, root } from '../golden/cases.js';

export { goldenIo, root };
export const cli = path.join(root, 'dist/cli/main.js');
export const perfDir = path.join(root, 'fixtures/perf');

export function tmpDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rpnc-${tag}-`));
}

/** Build fixtures/perf/<c>.ts with its checkpoint (or seeded weights when its data is absent) to `<dir>/<c>.onnx`. */
export function buildPerf(c: string, dir: string, opts: { precision?: 'fp32' | 'fp16'; external?: boolean } = {}): string {
  const data = path.join(perfDir, 'data', c, 'weights.safetensors');
  const res = compileFile(path.join(perfDir, `${c}.ts`), { weights: fs.existsSync(data) ? [data] : undefined, precision: opts.precision });
  const out = path.join(dir, `${c}.onnx`);
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

const { onnx } = onnxProto;

/**
 * A free-batch model whose rows are coupled: y = x − mean(x over the batch), input x float32
 * [batch, 3]. Its answer for a request depends on every row of that request, so merging requests
 * changes it. `rowsIndependent` is written as metadata `rpnc.rows_independent`.
 */
export function coupledModel(file: string, rowsIndependent: 'true' | 'false'): string {
  const dim = (d: number | string) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [dim('batch'), dim(3)] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'rpnc-test',
    metadataProps: [{ key: 'rpnc.rows_independent', value: rowsIndependent }],
    graph: {
      name: 'coupled',
      node: [
        { opType: 'ReduceMean', input: ['x'], output: ['m'], name: 'mean', attribute: [{ name: 'axes', type: onnx.AttributeProto.AttributeType.INTS, ints: [0] }, { name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 1 }] },
        { opType: 'Sub', input: ['x', 'm'], output: ['y'], name: 'sub' },
      ],
      input: [vi('x')],
      output: [vi('y')],
    },
  });
  fs.writeFileSync(file, onnx.ModelProto.encode(model).finish());
  return file;
}

/** The coupled model's answer, computed here in plain JS. */
export function coupledAnswer(rows: number, x: ArrayLike<number>): number[] {
  const mean = [0, 0, 0];
  for (let r = 0; r < rows; r++) for (let j = 0; j < 3; j++) mean[j] += x[r * 3 + j] / rows;
  return Array.from({ length: rows * 3 }, (_, i) => Math.fround(x[i] - Math.fround(mean[i % 3])));
}

/** Run a model in-process, one request alone (the reference for "served equals run alone"). */
export async function inProcess(onnxPath: string): Promise<(shape: number[], data: Float32Array) => Promise<Float32Array>> {
  const s = await createSession(onnxPath, { intraOpNumThreads: 1 });
  return async (shape, data) => (await runSession(s, { shape, data })).data;
}

/** Deterministic uniform(−1, 1) floats. */
export function randomFloats(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
