/**
 * tinybig's own files, read as they are:
 *
 * - `torch.save(model.state_dict(), path)` (tinybig's `save_ckpt`): a zip archive (compiler/weights/torch-zip.ts)
 *   with `<top>/data.pkl` (a protocol-2 pickle of an OrderedDict of tensors), `<top>/data/<key>` (raw
 *   storages), `<top>/byteorder` (torch ≥ 2.1; absent = little) and version records;
 * - a graph saved by tinybig's `graph.save` / `base_topology.save` (`graph_file_path`): a pickled dict
 *   `{name, directed, nodes: {id: index}, out_neighbors: {src: {dst: 1}}, in_neighbors, …}`
 *   (../shared/spec/rpn2-topological.md §2.3).
 *
 * Both go through the restricted unpickler (compiler/weights/pickle.ts). **The allow-list of globals**
 * for checkpoints is `TORCH_GLOBALS` below, in full: `collections.OrderedDict`,
 * `torch._utils._rebuild_tensor_v2`, `torch._utils._rebuild_parameter`, the `torch.<T>Storage` classes
 * (as markers inside persistent ids, never called). Graph pickles allow no global at all. Persistent
 * ids must be `('storage', torch.<T>Storage, key, location, numel)`.
 *
 * Tensors are rebuilt as torch does: storage offset, size and stride honoured (non-contiguous views,
 * several tensors on one storage), bounds checked against the storage record. float32 contiguous
 * tensors are views into the file's bytes (no copy); float64 / float16 / bfloat16 are converted to
 * float32 with a warning (RPN3522) naming the keys; `*num_batches_tracked` (int64) is skipped, other
 * integer or bool tensors are refused (RPN3008). Storages saved from `cuda:N`, `mps` or another device are
 * read as CPU data (the archive holds their bytes); `meta` storages (no data) are refused.
 */
import { diag, fail, type Diagnostic } from '../diagnostics.js';
import { describe, isPickle, PyDict, PyGlobal, PyTuple, unpickle, type PyObject, type PyValue, type ReduceHandler } from './pickle.js';
import { firstNonFinite, unravel, type SafeTensor, type SafetensorsFile } from './safetensors.js';
import { isTorchZip, readTorchZip, recordBytes, type TorchZip } from './torch-zip.js';

export { isPickle } from './pickle.js';
export { isTorchZip } from './torch-zip.js';

/** torch storage class → element type. */
const STORAGES: Record<string, { dtype: string; itemsize: number }> = {
  FloatStorage: { dtype: 'float32', itemsize: 4 },
  DoubleStorage: { dtype: 'float64', itemsize: 8 },
  HalfStorage: { dtype: 'float16', itemsize: 2 },
  BFloat16Storage: { dtype: 'bfloat16', itemsize: 2 },
  LongStorage: { dtype: 'int64', itemsize: 8 },
  IntStorage: { dtype: 'int32', itemsize: 4 },
  ShortStorage: { dtype: 'int16', itemsize: 2 },
  CharStorage: { dtype: 'int8', itemsize: 1 },
  ByteStorage: { dtype: 'uint8', itemsize: 1 },
  BoolStorage: { dtype: 'bool', itemsize: 1 },
  ComplexFloatStorage: { dtype: 'complex64', itemsize: 8 },
  ComplexDoubleStorage: { dtype: 'complex128', itemsize: 16 },
};

interface StorageRef extends PyObject {
  kind: 'storage';
  key: string;
  dtype: string;
  itemsize: number;
  numel: number;
  location: string;
}

interface TensorRef extends PyObject {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
  /** Where the REDUCE that made it is (file offset). */
  at: number;
}

const HINT = 'rpnc reads a torch.save of a state_dict (tensors only), never code: save `model.state_dict()`, not the model object';
/** Device tags torch writes (`cpu`, `cuda:N`, `mps`, `xpu:N`, `hpu:N`, private backends): the bytes in the archive are CPU data either way. `meta` storages hold no data. */
const LOCATIONS = /^(?!meta\b)[a-z][a-z0-9_]{0,31}(:\d{1,6})?$/;

