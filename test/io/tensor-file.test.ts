import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readTensorFile, writeTensorFile } from '../../runtime/io/tensor-file.js';
import { writeSafetensors } from '../../compiler/weights/safetensors.js';
import { dataDir, expectDiag, f32Bytes, tmpDir } from '../weights/helpers.js';

/** A .npy file built by hand: magic, version, header length, dict text padded to `align`, data. */
function npy(dict: string, data: Uint8Array, major = 1, align = 64): Uint8Array {
  const lenSize = major === 1 ? 2 : 4;
  const pre = 8 + lenSize;
  let h = dict;
  while ((pre + h.length + 1) % align !== 0) h += ' ';
  h += '\n';
  const text = new TextEncoder().encode(h);
  const out = new Uint8Array(pre + text.length + data.length);
  out.set([0x93, ...'NUMPY'.split('').map((c) => c.charCodeAt(0)), major, 0]);
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, text.length, true);
  else dv.setUint32(8, text.length, true);
  out.set(text, pre);
  out.set(data, pre + text.length);
  return out;
}

const f8Bytes = (xs: number[]) => {
  const b = new Uint8Array(xs.length * 8);
  xs.forEach((x, i) => new DataView(b.buffer).setFloat64(i * 8, x, true));
  return b;
};
const i8Bytes = (xs: bigint[]) => {
  const b = new Uint8Array(xs.length * 8);
  xs.forEach((x, i) => new DataView(b.buffer).setBigInt64(i * 8, x, true));
  return b;
};
const six = [1, 2, 3, 4, 5, 6.5];
const write = (name: string, bytes: Uint8Array | string): string => {
  const file = path.join(tmpDir(), name);
  fs.writeFileSync(file, bytes);
  return file;
};

