/** Helpers for ONNX Runtime round-trip tests. */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Graph } from '../../ir/graph.js';
import { type DType, type Tensor, sizeOf, tensor } from '../../ir/tensor.js';

export async function runOrt(bytes: Uint8Array, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await ort.InferenceSession.create(Buffer.from(bytes));
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(t.dtype, t.data, t.shape);
    const res = await session.run(ortFeeds);
    const out: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(res)) {
      const dtype = v.type as DType;
      out[k] = { dtype, shape: [...v.dims], data: v.data as Tensor['data'] };
    }
    return out;
  } finally {
    await session.release();
  }
}

/** A deterministic pseudo-random float32 tensor with values in [lo, hi). */
export function randomTensor(shape: number[], seed = 1, lo = -1, hi = 1): Tensor {
  let s = seed >>> 0 || 1;
  const vals: number[] = [];
  for (let i = 0; i < sizeOf(shape); i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    vals.push(lo + ((s >>> 8) / 2 ** 24) * (hi - lo));
  }
  return tensor('float32', shape, vals);
}

/** Feeds for every graph input, the symbolic 'batch' dim set to `batch`. */
export function feedsFor(graph: Graph, batch: number, range: [number, number] = [-1, 1]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  graph.inputs.forEach((v, i) => {
    const shape = v.shape.map((d) => (typeof d === 'number' ? d : batch));
    feeds[v.name] = randomTensor(shape, 17 + 31 * i + batch, range[0], range[1]);
  });
  return feeds;
}

/** Expect two tensors to agree: same dtype/shape, |a-b| <= atol + rtol*|b| (exact for int64/bool). */
export function expectClose(actual: Tensor, expected: Tensor, atol = 1e-5, rtol = 1e-5, label = ''): void {
  expect(actual.dtype, `${label} dtype`).toBe(expected.dtype);
  expect(actual.shape, `${label} shape`).toEqual(expected.shape);
  for (let i = 0; i < expected.data.length; i++) {
    const a = Number(actual.data[i]);
    const e = Number(expected.data[i]);
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label} element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)})`);
    }
  }
}