const isNat = (v: PyValue): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** `torch._utils` rebuild functions: argument checks only, the tensor is a description of a view. */
function rebuildTensorV2(label: string): ReduceHandler {
  return (args, at) => {
    const bad = (what: string): never => fail('RPN3514', `malformed checkpoint '${label}' at file offset ${at}: _rebuild_tensor_v2 ${what}`, { hint: HINT });
    if (args.length < 6 || args.length > 7) bad(`takes 6 or 7 arguments, got ${args.length}`);
    const [storage, offset, size, stride] = args;
    if (!(typeof storage === 'object' && storage !== null && (storage as PyObject).kind === 'storage')) bad(`got ${describe(storage!)} instead of a storage`);
    if (!isNat(offset!)) bad(`got storage offset ${describe(offset!)}`);
    const dims = (v: PyValue, what: string): number[] => {
      if (!(v instanceof PyTuple) || !v.items.every(isNat)) return bad(`got ${what} ${describe(v)}, not a tuple of non-negative integers`);
      return v.items as number[];
    };
    const sz = dims(size!, 'size');
    const st = dims(stride!, 'stride');
    if (sz.length !== st.length) bad(`got size (${sz}) and stride (${st}) of different lengths`);
    return { kind: 'tensor', storage: storage as StorageRef, offset: offset as number, size: sz, stride: st, at } as TensorRef;
  };
}

function rebuildParameter(label: string): ReduceHandler {
  return (args, at) => {
    const t = args[0];
    if (args.length !== 3 || !(typeof t === 'object' && t !== null && (t as PyObject).kind === 'tensor')) {
      fail('RPN3514', `malformed checkpoint '${label}' at file offset ${at}: _rebuild_parameter expects (tensor, requires_grad, hooks)`, { hint: HINT });
    }
    return t as TensorRef;
  };
}

/** The allow-list of globals for checkpoints: the only names a torch.save pickle may mention. */
export function torchGlobals(label: string): Map<string, ReduceHandler | null> {
  const m = new Map<string, ReduceHandler | null>([
    ['collections.OrderedDict', (args, at) => {
      if (args.length !== 0) fail('RPN3514', `malformed checkpoint '${label}' at file offset ${at}: OrderedDict() with arguments`, { hint: HINT });
      return new PyDict(true);
    }],
    ['torch._utils._rebuild_tensor_v2', rebuildTensorV2(label)],
    ['torch._utils._rebuild_parameter', rebuildParameter(label)],
  ]);
  for (const s of Object.keys(STORAGES)) m.set(`torch.${s}`, null);
  return m;
}

/**
 * What a file given to `--weights`, `--golden` / `-i` (safetensors) or as a graph is, by its first bytes:
 * the one content sniffer of rpnc (`formatName` says the non-safetensors kinds in words).
 */
export type FileKind = 'safetensors' | 'torch-zip' | 'torch-legacy' | 'pickle' | 'npy' | 'other';

