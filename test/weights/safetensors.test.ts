import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeSafetensors,
  mergeWeightFiles,
  parseSafetensors,
  readSafetensors,
  writeSafetensors,
} from '../../compiler/weights/safetensors.js';
import { findDuplicateKey } from '../../compiler/weights/json-dupes.js';
import { WeightCodes } from '../../compiler/weights/codes.js';
import { ONNX_FILE_CODES } from '../../compiler/codes.js';
import { dataDir, expectDiag, f32Bytes, rawSafetensors, tmpDir } from './helpers.js';

const weightsFile = path.join(dataDir, 'a_identity_bias.weights.safetensors');
const ioFile = path.join(dataDir, 'a_identity_bias.io.safetensors');

/** The i-th float32 of tensor `key`, decoded independently of the library. */
function byHand(file: string, key: string, i: number): number {
  const b = fs.readFileSync(file);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const header = JSON.parse(b.subarray(8, 8 + n).toString('utf8'));
  return dv.getFloat32(8 + n + header[key].data_offsets[0] + 4 * i, true);
}

describe('reading tinybig goldens', () => {
  it('reads weights.safetensors of a_identity_bias', () => {
    const f = readSafetensors(weightsFile);
    expect([...f.tensors.keys()].sort()).toEqual(['layers.0.heads.0.b', 'layers.0.heads.0.w']);
    const w = f.tensors.get('layers.0.heads.0.w')!;
    const b = f.tensors.get('layers.0.heads.0.b')!;
    expect(w.shape).toEqual([1, 15]);
    expect(b.shape).toEqual([3]);
    expect(w.data.length).toBe(15);
    expect(w.data[0]).toBe(byHand(weightsFile, 'layers.0.heads.0.w', 0));
    expect(w.data[14]).toBe(byHand(weightsFile, 'layers.0.heads.0.w', 14));
    expect(b.data[2]).toBe(byHand(weightsFile, 'layers.0.heads.0.b', 2));
    expect(w.data[0]).toBeCloseTo(0.2691276, 6);
    expect(f.metadata.case).toBe('a_identity_bias');
  });

  it('reads io.safetensors of a_identity_bias', () => {
    const f = readSafetensors(ioFile);
    expect(f.tensors.get('input')!.shape).toEqual([4, 5]);
    expect(f.tensors.get('output')!.shape).toEqual([4, 3]);
    expect(f.tensors.get('input')!.data[7]).toBe(byHand(ioFile, 'input', 7));
    expect(f.tensors.get('output')!.data[11]).toBe(byHand(ioFile, 'output', 11));
  });
});

describe('writing', () => {
  const tensors = {
    'b.bias': { shape: [3], data: Float32Array.from([0.5, -1.25, 3]) },
    'a.weight': { shape: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
    empty: { shape: [0, 4], data: new Float32Array(0) },
    scalar: { shape: [], data: Float32Array.from([7]) },
  };

  it('round-trips values, shapes and metadata; re-encoding is byte-identical', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'w.safetensors');
    writeSafetensors(file, tensors, { format: 'pt', note: 'ü' });
    expect(fs.readdirSync(dir)).toEqual(['w.safetensors']); // no temporary left behind
    const f = readSafetensors(file);
    expect(f.metadata).toEqual({ format: 'pt', note: 'ü' });
    for (const [k, t] of Object.entries(tensors)) {
      expect(f.tensors.get(k)!.shape).toEqual(t.shape);
      expect([...f.tensors.get(k)!.data]).toEqual([...t.data]);
    }
    const bytes = fs.readFileSync(file);
    const again = encodeSafetensors(Object.fromEntries(f.tensors), f.metadata);
    expect(Buffer.from(again).equals(bytes)).toBe(true);
    // header: length multiple of 8, keys sorted after __metadata__
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    expect(Object.keys(JSON.parse(bytes.subarray(8, 8 + n).toString()))).toEqual(['__metadata__', 'a.weight', 'b.bias', 'empty', 'scalar']);
  });

  it('rejects a shape that does not match the data', () => {
    expectDiag(() => encodeSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } }), 'RPN3012', "'x'", '[2,2]');
  });

  it('reports an unwritable path', () => {
    expectDiag(() => writeSafetensors(path.join(tmpDir(), 'no/such/dir/w.safetensors'), tensors), 'RPN3011', 'no/such/dir');
  });

  it('reads unaligned data (header length not a multiple of 4, odd byteOffset)', () => {
    const raw = rawSafetensors({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32Bytes([1.5, -2]));
    const shifted = new Uint8Array(raw.length + 1);
    shifted.set(raw, 1);
    const f = parseSafetensors(shifted.subarray(1), 'mem');
    expect([...f.tensors.get('x')!.data]).toEqual([1.5, -2]);
  });
});

