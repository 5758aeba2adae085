/**
 * safetensors reader/writer (hand-written, strict).
 *
 * Layout: u64 little-endian header length N; N bytes of UTF-8 JSON
 *   { "<name>": { "dtype": "F32", "shape": [..], "data_offsets": [begin, end] }, ..., "__metadata__": {str: str} }
 * then the data buffer; offsets are relative to the start of the data buffer.
 * rpnc only reads F32 tensors; keys ending in `num_batches_tracked` (BatchNorm counters, I64) are skipped.
 */
import * as fs from 'node:fs';
import { fail, type Diagnostic } from '../diagnostics.js';
import { boundedReadProblem, MAX_READ_BYTES, readBytesBounded } from '../read-bounded.js';
import { writeFileAtomic } from './atomic.js';
import { findDuplicateKey } from './json-dupes.js';
import { formatName, parseTorchCheckpoint, refuseLegacy, sniffFile, type TorchCheckpoint } from './torch-checkpoint.js';
import { pushAll } from '../../ir/arrays.js';

export interface SafeTensor {
  dtype: string;
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsFile {
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
  /** Keys present in the file but deliberately not loaded (`*num_batches_tracked`). */
  skipped: string[];
}

export interface TensorToWrite {
  shape: number[];
  data: Float32Array;
}

const MAX_HEADER = 100_000_000;
const ITEMSIZE: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, F8_E4M3: 1, F8_E5M2: 1,
  I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const FLOAT_HINT = 'rpnc reads float32 checkpoints: save with tensor.float() (e.g. {k: v.float() for k, v in sd.items()})';
const RESAVE_HINT = 'the file is corrupt or not a safetensors file: re-export it with safetensors.torch.save_file';

const fmtShape = (s: readonly number[]): string => `[${s.join(',')}]`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNatural = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Row-major multi-index of flat index `i` in `shape`, e.g. `[1,2]`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = n === 0 ? 0 : i % n;
    i = n === 0 ? i : Math.floor(i / n);
  }
  return idx;
}

/** Index of the first NaN/±Inf in `data`, or -1. */
export function firstNonFinite(data: Float32Array): number {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return i;
  return -1;
}

/** Read and validate a safetensors file. Throws `DiagnosticError` (RPN30xx) naming the file and key. */
export function readSafetensors(path: string): SafetensorsFile {
  return parseSafetensors(readWeightBytes(path), path);
}

/**
 * Read a weight file of either kind, recognised by content (not by extension): a `torch.save` zip
 * archive (compiler/weights/torch-checkpoint.ts), else safetensors. A legacy torch file or another
 * pickle is refused with its own code.
 */
export function readWeightFile(path: string): SafetensorsFile & { warnings?: Diagnostic[] } {
  return parseWeightFile(readWeightBytes(path), path);
}

/** The bytes of a weight file, parsed by kind (one sniffer, `sniffFile`): `format` says which reader took it. */
export function parseWeightFile(bytes: Uint8Array, path: string): (SafetensorsFile & { warnings?: Diagnostic[]; format: 'safetensors' }) | (TorchCheckpoint & { format: 'torch.save' }) {
  const kind = sniffFile(bytes);
  if (kind === 'torch-zip' && !/\.npz$/i.test(path)) return { ...parseTorchCheckpoint(bytes, path), format: 'torch.save' }; // a .npz is named as such (RPN3120)
  if (kind === 'torch-legacy') refuseLegacy(path);
  if (kind === 'pickle') {
    fail('RPN3524', `'${path}' is a pickle, not a checkpoint rpnc reads`, {
      hint: 'pass a torch.save(model.state_dict(), path) file or a safetensors file; a graph pickle (graph.save) belongs to the model\'s graphFilePath',
    });
  }
  return { ...parseSafetensors(bytes, path), format: 'safetensors' };
}

