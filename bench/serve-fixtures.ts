/** Models and inputs for the serving load test and tests: a hand-made batch-coupled model, seeded inputs. */
import * as fs from 'node:fs';
import onnxProto from 'onnx-proto';

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
