/**
 * ONNX external data: the initializers of a large model stored next to it in `<model>.onnx.data`
 * instead of inside the protobuf (which cannot exceed 2 GB). Convention of the ONNX spec
 * (TensorProto.data_location = EXTERNAL, external_data entries `location`, `offset`, `length`,
 * location relative to the model file). Tensors of at least `minTensorBytes` move out, each at a
 * 4096-aligned offset, in initializer order: the same model gives byte-identical files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { DiagnosticError, diag } from '../diagnostics.js';
import { writeFileAtomic } from '../weights/atomic.js';
import { createHash } from 'node:crypto';
import { decodeModelProto } from './nesting.js';

const { onnx } = onnxProto;
type ModelP = onnxProto.onnx.IModelProto;

/** Models above this size (bytes of tensor data) get external data automatically: protobuf's limit. */
export const EXTERNAL_DATA_THRESHOLD = 2 ** 31 - 2 ** 24;
/** Environment variable that overrides the threshold (bytes), e.g. for tests with small models. */
export const EXTERNAL_DATA_ENV = 'RPNC_EXTERNAL_DATA_THRESHOLD';
const ALIGN = 4096;

/** Bytes of tensor data held inline by the model's initializers. */
export function inlineTensorBytes(model: ModelP): number {
  return (model.graph?.initializer ?? []).reduce((s, t) => s + (t.rawData?.length ?? 0), 0);
}

/** The threshold in effect: `explicit`, else $RPNC_EXTERNAL_DATA_THRESHOLD, else 2 GB − 16 MB. */
export function externalDataThreshold(explicit?: number): number {
  if (explicit !== undefined) return explicit;
  const env = process.env[EXTERNAL_DATA_ENV];
  if (env !== undefined && /^\d+$/.test(env.trim())) return Number(env);
  return EXTERNAL_DATA_THRESHOLD;
}

/**
 * Move the initializers of `model` into one external data blob named `location`.
 * Returns the model proto (initializers referencing the blob) and the blob.
 */
export function splitExternalData(model: ModelP, location: string, minTensorBytes = 1024): { model: ModelP; data: Uint8Array } {
  const chunks: { offset: number; bytes: Uint8Array }[] = [];
  let size = 0;
  const initializer = (model.graph?.initializer ?? []).map((t) => {
    const raw = t.rawData;
    if (!raw || raw.length < minTensorBytes) return t;
    const offset = Math.ceil(size / ALIGN) * ALIGN;
    chunks.push({ offset, bytes: raw });
    size = offset + raw.length;
    return {
      ...t,
      rawData: undefined,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ],
    };
  });
  const data = new Uint8Array(size);
  for (const c of chunks) data.set(c.bytes, c.offset);
  return { model: { ...model, graph: { ...model.graph, initializer } }, data };
}

/** What writing a model produced: the files written and their sizes (ONNX and external data). */
export interface WrittenModel {
  files: string[];
  onnxBytes: number;
  dataBytes: number;
  external: boolean;
}

/**
 * Write an ONNX model to `file` (atomically), with its tensors in an external data file beside it
 * when `external` is true or the tensor data exceeds the threshold. The data file's name carries
 * the hash of its content (`model.onnx.<16 hex>.data`) and it is written before the model: if the
 * model's write then fails, the old model still names its own, untouched data file, so a model
 * and its data can never come from two different builds. Data files of earlier builds of `file`
 * (`file.data`, `file.<hash>.data`) are removed once the new model is in place.
 */
export function writeOnnxModel(file: string, model: ModelP, opts: { external?: boolean; threshold?: number } = {}): WrittenModel {
  const external = opts.external === true || inlineTensorBytes(model) > externalDataThreshold(opts.threshold);
  const encode = (m: ModelP): Uint8Array => onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
  if (!external) {
    const bytes = encode(model);
    writeFileAtomic(file, bytes);
    removeStaleData(file, undefined);
    return { files: [file], onnxBytes: bytes.length, dataBytes: 0, external: false };
  }
  // the name depends on the data (and the data on nothing but the tensors): split, hash, then name it
  const split = splitExternalData(model, '');
  const hash = createHash('sha256').update(split.data).digest('hex').slice(0, 16);
  const dataFile = `${file}.${hash}.data`;
  for (const t of split.model.graph?.initializer ?? []) for (const e of t.externalData ?? []) if (e.key === 'location') e.value = path.basename(dataFile);
  const bytes = encode(split.model);
  writeFileAtomic(dataFile, split.data);
  writeFileAtomic(file, bytes);
  removeStaleData(file, dataFile);
  return { files: [file, dataFile], onnxBytes: bytes.length, dataBytes: split.data.length, external: true };
}

/** Remove `file.data` and `file.<hash>.data` left by earlier builds of `file`, except `keep`. */
function removeStaleData(file: string, keep: string | undefined): void {
  const dir = path.dirname(file);
  const base = path.basename(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    if (!n.startsWith(`${base}.`) || !/^(?:[0-9a-f]{16}\.)?data$/.test(n.slice(base.length + 1))) continue;
    const p = path.join(dir, n);
    if (keep !== undefined && path.resolve(p) === path.resolve(keep)) continue;
    fs.rmSync(p, { force: true });
  }
}

/** The external data files an ONNX model (bytes) refers to, relative to its directory. */
export function externalDataFiles(onnxBytes: Uint8Array): string[] {
  const m = decodeModelProto(onnxBytes);
  const files = new Set<string>();
  for (const t of m.graph?.initializer ?? []) {
    for (const e of t.externalData ?? []) if (e.key === 'location' && e.value) files.add(e.value);
  }
  return [...files].sort();
}

/** Fail with RPN5002 when a model's external data files are missing or too short. */
export function checkExternalData(modelFile: string, onnxBytes: Uint8Array): void {
  const m = decodeModelProto(onnxBytes);
  const dir = path.dirname(modelFile);
  for (const t of m.graph?.initializer ?? []) {
    const kv = Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value]));
    if (!kv.location) continue;
    const f = path.join(dir, kv.location);
    const hint = `keep '${kv.location}' next to '${path.basename(modelFile)}' (rpnc build --external-data writes both), or rebuild the model`;
    if (!fs.existsSync(f)) {
      throw new DiagnosticError(diag('RPN5002', `ONNX Runtime could not load the model: its external data file '${f}' (tensor '${t.name}') is missing`, { hint }));
    }
    const end = Number(kv.offset ?? 0) + Number(kv.length ?? 0);
    if (fs.statSync(f).size < end) {
      throw new DiagnosticError(diag('RPN5002', `ONNX Runtime could not load the model: its external data file '${f}' is shorter (${fs.statSync(f).size} bytes) than tensor '${t.name}' needs (${end})`, { hint }));
    }
  }
}