describe('malformed files', () => {
  const ok = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const data = f32Bytes([1, 2]);
  const parse = (bytes: Uint8Array) => () => parseSafetensors(bytes, 'bad.safetensors');
  const withX = (x: unknown, d = data) => parse(rawSafetensors({ x }, d));

  it('missing file', () => {
    expectDiag(() => readSafetensors('/nonexistent/w.safetensors'), 'RPN3001', '/nonexistent/w.safetensors', 'does not exist');
  });
  it('shorter than 8 bytes', () => {
    expectDiag(parse(new Uint8Array(5)), 'RPN3002', 'bad.safetensors', '5 bytes');
  });
  it('header length lying or absurd', () => {
    expectDiag(parse(rawSafetensors(ok, data, 1000n)), 'RPN3003', 'bad.safetensors', '1000');
    expectDiag(parse(rawSafetensors(ok, data, 1n << 60n)), 'RPN3003', 'absurd');
  });
  it('header not UTF-8, not JSON, not an object, bad metadata', () => {
    const bytes = rawSafetensors('{"x":1}');
    bytes[10] = 0xff;
    expectDiag(parse(bytes), 'RPN3004', 'UTF-8');
    expectDiag(parse(rawSafetensors('{"x": ')), 'RPN3004', 'not valid JSON');
    expectDiag(parse(rawSafetensors('[1,2]')), 'RPN3004', 'an array');
    expectDiag(parse(rawSafetensors({ __metadata__: { n: 3 } })), 'RPN3004', "'n'", 'str()');
  });
  it('duplicate keys', () => {
    const h = '{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0078":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
    expectDiag(parse(rawSafetensors(h, data)), 'RPN3005', "'x'", 'bad.safetensors');
    const nested = '{"x":{"dtype":"F32","dtype":"F64","shape":[2],"data_offsets":[0,8]}}';
    expectDiag(parse(rawSafetensors(nested, data)), 'RPN3005', "'dtype'", "inside 'x'");
  });
  it('entries with missing fields or wrong types', () => {
    expectDiag(withX({ shape: [2], data_offsets: [0, 8] }), 'RPN3006', "'x'", "no 'dtype'");
    expectDiag(withX({ dtype: 'F32', data_offsets: [0, 8] }), 'RPN3006', "no 'shape'");
    expectDiag(withX({ dtype: 'F32', shape: [2] }), 'RPN3006', "no 'data_offsets'");
    expectDiag(withX({ dtype: 7, shape: [2], data_offsets: [0, 8] }), 'RPN3006', 'non-string dtype');
    expectDiag(withX({ dtype: 'F32', shape: '2', data_offsets: [0, 8] }), 'RPN3006', 'array of dimensions');
    expectDiag(withX({ dtype: 'F32', shape: [-2], data_offsets: [0, 8] }), 'RPN3006', 'dimension 0 = -2');
    expectDiag(withX({ dtype: 'F32', shape: [1.5], data_offsets: [0, 8] }), 'RPN3006', 'dimension 0 = 1.5');
    expectDiag(withX({ dtype: 'F32', shape: [2], data_offsets: [0] }), 'RPN3006', 'data_offsets [0]');
    expectDiag(withX([1]), 'RPN3006', 'must be an object');
  });
  it('offsets out of range, reversed, wrong size, overlapping', () => {
    expectDiag(withX({ dtype: 'F32', shape: [4], data_offsets: [0, 16] }), 'RPN3007', "'x'", 'beyond the 8-byte data buffer');
    expectDiag(withX({ dtype: 'F32', shape: [0], data_offsets: [8, 4] }), 'RPN3007', 'end before begin');
    expectDiag(withX({ dtype: 'F32', shape: [3], data_offsets: [0, 8] }), 'RPN3007', 'needs 12 bytes');
    const h = { x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expectDiag(parse(rawSafetensors(h, data)), 'RPN3007', "'x'", "'y'", 'overlap');
  });
  it('non-F32 dtypes', () => {
    const text = expectDiag(withX({ dtype: 'F64', shape: [1], data_offsets: [0, 8] }), 'RPN3008', "'x'", 'F64', 'bad.safetensors');
    expect(text).toContain('rpnc reads float32 checkpoints: save with tensor.float()');
    expectDiag(withX({ dtype: 'Q4', shape: [1], data_offsets: [0, 8] }), 'RPN3008', "unknown dtype 'Q4'");
  });
  it('skips I64 num_batches_tracked', () => {
    const h = { ...ok, 'bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [8, 16] } };
    const f = parseSafetensors(rawSafetensors(h, new Uint8Array([...data, 0, 0, 0, 0, 0, 0, 0, 0])), 'm');
    expect([...f.tensors.keys()]).toEqual(['x']);
    expect(f.skipped).toEqual(['bn.num_batches_tracked']);
  });
  it('NaN and Inf', () => {
    const h = { 'layers.0.w': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } };
    expectDiag(parse(rawSafetensors(h, f32Bytes([0, 1, NaN, 2]))), 'RPN3009', "'layers.0.w'", 'NaN at index 2', '[1,0]');
    expectDiag(parse(rawSafetensors(h, f32Bytes([-Infinity, 1, 0, 2]))), 'RPN3009', '-Infinity at index 0');
  });
});

describe('mergeWeightFiles', () => {
  it('merges and rejects a key present in two files', () => {
    const dir = tmpDir();
    const a = path.join(dir, 'a.safetensors');
    const b = path.join(dir, 'b.safetensors');
    const c = path.join(dir, 'c.safetensors');
    writeSafetensors(a, { p: { shape: [1], data: Float32Array.from([1]) } });
    writeSafetensors(b, { q: { shape: [1], data: Float32Array.from([2]) } });
    writeSafetensors(c, { p: { shape: [1], data: Float32Array.from([3]) } });
    const m = mergeWeightFiles([a, b]);
    expect(m.tensors.get('q')!.file).toBe(b);
    expect(m.tensors.get('p')!.data[0]).toBe(1);
    expectDiag(() => mergeWeightFiles([a, b, c]), 'RPN3010', "'p'", a, c);
  });
});

describe('helpers', () => {
  it('findDuplicateKey ignores strings that are values and equal keys in different objects', () => {
    expect(findDuplicateKey('{"a":"a","b":{"a":1},"c":[{"a":1},{"a":2}]}')).toBeUndefined();
    expect(findDuplicateKey('{"a":{"k":[1,"}"],"k":2}}')).toEqual({ key: 'k', path: ['a'] });
  });
  it('every RPN3xxx code used by the sources is documented', () => {
    const root = path.resolve(dataDir, '../../..');
    const src = ['compiler/weights', 'runtime/io'].flatMap((d) =>
      fs.readdirSync(path.join(root, d)).map((f) => fs.readFileSync(path.join(root, d, f), 'utf8')));
    const used = new Set(src.join('\n').match(/RPN3\d{3}/g));
    // weight and tensor-file codes live in WeightCodes; the ONNX-file ones (RPN34xx, e.g. run's outputs) in compiler/codes.ts
    for (const c of used) expect([...Object.keys(WeightCodes), ...Object.keys(ONNX_FILE_CODES)]).toContain(c);
  });
});
