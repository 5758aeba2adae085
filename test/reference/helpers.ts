/**
 * Test-only helpers for the reference interpreter: a tiny safetensors reader (F32 only), a Map-backed
 * WeightSource, golden-case loading and the elementwise tolerance check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightSource } from '../../compiler/spec/params.js';
import type { Matrix } from '../../runtime/reference/index.js';

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** safetensors: u64-LE header length, JSON header {name: {dtype, shape, data_offsets}}, then raw LE data. */
export function readSafetensors(file: string): Map<string, Tensor> {
  const buf = fs.readFileSync(file);
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + headerLen;
  const out = new Map<string, Tensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (info.dtype !== 'F32') throw new Error(`${file}: ${name} has dtype ${info.dtype}, only F32 is supported`);
    const [start, end] = info.data_offsets;
    const bytes = buf.subarray(base + start, base + end);
    const data = new Float32Array(bytes.length / 4);
    for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
    out.set(name, { shape: info.shape, data });
  }
  return out;
}

/** A WeightSource over a Map: get() checks the shape and throws when the key is missing. */
export class MapWeightSource implements WeightSource {
  readonly read = new Set<string>();
  constructor(readonly tensors: Map<string, Tensor>) {}
  has(key: string): boolean {
    return this.tensors.has(key);
  }
  get(key: string, shape: number[], opts: { requiredBy: string }): Float32Array {
    const t = this.tensors.get(key);
    if (!t) throw new Error(`missing tensor '${key}' (required by ${opts.requiredBy})`);
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`tensor '${key}' has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}] (required by ${opts.requiredBy})`);
    }
    if (t.data.length !== size(shape)) throw new Error(`tensor '${key}' has ${t.data.length} values`);
    this.read.add(key);
    return t.data;
  }
}

export function weightsFrom(entries: Record<string, { shape: number[]; data: number[] }>): MapWeightSource {
  return new MapWeightSource(new Map(Object.entries(entries).map(([k, v]) => [k, { shape: v.shape, data: Float32Array.from(v.data) }])));
}

export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/golden');

export interface GoldenCase {
  weights: MapWeightSource;
  extras: MapWeightSource;
  input: Matrix;
  output: Matrix;
  meta: Record<string, unknown>;
}

export function loadGolden(name: string): GoldenCase {
  const dir = path.join(GOLDEN_DIR, name);
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? readSafetensors(path.join(dir, f)) : new Map<string, Tensor>());
  const io = read('io.safetensors');
  const mat = (t: Tensor | undefined, what: string): Matrix => {
    if (!t || t.shape.length !== 2) throw new Error(`${name}: io.safetensors has no 2-D '${what}'`);
    return { rows: t.shape[0], cols: t.shape[1], data: t.data };
  };
  return {
    weights: new MapWeightSource(read('weights.safetensors')),
    extras: new MapWeightSource(read('extras.safetensors')),
    input: mat(io.get('input'), 'input'),
    output: mat(io.get('output'), 'output'),
    meta: JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>,
  };
}

/** Elementwise |actual − expected| ≤ atol + rtol·|expected|; returns a description of the worst miss, or undefined. */
export function compareClose(actual: Matrix, expected: Matrix, atol = 1e-5, rtol = 1e-4): string | undefined {
  if (actual.rows !== expected.rows || actual.cols !== expected.cols) return `shape ${actual.rows}×${actual.cols} vs expected ${expected.rows}×${expected.cols}`;
  let worst: { k: number; excess: number } | undefined;
  for (let k = 0; k < expected.data.length; k++) {
    const a = actual.data[k];
    const e = expected.data[k];
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (!worst || excess > worst.excess || Number.isNaN(excess))) worst = { k, excess };
  }
  if (!worst) return undefined;
  const { k } = worst;
  return `element [${Math.floor(k / expected.cols)}, ${k % expected.cols}]: got ${actual.data[k]}, expected ${expected.data[k]}`;
}

export function maxAbsDiff(a: Matrix, b: Matrix): number {
  let m = 0;
  for (let k = 0; k < a.data.length; k++) m = Math.max(m, Math.abs(a.data[k] - b.data[k]));
  return m;
}