describe('.npy', () => {
  it('reads a hand-written v1.0 file', () => {
    const bytes = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes(six));
    const t = readTensorFile(write('x.npy', bytes));
    expect(t.shape).toEqual([2, 3]);
    expect([...t.data]).toEqual(six);
  });

  it('reads v2.0 and v3.0 headers, 1-d and 0-d shapes, other key orders', () => {
    expect(parseNpy(npy("{'shape': (6,), 'fortran_order': False, 'descr': '<f4'}", f32Bytes(six), 2), 'm').shape).toEqual([6]);
    expect(parseNpy(npy('{"descr": "<f4", "fortran_order": False, "shape": ()}', f32Bytes([9]), 3), 'm')).toEqual({ shape: [], data: Float32Array.from([9]) });
  });

  it('converts <f8, <i8, <i4 to float32', () => {
    expect([...parseNpy(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f8Bytes([1.5, 0.1])), 'm').data]).toEqual([1.5, Math.fround(0.1)]);
    expect([...parseNpy(npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", i8Bytes([-3n, 7n])), 'm').data]).toEqual([-3, 7]);
    const i4 = new Uint8Array(new Int32Array([5, -6]).buffer);
    expect([...parseNpy(npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", i4), 'm').data]).toEqual([5, -6]);
  });

  it('writes exactly what numpy.save writes, and reads it back', () => {
    const t = { shape: [2, 3], data: Float32Array.from(six) };
    const hand = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + ' '.repeat(20), f32Bytes(six));
    expect(Buffer.from(encodeNpy(t)).equals(Buffer.from(hand))).toBe(true);
    const dir = tmpDir();
    const file = path.join(dir, 'out.npy');
    writeTensorFile(file, t);
    expect(fs.readdirSync(dir)).toEqual(['out.npy']);
    expect(readTensorFile(file)).toEqual(t);
    for (const shape of [[], [5], [0, 4], [2, 1, 3]]) {
      const u = { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i / 3) };
      const bytes = encodeNpy(u);
      expect(bytes.length % 64).toBe((u.data.length * 4) % 64); // data starts on a 64-byte boundary
      expect(parseNpy(bytes, 'm')).toEqual(u);
    }
  });

  it('errors: bad magic, version, fortran order, dtype, size, NaN', () => {
    const good = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes(six));
    const badMagic = good.slice();
    badMagic[1] = 0x58;
    expectDiag(() => readTensorFile(write('m.npy', badMagic)), 'RPN3203', 'm.npy', 'magic');
    const v9 = good.slice();
    v9[6] = 9;
    expectDiag(() => parseNpy(v9, 'v.npy'), 'RPN3203', 'version 9.0');
    expectDiag(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32Bytes(six)), 'f.npy'), 'RPN3205', 'f.npy', 'Fortran', 'ascontiguousarray');
    expectDiag(() => parseNpy(npy("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", f32Bytes([1])), 'b.npy'), 'RPN3204', "'>f4'", "astype('<f4')");
    expectDiag(() => parseNpy(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", f32Bytes([1])), 's.npy'), 'RPN3204', 'structured');
    expectDiag(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", f32Bytes(six)), 't.npy'), 'RPN3206', 't.npy', '[2,4]', 'needs 32', 'has 24');
    expectDiag(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3) ", f32Bytes(six)), 'h.npy'), 'RPN3203', 'cannot parse the header');
    expectDiag(() => parseNpy(good.subarray(0, 30), 'cut.npy'), 'RPN3203', 'truncated');
    const nan = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes([0, 0, 0, 0, NaN, 0]));
    expectDiag(() => readTensorFile(write('n.npy', nan)), 'RPN3210', 'n.npy', 'NaN at index 4', '[1,1]');
  });
});

describe('.json', () => {
  it('reads nested arrays and {shape, data}', () => {
    expect(readTensorFile(write('a.json', '[[1, 2, 3], [4, 5, 6.5]]'))).toEqual({ shape: [2, 3], data: Float32Array.from(six) });
    expect(readTensorFile(write('b.json', '{"shape": [3, 2], "data": [1, 2, 3, 4, 5, 6.5]}'))).toEqual({ shape: [3, 2], data: Float32Array.from(six) });
    expect(readTensorFile(write('c.json', '2.5'))).toEqual({ shape: [], data: Float32Array.from([2.5]) });
    expect(readTensorFile(write('d.json', '[]'))).toEqual({ shape: [0], data: new Float32Array(0) });
  });

  it('errors: ragged rows, non-numbers, invalid JSON, data length', () => {
    expectDiag(() => readTensorFile(write('r.json', '[[1, 2, 3], [4, 5]]')), 'RPN3207', 'r.json', 'ragged', 'row [1] has 2 elements, expected 3');
    expectDiag(() => readTensorFile(write('r2.json', '[[1, 2], [3, [4]]]')), 'RPN3207', 'element [1][1]', 'nested deeper');
    expectDiag(() => readTensorFile(write('s.json', '[[1, "2"]]')), 'RPN3207', 'element [0][1] is "2"');
    expectDiag(() => readTensorFile(write('i.json', '[[1, 2],')), 'RPN3207', 'i.json', 'not valid JSON');
    expectDiag(() => readTensorFile(write('l.json', '{"shape": [2, 2], "data": [1, 2, 3]}')), 'RPN3206', 'l.json', 'needs 4 values');
    expectDiag(() => readTensorFile(write('o.json', '[1e39]')), 'RPN3210', 'Infinity');
  });

  it('round-trips through writeTensorFile', () => {
    const dir = tmpDir();
    for (const t of [{ shape: [2, 3], data: Float32Array.from(six) }, { shape: [2, 1, 2], data: Float32Array.from([0.1, 0.2, 0.3, 1e-8]) }, { shape: [], data: Float32Array.from([3]) }]) {
      const file = path.join(dir, 'o.json');
      writeTensorFile(file, t);
      expect(readTensorFile(file)).toEqual(t);
    }
    expect(fs.readFileSync(path.join(dir, 'o.json'), 'utf8')).toBe('3\n');
    expectDiag(() => writeTensorFile(path.join(dir, 'n.json'), { shape: [1], data: Float32Array.from([NaN]) }), 'RPN3209', 'n.json', '.npy');
  });
});

describe('.safetensors tensor files', () => {
  it('reads input of the tinybig golden io file', () => {
    const file = path.join(dataDir, 'a_identity_bias.io.safetensors');
    expect(readTensorFile(file).shape).toEqual([4, 5]);
    expect(readTensorFile(file, { name: 'output' }).shape).toEqual([4, 3]);
    expectDiag(() => readTensorFile(file, { name: 'y' }), 'RPN3208', "no tensor named 'y'", "'input', 'output'");
  });

  it('picks the only tensor, refuses ambiguity, writes "output"', () => {
    const dir = tmpDir();
    const one = path.join(dir, 'one.safetensors');
    writeSafetensors(one, { x: { shape: [2], data: Float32Array.from([1, 2]) } });
    expect([...readTensorFile(one).data]).toEqual([1, 2]);
    const two = path.join(dir, 'two.safetensors');
    writeSafetensors(two, { a: { shape: [1], data: Float32Array.from([1]) }, b: { shape: [1], data: Float32Array.from([2]) } });
    expectDiag(() => readTensorFile(two), 'RPN3208', 'two.safetensors', "no tensor named 'input'", "'a', 'b'");
    const out = path.join(dir, 'out.safetensors');
    writeTensorFile(out, { shape: [1, 2], data: Float32Array.from([5, 6]) });
    expect(readTensorFile(out, { name: 'output' })).toEqual({ shape: [1, 2], data: Float32Array.from([5, 6]) });
  });
});

describe('file-level errors', () => {
  it('unknown extension, missing file, shape mismatch on write', () => {
    expectDiag(() => readTensorFile('x.csv'), 'RPN3202', "'.csv'", '.npy', '.json', '.safetensors');
    expectDiag(() => writeTensorFile('x', { shape: [], data: new Float32Array(1) }), 'RPN3202', '(none)');
    expectDiag(() => readTensorFile('/nonexistent/in.npy'), 'RPN3201', '/nonexistent/in.npy', 'does not exist');
    const dirNamedNpy = path.join(tmpDir(), 'd.npy');
    fs.mkdirSync(dirNamedNpy);
    expectDiag(() => readTensorFile(dirNamedNpy), 'RPN3201', 'is a directory');
    expectDiag(() => writeTensorFile(path.join(tmpDir(), 'w.npy'), { shape: [3], data: new Float32Array(2) }), 'RPN3206', '[3]');
  });
});
