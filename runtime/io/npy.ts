/**
 * NumPy `.npy` reader (format versions 1.0, 2.0, 3.0) and writer (1.0, '<f4', C order).
 *
 * Layout: "\x93NUMPY", major, minor, header length (u16 LE for 1.0, u32 LE for 2.0/3.0), a Python
 * dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (4, 5), }` padded with spaces and
 * ending in '\n' (latin-1 for 1.0/2.0, UTF-8 for 3.0), then the raw data.
 */
import { fail } from '../../compiler/diagnostics.js';
import type { Tensor } from './tensor.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const REWRITE_HINT = "re-save it with numpy.save(path, array.astype('<f4'))";

/** Supported descriptors and how to read one element at `off`. */
const READERS: Record<string, { size: number; read: (dv: DataView, off: number) => number }> = {
  '<f4': { size: 4, read: (dv, o) => dv.getFloat32(o, true) },
  '<f8': { size: 8, read: (dv, o) => dv.getFloat64(o, true) },
  '<i4': { size: 4, read: (dv, o) => dv.getInt32(o, true) },
  '<i8': { size: 8, read: (dv, o) => Number(dv.getBigInt64(o, true)) },
};

export function parseNpy(bytes: Uint8Array, label: string): Tensor {
  const bad = (what: string): never => fail('RPN3203', `'${label}' is not a valid .npy file: ${what}`, { hint: REWRITE_HINT });
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) bad('it does not start with the magic string \\x93NUMPY');
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) bad(`unsupported format version ${major}.${minor} (rpnc reads 1.0, 2.0 and 3.0)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) bad('the file ends inside the header length');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = 8 + lenSize;
  if (start + hlen > bytes.length) bad(`the header claims ${hlen} bytes but the file ends before that (truncated?)`);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(bytes.subarray(start, start + hlen));
  } catch {
    return bad('the header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = new PyLiteral(text).parseAll();
  } catch (e) {
    bad(`cannot parse the header ${JSON.stringify(text.trim())}: ${(e as Error).message}`);
  }
  if (!(header instanceof Map)) bad('the header is not a dict');
  const h = header as Map<unknown, unknown>;
  const descr = h.get('descr');
  const fortran = h.get('fortran_order');
  const shape = h.get('shape');
  if (typeof descr !== 'string') {
    fail('RPN3204', `'${label}': structured or unknown array dtype ${JSON.stringify(descr)}; rpnc reads plain float32 arrays`, { hint: REWRITE_HINT });
  }
  if (typeof fortran !== 'boolean') bad("the header has no boolean 'fortran_order'");
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) bad("the header has no 'shape' tuple of non-negative integers");
  const reader = Object.hasOwn(READERS, descr as string) ? READERS[descr as string] : undefined;
  if (!reader) {
    fail('RPN3204', `'${label}': array dtype '${descr as string}' is not supported (rpnc reads '<f4', and converts '<f8', '<i4', '<i8' to float32)`, { hint: REWRITE_HINT });
  }
  if (fortran) {
    fail('RPN3205', `'${label}': the array is stored in Fortran (column-major) order`, { hint: "re-save a C-ordered copy: numpy.save(path, numpy.ascontiguousarray(array))" });
  }
  const dims = shape as number[];
  const count = dims.reduce((a, b) => a * b, 1);
  const dataStart = start + hlen;
  const have = bytes.length - dataStart;
  if (count * reader!.size !== have) {
    fail('RPN3206', `'${label}': shape [${dims.join(',')}] of '${descr as string}' needs ${count * reader!.size} data bytes but the file has ${have}`, { hint: 'the file is truncated or was edited: ' + REWRITE_HINT });
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = reader!.read(dv, dataStart + i * reader!.size);
  return { shape: dims, data };
}

/** Encode as .npy 1.0, '<f4', C order, byte-identical to `numpy.save` of a float32 array. */
export function encodeNpy(t: Tensor): Uint8Array {
  const data = new Uint8Array(t.data.length * 4);
  const dv = new DataView(data.buffer);
  for (let i = 0; i < t.data.length; i++) dv.setFloat32(i * 4, t.data[i]!, true);
  return encodeNpyBytes('<f4', t.shape, data);
}

/** A .npy 1.0 file (C order) of `descr` (e.g. '<i8', '|b1') holding `data`, the elements' little-endian bytes, as `numpy.save` writes it. */
export function encodeNpyBytes(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  // Byte-identical to numpy.save: spare room for the first axis to grow to 21 digits, then pad with
  // spaces and '\n' so the data starts at a multiple of 64 (numpy adds a full 64 when already aligned).
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  dict += ' '.repeat(64 - ((10 + dict.length + 1) % 64)) + '\n';
  const total = 10 + dict.length;
  const out = new Uint8Array(total + data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  out.set(data, total);
  return out;
}

/** A reader for the subset of Python literals numpy headers use: dict, tuple, list, str, int, True/False/None. */
class PyLiteral {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): unknown {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) throw new Error(`unexpected '${this.s[this.i]}' at ${this.i}`);
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.seq('}', true);
    if (c === '(') return this.seq(')', false);
    if (c === '[') return this.seq(']', false);
    if (c === "'" || c === '"') {
      const end = this.s.indexOf(c, this.i + 1);
      if (end < 0) throw new Error('unterminated string');
      const str = this.s.slice(this.i + 1, end);
      this.i = end + 1;
      return str;
    }
    const m = /^(-?\d+|True|False|None)/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`unexpected ${c === undefined ? 'end' : `'${c}'`} at ${this.i}`);
    this.i += m[0].length;
    return m[0] === 'True' ? true : m[0] === 'False' ? false : m[0] === 'None' ? null : Number(m[0]);
  }

  /** Comma-separated items up to `close` (a trailing comma is allowed); dicts become Maps. */
  private seq(close: string, dict: boolean): unknown {
    this.i++;
    const items: unknown[] = [];
    const map = new Map<unknown, unknown>();
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) break;
      const v = this.value();
      if (dict) {
        this.ws();
        if (this.s[this.i] !== ':') throw new Error(`expected ':' at ${this.i}`);
        this.i++;
        if (map.has(v)) throw new Error(`duplicate key ${JSON.stringify(v)}`);
        map.set(v, this.value());
      } else items.push(v);
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== close) throw new Error(`expected ',' or '${close}' at ${this.i}`);
    }
    this.i++;
    return dict ? map : items;
  }
}