/** The largest weight file rpnc reads (Node's largest Buffer, 4 GiB): larger checkpoints are split into several files. */
export const MAX_WEIGHT_FILE_BYTES = MAX_READ_BYTES - 1;

export function readWeightBytes(path: string): Uint8Array {
  // type and size first: a FIFO or a device (/dev/zero) is never opened, a file above the limit never read
  const r = readBytesBounded(path, MAX_WEIGHT_FILE_BYTES);
  if (!r.ok) {
    fail('RPN3001', `weight file '${path}' ${boundedReadProblem(r, MAX_WEIGHT_FILE_BYTES)}`, {
      hint: r.problem === 'too-large' ? 'split the checkpoint into several files (repeat -w)' : 'check the path passed for the weights (relative paths are resolved from the current directory)',
    });
  }
  return r.data;
}

function copyF32(bytes: Uint8Array, start: number, count: number): Float32Array {
  // A fresh, 4-byte aligned copy (not `bytes.slice`: on a Node Buffer that is a view into a shared pool).
  const copy = new Uint8Array(bytes.subarray(start, start + count * 4));
  if (LITTLE_ENDIAN_HOST) return new Float32Array(copy.buffer, 0, count);
  const dv = new DataView(copy.buffer);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** Parse safetensors bytes; `label` (usually the file path) names the source in messages. */
const MAX_HEADER_DEPTH = 16;

/** Deepest nesting of objects and arrays in valid JSON text (no recursion). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x7b || ch === 0x5b) max = Math.max(max, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}


export function parseSafetensors(bytes: Uint8Array, label: string): SafetensorsFile {
  const other = formatName(sniffFile(bytes), label);
  if (other) {
    fail('RPN3120', `'${label}' is ${other}, not a safetensors file`, {
      hint: "rpnc reads torch.save(model.state_dict(), path) files (tinybig's save_ckpt) and safetensors checkpoints (see docs/getting-started.md)",
    });
  }
  if (bytes.length < 8) {
    fail('RPN3002', `'${label}' is ${bytes.length} bytes long, too short for a safetensors file (the header length alone is 8 bytes)`, { hint: RESAVE_HINT });
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = dv.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) {
    fail('RPN3003', `'${label}': safetensors header length ${n64} bytes is absurd (limit ${MAX_HEADER})`, { hint: RESAVE_HINT });
  }
  const n = Number(n64);
  if (8 + n > bytes.length) {
    fail('RPN3003', `'${label}': safetensors header claims ${n} bytes but the file has only ${bytes.length - 8} bytes after the length field (truncated?)`, { hint: RESAVE_HINT });
  }
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('RPN3004', `'${label}': safetensors header is not valid UTF-8`, { hint: RESAVE_HINT });
  }
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail('RPN3004', `'${label}': safetensors header is not valid JSON (${(e as Error).message})`, { hint: RESAVE_HINT });
  }
  const depth = jsonDepth(text);
  if (depth > MAX_HEADER_DEPTH) {
    // a safetensors header is {name: {dtype, shape, data_offsets}}: 3 levels; checking (and quoting) a 5,000-deep one would overflow the stack
    fail('RPN3004', `'${label}': safetensors header nests objects and arrays ${depth} deep (a valid header nests 3)`, { hint: RESAVE_HINT });
  }
  if (!isObject(header)) {
    fail('RPN3004', `'${label}': safetensors header must be a JSON object, found ${Array.isArray(header) ? 'an array' : JSON.stringify(header)}`, { hint: RESAVE_HINT });
  }
  const dup = findDuplicateKey(text);
  if (dup) {
    const where = dup.path.length ? ` inside '${dup.path.join('.')}'` : '';
    fail('RPN3005', `'${label}': key '${dup.key}' appears twice in the safetensors header${where}`, {
      hint: 'the file is ambiguous (JSON readers disagree on which copy wins): re-export it so each tensor name appears once',
    });
  }

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata = readMetadata(header['__metadata__'], label);
  const entries: { key: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [key, raw] of Object.entries(header)) {
    if (key === '__metadata__') continue;
    entries.push({ key, ...checkEntry(key, raw, label, dataLen) });
  }
  checkOverlap(entries, label);

  const tensors = new Map<string, SafeTensor>();
  const skipped: string[] = [];
  for (const e of entries) {
    if (e.dtype !== 'F32') {
      if (e.key.endsWith('num_batches_tracked')) {
        skipped.push(e.key);
        continue;
      }
      fail('RPN3008', `'${label}': tensor '${e.key}' has dtype ${e.dtype}; only F32 is supported`, { hint: FLOAT_HINT });
    }
    const count = (e.end - e.begin) / 4;
    const data = copyF32(bytes, dataStart + e.begin, count);
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      fail('RPN3009', `'${label}': tensor '${e.key}' contains ${data[bad]} at index ${bad} (element ${fmtShape(unravel(bad, e.shape))} of shape ${fmtShape(e.shape)})`, {
        hint: 'the checkpoint holds diverged or uninitialised weights: retrain or re-export a finite checkpoint',
      });
    }
    tensors.set(e.key, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata, skipped };
}

function readMetadata(raw: unknown, label: string): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw)) fail('RPN3004', `'${label}': __metadata__ must be an object of strings`, { hint: RESAVE_HINT });
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') {
      fail('RPN3004', `'${label}': __metadata__ value '${k}' must be a string, found ${JSON.stringify(v)}`, { hint: 'safetensors metadata maps strings to strings: convert values with str()' });
    }
  }
  return { ...(raw as Record<string, string>) };
}

function checkEntry(key: string, raw: unknown, label: string, dataLen: number) {
  const bad = (what: string): never =>
    fail('RPN3006', `'${label}': tensor '${key}' ${what}`, { hint: RESAVE_HINT });
  if (!isObject(raw)) bad(`must be an object with dtype, shape and data_offsets, found ${JSON.stringify(raw)}`);
  const entry = raw as Record<string, unknown>;
  for (const f of ['dtype', 'shape', 'data_offsets']) if (!(f in entry)) bad(`has no '${f}'`);
  const { dtype, shape, data_offsets: offs } = entry;
  if (typeof dtype !== 'string') bad(`has a non-string dtype ${JSON.stringify(dtype)}`);
  const itemsize = Object.hasOwn(ITEMSIZE, dtype as string) ? ITEMSIZE[dtype as string] : undefined;
  if (itemsize === undefined) {
    fail('RPN3008', `'${label}': tensor '${key}' has unknown dtype '${dtype as string}'`, { hint: FLOAT_HINT });
  }
  if (!Array.isArray(shape)) bad(`has shape ${JSON.stringify(shape)}, expected an array of dimensions`);
  (shape as unknown[]).forEach((d, i) => {
    if (!isNatural(d)) bad(`has dimension ${i} = ${JSON.stringify(d)}; dimensions must be non-negative integers`);
  });
  if (!Array.isArray(offs) || offs.length !== 2 || !offs.every(isNatural)) {
    bad(`has data_offsets ${JSON.stringify(offs)}, expected [begin, end] with non-negative integers`);
  }
  const dims = shape as number[];
  const [begin, end] = offs as number[];
  if (end! < begin!) {
    fail('RPN3007', `'${label}': tensor '${key}' has data_offsets [${begin}, ${end}] with end before begin`, { hint: RESAVE_HINT });
  }
  if (end! > dataLen) {
    fail('RPN3007', `'${label}': tensor '${key}' has data_offsets [${begin}, ${end}] beyond the ${dataLen}-byte data buffer (truncated file?)`, { hint: RESAVE_HINT });
  }
  const expected = dims.reduce((a, b) => a * b, 1) * itemsize!;
  if (expected !== end! - begin!) {
    fail('RPN3007', `'${label}': tensor '${key}' of shape ${fmtShape(dims)} and dtype ${dtype as string} needs ${expected} bytes but data_offsets [${begin}, ${end}] span ${end! - begin!}`, { hint: RESAVE_HINT });
  }
  return { dtype: dtype as string, shape: dims, begin: begin!, end: end! };
}

function checkOverlap(entries: { key: string; begin: number; end: number }[], label: string): void {
  const sorted = entries.filter((e) => e.end > e.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.begin < a.end) {
      fail('RPN3007', `'${label}': tensors '${a.key}' [${a.begin}, ${a.end}] and '${b.key}' [${b.begin}, ${b.end}] overlap in the data buffer`, { hint: RESAVE_HINT });
    }
  }
}

/**
 * Encode tensors as safetensors. Deterministic: `__metadata__` first, tensor keys sorted (by UTF-16
 * code unit), data laid out in that order, header padded with spaces to a multiple of 8 bytes.
 */
export function encodeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') fail('RPN3012', `metadata value '${k}' must be a string`);
    }
  }
  const raw = Object.keys(tensors).sort().map((key): RawTensor => {
    if (key === '__metadata__') fail('RPN3012', `'__metadata__' cannot be used as a tensor name`);
    const { shape, data } = tensors[key]!;
    if (!shape.every(isNatural)) fail('RPN3012', `tensor '${key}' has invalid shape ${fmtShape(shape)}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      fail('RPN3012', `tensor '${key}' has shape ${fmtShape(shape)} (${count} elements) but ${data.length} values`);
    }
    // a view of the float32 values: typed arrays are little-endian on every platform rpnc runs on
    return { key, dtype: 'F32', shape, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  });
  return encodeSafetensorsRaw(raw, metadata);
}

/** A tensor given as its elements' little-endian bytes, with its safetensors dtype ('F32', 'I64', 'BOOL', …). */
export interface RawTensor {
  key: string;
  dtype: string;
  shape: readonly number[];
  bytes: Uint8Array;
}

/**
 * The safetensors layout of tensors already checked and in bytes: `__metadata__` first when given, then the
 * tensors in the order given, data laid out in that order; the header padded with spaces to a multiple of 8 bytes.
 */
export function encodeSafetensorsRaw(tensors: RawTensor[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = Object.create(null); // keys like '__proto__' stay plain
  if (metadata !== undefined) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.key] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let pos = 8 + padded;
  for (const t of tensors) {
    out.set(t.bytes, pos);
    pos += t.bytes.length;
  }
  return out;
}

/** Write a safetensors file atomically (temporary file + rename). */
export function writeSafetensors(path: string, tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export interface MergedTensor extends SafeTensor {
  /** The file the tensor was read from. */
  file: string;
}

export interface MergedWeights {
  tensors: Map<string, MergedTensor>;
  /** Per-file metadata, in the order the files were given. */
  files: { path: string; metadata: Record<string, string>; skipped: string[] }[];
  /** Warnings of the readers (RPN3522: tensors converted to float32). */
  warnings: Diagnostic[];
}

/** Read several checkpoints into one map; a key present in two files is an error naming both. */
export function mergeWeightFiles(paths: string[]): MergedWeights {
  const tensors = new Map<string, MergedTensor>();
  const files: MergedWeights['files'] = [];
  const warnings: Diagnostic[] = [];
  for (const path of paths) {
    const f = readWeightFile(path);
    pushAll(warnings, f.warnings ?? []);
    for (const [key, t] of f.tensors) {
      const prev = tensors.get(key);
      if (prev) {
        fail('RPN3010', `weight '${key}' is in both '${prev.file}' and '${path}'`, {
          hint: 'each weight must come from exactly one file: remove it from one of them, or pass only one of the files',
        });
      }
      tensors.set(key, { ...t, file: path });
    }
    files.push({ path, metadata: f.metadata, skipped: f.skipped });
  }
  return { tensors, files, warnings };
}