/** The magic number torch's legacy (non-zip) format pickles first: LONG1 0x1950a86a20f9469cfc6c. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function sniffFile(bytes: Uint8Array): FileKind {
  // safetensors first: a u64 header length, then '{' — a length that fits the file, or one below 2^32 (a
  // truncated or lying safetensors file is still one, for its own diagnostics). A header length like 0x0280
  // starts with the bytes of a pickle's PROTO 2; a zip or a pickle never has '{' at byte 8 that way.
  if (bytes.length >= 9 && bytes[8] === 0x7b) {
    const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (n <= BigInt(bytes.length - 8) || (bytes[4] === 0 && bytes[5] === 0 && bytes[6] === 0 && bytes[7] === 0)) return 'safetensors';
  }
  if (isTorchZip(bytes)) return 'torch-zip';
  if (LEGACY_MAGIC.every((b, i) => bytes[i] === b)) return 'torch-legacy';
  if (isPickle(bytes)) return 'pickle';
  if (NPY_MAGIC.every((b, i) => bytes[i] === b)) return 'npy';
  return 'other';
}

/** A kind of file that is not what was expected, in words ('a NumPy .npy array'); undefined for safetensors and unknown bytes. */
export function formatName(kind: FileKind, label: string): string | undefined {
  switch (kind) {
    case 'torch-zip':
      return /\.npz$/i.test(label) ? 'a NumPy .npz archive (a zip file)' : 'a zip archive (a torch.save checkpoint or a NumPy .npz)';
    case 'torch-legacy':
      return 'a torch.save file in the legacy (pre-1.6, non-zip) format';
    case 'pickle':
      return 'a Python pickle (a legacy PyTorch checkpoint, .pt/.pth/.pkl)';
    case 'npy':
      return 'a NumPy .npy array';
    default:
      return undefined;
  }
}

/** The refusal for a legacy-format torch file (torch < 1.6 or `_use_new_zipfile_serialization=False`). */
export function refuseLegacy(label: string): never {
  return fail('RPN3523', `'${label}' is a torch.save file in the legacy (pre-1.6, non-zip) format, which rpnc does not read`, {
    hint: "re-save it in the zip format (torch ≥ 1.6's default): python -c \"import torch; torch.save(torch.load('OLD', map_location='cpu', weights_only=True), 'NEW')\"",
  });
}

export interface TorchCheckpoint extends SafetensorsFile {
  /** Warnings (RPN3522: converted dtypes). */
  warnings: Diagnostic[];
  /** Every entry as stored: key, shape, torch dtype (for `rpnc inspect`). */
  entries: { key: string; shape: number[]; dtype: string }[];
}

/** Parse a `torch.save` zip archive holding a state_dict. Throws `DiagnosticError` (RPN35xx, RPN3008, RPN3009). */
export function parseTorchCheckpoint(bytes: Uint8Array, label: string): TorchCheckpoint {
  const zip = readTorchZip(bytes, label);
  const pklEntry = zip.records.get('data.pkl');
  if (!pklEntry) {
    const script = zip.records.has('constants.pkl') || [...zip.records.keys()].some((k) => k.startsWith('code/'));
    fail('RPN3504', `'${label}' has no '${zip.top}/data.pkl'${script ? ': it is a TorchScript archive (torch.jit.save), not a torch.save checkpoint' : ''}`, {
      hint: script ? 'save the weights with torch.save(model.state_dict(), path)' : 'the archive is not a torch.save file: save the state_dict again with torch.save',
    });
  }
  const order = zip.records.get('byteorder');
  if (order) {
    const s = new TextDecoder('latin1').decode(recordBytes(zip, order)).trim();
    if (s !== 'little') {
      fail('RPN3504', `'${label}': byteorder record says '${s.slice(0, 20)}'; rpnc reads little-endian checkpoints only (byte ${order.dataOffset})`, {
        hint: 'load and re-save the checkpoint on a little-endian machine (x86-64, ARM)',
      });
    }
  }
  const pkl = recordBytes(zip, pklEntry!);
  const storages = new Map<string, StorageRef>();
  const where = `'${label}' (${zip.top}/data.pkl)`;
  const root = unpickle(pkl, {
    label: where,
    baseOffset: pklEntry!.dataOffset,
    globals: torchGlobals(label),
    hint: HINT,
    persistentLoad: (pid, at) => storageOf(pid, at, label, zip, storages),
  });
  if (!(root instanceof PyDict)) {
    fail('RPN3521', `'${label}' holds ${describe(root)}, not a state_dict (a dict of tensors)`, { hint: HINT });
  }
  const tensors = new Map<string, SafeTensor>();
  const skipped: string[] = [];
  const converted: string[] = [];
  // float32 tensors are views into the file; what must be copied (strided views, conversions) may not
  // exceed twice the file's size: stride-0 or overlapping views could otherwise expand without bound
  const budget = { left: 2 * bytes.length + (16 << 20) };
  const entries: TorchCheckpoint['entries'] = [];
  for (const [k, v] of root.entries.values()) {
    if (typeof k !== 'string') fail('RPN3521', `'${label}': state_dict key ${describe(k)} is not a string`, { hint: HINT });
    const key = k as string;
    if (!(typeof v === 'object' && v !== null && (v as PyObject).kind === 'tensor')) {
      fail('RPN3521', `'${label}': '${key}' is ${describe(v)}, not a tensor`, {
        hint: v instanceof PyDict ? "a checkpoint that nests the state_dict (e.g. {'model': state_dict, …}): save the state_dict alone with torch.save(ckpt['model'], path)" : HINT,
      });
    }
    const t = v as TensorRef;
    entries.push({ key, shape: t.size, dtype: t.storage.dtype });
    if (!t.storage.dtype.startsWith('float') && t.storage.dtype !== 'bfloat16') {
      if (key.endsWith('num_batches_tracked')) {
        skipped.push(key);
        continue;
      }
      fail('RPN3008', `'${label}': tensor '${key}' has dtype ${t.storage.dtype}; rpnc reads floating-point weights`, {
        hint: 'only float32 (float64/float16/bfloat16 are converted) tensors are weights: drop this key from the state_dict or convert it with .float()',
      });
    }
    if (t.storage.dtype !== 'float32') converted.push(`'${key}' (${t.storage.dtype})`);
    const data = materialise(t, key, label, zip, budget);
    const bad = firstNonFinite(data);
    if (bad >= 0) {
      fail('RPN3009', `'${label}': tensor '${key}' contains ${data[bad]} at index ${bad} (element [${unravel(bad, t.size).join(',')}] of shape [${t.size.join(',')}])`, {
        hint: 'the checkpoint holds diverged or uninitialised weights: retrain or re-export a finite checkpoint',
      });
    }
    tensors.set(key, { dtype: 'F32', shape: t.size, data });
  }
  const warnings: Diagnostic[] = converted.length
    ? [diag('RPN3522', `'${label}': ${converted.length} tensor(s) converted to float32: ${converted.slice(0, 10).join(', ')}${converted.length > 10 ? `, … (${converted.length} in all)` : ''}`, {
        severity: 'warning',
        hint: 'rpnc computes in float32 (as tinybig does by default); save float32 weights to silence this',
      })]
    : [];
  return { tensors, metadata: {}, skipped, warnings, entries };
}

function storageOf(pid: PyValue, at: number, label: string, zip: TorchZip, seen: Map<string, StorageRef>): StorageRef {
  const refuse = (what: string): never =>
    fail('RPN3512', `pickle refused in '${label}' at file offset ${at}: persistent id ${what}`, { hint: HINT });
  if (!(pid instanceof PyTuple) || pid.items.length !== 5) return refuse(`${describe(pid)} is not ('storage', type, key, location, numel)`);
  const [kind, type, key, location, numel] = pid.items;
  if (kind !== 'storage') refuse(`of kind ${describe(kind!)}: only 'storage' is allowed`);
  if (!(type instanceof PyGlobal) || type.module !== 'torch' || !Object.hasOwn(STORAGES, type.name)) refuse(`names storage type ${describe(type!)}`);
  if (typeof key !== 'string' || !/^[0-9A-Za-z_.-]{1,64}$/.test(key)) refuse(`has storage key ${describe(key!)}`);
  if (typeof location !== 'string' || !LOCATIONS.test(location)) refuse(`has location ${describe(location!)} (expected a device tag such as cpu, cuda:N or mps; meta tensors hold no data)`);
  if (!isNat(numel!)) refuse(`has element count ${describe(numel!)}`);
  const { dtype, itemsize } = STORAGES[(type as PyGlobal).name]!;
  const prev = seen.get(key as string);
  if (prev && (prev.dtype !== dtype || prev.numel !== numel)) refuse(`'${key}' redeclares storage ${key} (${prev.dtype}×${prev.numel}) as ${dtype}×${numel}`);
  const rec = zip.records.get(`data/${key}`);
  if (!rec) fail('RPN3504', `'${label}': storage '${key}' (file offset ${at}) has no record '${zip.top}/data/${key}'`, { hint: 'the archive is incomplete: save it again' });
  if (rec!.size !== (numel as number) * itemsize) {
    fail('RPN3520', `'${label}': storage '${key}' holds ${numel} × ${dtype} (${(numel as number) * itemsize} bytes) but its record '${zip.top}/data/${key}' has ${rec!.size} bytes (byte ${rec!.dataOffset})`, {
      hint: 'the archive is truncated or was edited: save it again',
    });
  }
  const ref: StorageRef = prev ?? { kind: 'storage', key: key as string, dtype, itemsize, numel: numel as number, location: location as string };
  seen.set(key as string, ref);
  return ref;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const checked = new WeakSet<object>();

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** The tensor's values as float32, row-major, honouring offset and strides; bounds checked. */
function materialise(t: TensorRef, key: string, label: string, zip: TorchZip, budget: { left: number }): Float32Array {
  const { storage, offset, size, stride } = t;
  const count = size.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) fail('RPN3520', `'${label}': tensor '${key}' has an absurd shape [${size.join(',')}]`, { hint: HINT });
  if (count === 0) return new Float32Array(0);
  let last = offset;
  for (let d = 0; d < size.length; d++) last += (size[d]! - 1) * stride[d]!;
  if (!Number.isSafeInteger(last) || last >= storage.numel) {
    fail('RPN3520', `'${label}': tensor '${key}' (shape [${size.join(',')}], stride [${stride.join(',')}], offset ${offset}) reaches element ${last} of storage '${storage.key}', which holds ${storage.numel} (file offset ${t.at})`, {
      hint: 'the storage is shorter than the tensor: the archive is truncated or was edited — save it again',
    });
  }
  const rec = zip.records.get(`data/${storage.key}`)!;
  if (!checked.has(rec)) {
    recordBytes(zip, rec); // CRC-32 once per storage
    checked.add(rec);
  }
  const base = zip.bytes.byteOffset + rec.dataOffset;
  let contiguous = true;
  for (let d = size.length - 1, s = 1; d >= 0; d--) {
    if (size[d]! !== 1 && stride[d] !== s) contiguous = false;
    s *= size[d]!;
  }
  if (storage.dtype === 'float32' && contiguous && LITTLE_ENDIAN_HOST && (base + offset * 4) % 4 === 0) {
    return new Float32Array(zip.bytes.buffer, base + offset * 4, count); // a view into the file: no copy
  }
  if (count > storage.numel || count * 4 > budget.left) {
    fail('RPN3525', `'${label}': tensor '${key}' (shape [${size.join(',')}], stride [${stride.join(',')}]) needs ${count} elements copied from storage '${storage.key}' of ${storage.numel}${count > storage.numel ? ' (a view that reads elements more than once: stride 0 or overlapping strides)' : ''}; rpnc copies at most twice the file's size (file offset ${t.at})`, {
      hint: 'save plain tensors: {k: v.contiguous() for k, v in model.state_dict().items()}',
    });
  }
  budget.left -= count * 4;
  const dv = new DataView(zip.bytes.buffer, base, rec.size);
  const read: (i: number) => number =
    storage.dtype === 'float32' ? (i) => dv.getFloat32(i * 4, true)
    : storage.dtype === 'float64' ? (i) => dv.getFloat64(i * 8, true)
    : storage.dtype === 'float16' ? (i) => halfToFloat(dv.getUint16(i * 2, true))
    : (i) => new Float32Array(new Uint32Array([dv.getUint16(i * 2, true) << 16]).buffer)[0]!; // bfloat16
  const out = new Float32Array(count);
  const idx = new Array<number>(size.length).fill(0);
  let src = offset;
  for (let i = 0; i < count; i++) {
    out[i] = read(src);
    for (let d = size.length - 1; d >= 0; d--) {
      if (++idx[d]! < size[d]!) {
        src += stride[d]!;
        break;
      }
      src -= (size[d]! - 1) * stride[d]!;
      idx[d] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- graphs

/** A graph as rpnc's graph models take it (`{nodes, links, directed}`, rpn2-topological.md §2.3). */
export interface TinybigGraph {
  /** Node ids in index order (row i of the input is `nodes[i]`). */
  nodes: (number | string)[];
  /** `[source, target]` ids, from `out_neighbors` in stored order. */
  links: [number | string, number | string][];
  /** The stored flag (it wins over the head's `directed` argument, as in tinybig). */
  directed: boolean;
}

const GRAPH_HINT = "rpnc reads graphs saved by tinybig's graph.save (a pickled dict of plain data): ids must be ints or strings";

/**
 * Read a graph pickle written by tinybig's `graph.save(complete_path=…)` (protocol 2–5, plain data only:
 * no global is allowed). `label` names the file in messages. Throws RPN351x (pickle) or RPN3530 (shape).
 */
export function readTinybigGraphPickle(bytes: Uint8Array, label: string): TinybigGraph {
  if (!isPickle(bytes)) {
    fail('RPN3530', `'${label}' is not a pickle (it does not start with a protocol 2–5 PROTO opcode)`, { hint: GRAPH_HINT });
  }
  const root = unpickle(bytes, { label: `'${label}'`, hint: GRAPH_HINT });
  const bad = (what: string): never => fail('RPN3530', `'${label}' is not a tinybig graph: ${what}`, { hint: GRAPH_HINT });
  if (!(root instanceof PyDict)) return bad(`it holds ${describe(root)}, not a dict`);
  const field = (name: string): PyValue => {
    const v = root.get(name);
    return v === undefined ? bad(`no '${name}' key`) : v;
  };
  const directed = field('directed');
  if (typeof directed !== 'boolean') bad(`'directed' is ${describe(directed)}, not True/False`);
  const nodes = field('nodes');
  if (!(nodes instanceof PyDict)) return bad(`'nodes' is ${describe(nodes)}, not a dict id → index`);
  const isId = (v: PyValue): v is number | string => typeof v === 'string' || (typeof v === 'number' && Number.isSafeInteger(v));
  const order: (number | string)[] = new Array(nodes.size);
  for (const [id, index] of nodes.entries.values()) {
    if (!isId(id)) bad(`node id ${describe(id)} is not an int or a string`);
    if (!isNat(index) || index >= nodes.size || order[index] !== undefined) {
      bad(`node ${describe(id)} has index ${describe(index)}; the indices must be 0 … ${nodes.size - 1}, each once`);
    }
    order[index as number] = id as number | string;
  }
  const out = field('out_neighbors');
  if (!(out instanceof PyDict)) return bad(`'out_neighbors' is ${describe(out)}, not a dict`);
  const links: [number | string, number | string][] = [];
  for (const [src, targets] of out.entries.values()) {
    if (!isId(src)) bad(`out_neighbors key ${describe(src)} is not an int or a string`);
    if (!(targets instanceof PyDict)) return bad(`out_neighbors[${describe(src)}] is ${describe(targets)}, not a dict`);
    for (const [dst] of targets.entries.values()) {
      if (!isId(dst)) bad(`out_neighbors[${describe(src)}] has target ${describe(dst)}, not an int or a string`);
      links.push([src as number | string, dst as number | string]);
    }
  }
  return { nodes: order, links, directed: directed as boolean };
}
