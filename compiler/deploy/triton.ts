/**
 * Triton Inference Server model repositories: `<repo>/<name>/config.pbtxt` and
 * `<repo>/<name>/1/model.onnx` (plus `model.onnx.data` for a model with external data, next to it,
 * which is where Triton's ONNX Runtime backend loads it from).
 *
 * The config is written as deterministic text (no dates, fixed field order): the same model and flags
 * give byte-identical files. Only row-independent models (compiler/deploy/model-info.ts) get
 * `max_batch_size > 0` (the batch axis left out of `dims`) and `dynamic_batching`; batch-coupled and
 * fixed-batch models get `max_batch_size: 0`, full dims and no dynamic batching, with a comment why.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { readOnnxFile } from '../onnx/read-onnx.js';
import { DiagnosticError, diag } from '../diagnostics.js';
import { externalDataFiles, checkExternalData } from '../onnx/external-data.js';
import { writeFileAtomic } from '../weights/atomic.js';
import { VERSION } from '../version.js';
import { modelInfo, type ModelInfo } from './model-info.js';
import { PbtxtError, parseModelConfig } from './pbtxt.js';
import { decodeModelProto } from '../onnx/nesting.js';

const { onnx } = onnxProto;

/** Options of `writeTritonRepo` / `tritonConfig` (the flags of `rpnc export triton`). */
export interface TritonOptions {
  /** Model name (the directory under the repository); default the ONNX file's base name. */
  name?: string;
  /** `instance_group` kind and count. */
  instanceKind?: 'cpu' | 'gpu';
  instances?: number;
  /** Row-independent models: the largest batch Triton forms (default 64). */
  maxBatch?: number;
  /** Row-independent models: `dynamic_batching.preferred_batch_size` (default none: the largest batch possible). */
  preferredBatchSizes?: number[];
  /** Row-independent models: `dynamic_batching.max_queue_delay_microseconds` (default 0, as Triton: no waiting; requests queued while the instances are busy are merged). */
  maxQueueDelayUs?: number;
  /** Add the TensorRT execution accelerator (default: when the model is float16, `rpnc build --precision fp16`). */
  tensorrt?: boolean;
}

/** Default `max_batch_size` of row-independent models. */
export const DEFAULT_MAX_BATCH = 64;
/** Default `dynamic_batching.max_queue_delay_microseconds` (Triton's default too). */
export const DEFAULT_MAX_QUEUE_DELAY_US = 0;

/** Triton model names: a directory name, no separators. */
export function checkModelName(name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name === '.' || name === '..') {
    throw new DiagnosticError(diag('RPN7004', `'${name}' is not a valid model name for a Triton repository`, { hint: 'use letters, digits, `_`, `-` and `.`, e.g. --name my_model' }));
  }
}

const q = (s: string): string => JSON.stringify(s); // text-format strings: JSON escapes are valid C escapes for these names

function tensorBlock(t: { name: string; datatype: string; dims: number[] }): string {
  return `  {\n    name: ${q(t.name)}\n    data_type: TYPE_${t.datatype}\n    dims: [ ${t.dims.join(', ')} ]\n  }\n`;
}

/** The config.pbtxt text of a model. `onnxSha256` is the hash of the model.onnx written beside it. */
export function tritonConfig(info: ModelInfo, name: string, opts: TritonOptions & { onnxSha256: string }): string {
  checkModelName(name);
  const batched = info.kind === 'independent';
  const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH;
  const delay = opts.maxQueueDelayUs ?? DEFAULT_MAX_QUEUE_DELAY_US;
  const preferred = [...new Set(opts.preferredBatchSizes ?? [])].sort((a, b) => a - b);
  if (batched) {
    const bad = preferred.filter((p) => p < 1 || p > maxBatch);
    if (bad.length) throw new DiagnosticError(diag('RPN6002', `preferred batch size(s) ${bad.join(', ')} outside 1…${maxBatch} (the max batch size)`, { hint: 'every --preferred-batch size must be ≤ --max-batch' }));
  }
  let s = `# Triton Inference Server model configuration written by rpnc ${VERSION} (rpnc export triton).\n`;
  s += `# Model file: 1/model.onnx (ONNX Runtime backend). Input ${info.input.name} ${info.input.datatype} [${info.input.dims.map((d) => (d < 0 ? 'batch' : d)).join(', ')}], output ${info.output.name} ${info.output.datatype} [${info.output.dims.map((d) => (d < 0 ? 'batch' : d)).join(', ')}].\n`;
  s += `name: ${q(name)}\nbackend: "onnxruntime"\n`;
  if (batched) {
    s += `# Rows are independent (${info.reason}): Triton may merge requests into one batch.\n`;
    s += `max_batch_size: ${maxBatch}\n`;
  } else {
    s += `# max_batch_size 0 and no dynamic_batching: ${info.reason}.\n`;
    s += `# Merging requests into one batch would change their answers: each request runs alone, and dims include the batch axis.\n`;
    s += `max_batch_size: 0\n`;
  }
  const dims = (d: number[]): number[] => (batched ? d.slice(1) : d);
  s += `input [\n${tensorBlock({ ...info.input, dims: dims(info.input.dims) })}]\n`;
  s += `output [\n${tensorBlock({ ...info.output, dims: dims(info.output.dims) })}]\n`;
  if (batched) {
    s += `dynamic_batching {\n`;
    if (preferred.length) s += `  preferred_batch_size: [ ${preferred.join(', ')} ]\n`;
    s += `  max_queue_delay_microseconds: ${delay}\n}\n`;
  }
  s += `instance_group [\n  {\n    count: ${opts.instances ?? 1}\n    kind: ${opts.instanceKind === 'gpu' ? 'KIND_GPU' : 'KIND_CPU'}\n  }\n]\n`;
  if (opts.tensorrt ?? info.precision === 'fp16') {
    s += `# float16 model (rpnc build --precision fp16): on a GPU instance, ONNX Runtime's TensorRT execution provider in FP16.\n`;
    s += `optimization {\n  execution_accelerators {\n    gpu_execution_accelerator [\n      {\n        name: "tensorrt"\n`;
    s += `        parameters {\n          key: "precision_mode"\n          value: "FP16"\n        }\n      }\n    ]\n  }\n}\n`;
  }
  const params: [string, string][] = [
    ['rpnc_batch_kind', info.kind],
    ['rpnc_onnx_sha256', opts.onnxSha256],
    ['rpnc_version', VERSION],
  ];
  if (info.metadata['rpnc.version'] !== undefined) params.push(['rpnc_built_by', info.metadata['rpnc.version']]);
  if (info.metadata['rpnc.source_sha256'] !== undefined) params.push(['rpnc_source_sha256', info.metadata['rpnc.source_sha256']]);
  params.sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, v] of params) s += `parameters {\n  key: ${q(k)}\n  value {\n    string_value: ${q(v)}\n  }\n}\n`;
  return s;
}

/** What `writeTritonRepo` wrote. */
export interface TritonWritten {
  name: string;
  dir: string;
  files: string[];
  info: ModelInfo;
  config: string;
}

/**
 * Write `<repo>/<name>/config.pbtxt` and `<repo>/<name>/1/model.onnx` from an ONNX file (with its
 * external data, renamed `model.onnx.data`). Files are written atomically; other versions and files
 * in the model directory are left alone.
 */
export function writeTritonRepo(onnxPath: string, repo: string, opts: TritonOptions = {}): TritonWritten {
  let bytes: Uint8Array = readOnnxFile(onnxPath);
  const info = modelInfo(bytes);
  const name = opts.name ?? path.basename(onnxPath).replace(/\.onnx$/, '');
  checkModelName(name);
  checkExternalData(onnxPath, bytes);
  const dir = path.join(repo, name);
  const vdir = path.join(dir, '1');
  const ext = externalDataFiles(bytes);
  const dataName = 'model.onnx.data';
  if (ext.length === 1) {
    // one data file (what rpnc writes): stored as model.onnx.data, the initializers pointed at it
    const m = decodeModelProto(bytes);
    for (const t of m.graph?.initializer ?? []) for (const e of t.externalData ?? []) if (e.key === 'location') e.value = dataName;
    bytes = onnx.ModelProto.encode(m).finish();
  }
  // the config first: a bad option fails before anything is written
  const config = tritonConfig(info, name, { ...opts, onnxSha256: createHash('sha256').update(bytes).digest('hex') });
  fs.mkdirSync(vdir, { recursive: true });
  const files: string[] = [path.join(dir, 'config.pbtxt'), path.join(vdir, 'model.onnx')];
  if (ext.length === 1) {
    writeFileAtomic(path.join(vdir, dataName), fs.readFileSync(path.join(path.dirname(onnxPath), ext[0])));
    files.push(path.join(vdir, dataName));
  } else {
    for (const f of ext) {
      const to = path.join(vdir, f);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      writeFileAtomic(to, fs.readFileSync(path.join(path.dirname(onnxPath), f)));
      files.push(to);
    }
    fs.rmSync(path.join(vdir, dataName), { force: true });
  }
  writeFileAtomic(path.join(vdir, 'model.onnx'), bytes);
  writeFileAtomic(path.join(dir, 'config.pbtxt'), new TextEncoder().encode(config));
  return { name, dir, files, info, config };
}

/** One model of a Triton repository, as `rpnc serve` uses it. */
export interface TritonModel {
  name: string;
  version: string;
  onnxPath: string;
  config: Record<string, unknown>;
  info: ModelInfo;
  /** 0: no batching by Triton (each request is one run). */
  maxBatchSize: number;
  dynamicBatching?: { preferredBatchSizes: number[]; maxQueueDelayUs: number };
  instances: number;
}

type Obj = Record<string, unknown>;

/**
 * Semantic checks of a parsed config against its ONNX model: backend, names, data types, dims (the
 * batch axis left out when max_batch_size > 0), and no batching of a model whose rows are not
 * independent. Returns the problems (empty when consistent).
 */
export function configProblems(cfg: Obj, info: ModelInfo, dirName?: string): string[] {
  const p: string[] = [];
  if (dirName !== undefined && cfg.name !== undefined && cfg.name !== dirName) p.push(`name "${cfg.name}" differs from its directory '${dirName}'`);
  if (cfg.backend !== 'onnxruntime' && cfg.platform !== 'onnxruntime_onnx') p.push(`backend is ${JSON.stringify(cfg.backend ?? cfg.platform ?? null)}, not "onnxruntime"`);
  const mbs = Number(cfg.max_batch_size ?? 0);
  if (mbs > 0 && info.kind !== 'independent') p.push(`max_batch_size is ${mbs}, but ${info.reason}: it must be 0`);
  if (cfg.dynamic_batching !== undefined && info.kind !== 'independent') p.push(`dynamic_batching is set, but ${info.reason}`);
  if (cfg.dynamic_batching !== undefined && mbs === 0) p.push('dynamic_batching needs max_batch_size > 0');
  for (const [key, sig] of [['input', info.input], ['output', info.output]] as const) {
    const list = (cfg[key] ?? []) as Obj[];
    if (list.length !== 1) {
      p.push(`${key}: ${list.length} entries, the model has 1 (${sig.name})`);
      continue;
    }
    const t = list[0];
    if (t.name !== sig.name) p.push(`${key} name "${t.name}" is not the model's '${sig.name}'`);
    if (t.data_type !== `TYPE_${sig.datatype}`) p.push(`${key} ${sig.name}: data_type ${t.data_type} is not the model's TYPE_${sig.datatype}`);
    const want = mbs > 0 ? sig.dims.slice(1) : sig.dims;
    const dims = ((t.dims ?? []) as number[]).map(Number);
    const ok = dims.length === want.length && dims.every((d, i) => d === want[i] || (want[i] < 0 && d === -1));
    if (!ok) p.push(`${key} ${sig.name}: dims [${dims.join(', ')}] are not the model's [${want.join(', ')}]${mbs > 0 ? ' (batch axis excluded, max_batch_size > 0)' : ''}`);
  }
  const db = cfg.dynamic_batching as Obj | undefined;
  for (const s of ((db?.preferred_batch_size ?? []) as number[])) if (s < 1 || s > mbs) p.push(`preferred_batch_size ${s} is outside 1…max_batch_size (${mbs})`);
  return p;
}

function configError(file: string, message: string): DiagnosticError {
  return new DiagnosticError(diag('RPN7002', `${file}: ${message}`, { hint: 'regenerate it with `rpnc export triton <model.onnx> --repo <dir>`' }));
}

/** Read one model directory (`<repo>/<name>` holding config.pbtxt and a numbered version directory). */
export function readTritonModel(dir: string): TritonModel {
  const cfgFile = path.join(dir, 'config.pbtxt');
  const dirName = path.basename(path.resolve(dir));
  let cfg: Obj;
  try {
    cfg = parseModelConfig(fs.readFileSync(cfgFile, 'utf8'));
  } catch (e) {
    if (e instanceof PbtxtError) throw configError(cfgFile, `does not parse against Triton's model_config.proto: ${e.message}`);
    throw e;
  }
  const versions = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => Number(b) - Number(a));
  const file = typeof cfg.default_model_filename === 'string' && cfg.default_model_filename ? cfg.default_model_filename : 'model.onnx';
  const version = versions.find((v) => fs.existsSync(path.join(dir, v, file)));
  if (version === undefined) throw new DiagnosticError(diag('RPN7003', `${dir}: no version directory with ${file} (expected ${path.join(dir, '1', file)})`, { hint: 'write the repository with `rpnc export triton <model.onnx> --repo <dir>`' }));
  const onnxPath = path.join(dir, version, file);
  const bytes = readOnnxFile(onnxPath);
  const info = modelInfo(bytes);
  checkExternalData(onnxPath, bytes);
  const problems = configProblems(cfg, info, dirName);
  if (problems.length) throw configError(cfgFile, `disagrees with ${onnxPath}: ${problems.join('; ')}`);
  const db = cfg.dynamic_batching as Obj | undefined;
  const groups = (cfg.instance_group ?? []) as Obj[];
  const instances = groups.length ? groups.reduce((s, g) => s + Math.max(1, Number(g.count ?? 1)), 0) : 1;
  return {
    name: dirName,
    version,
    onnxPath,
    config: cfg,
    info,
    maxBatchSize: Number(cfg.max_batch_size ?? 0),
    dynamicBatching: db ? { preferredBatchSizes: ((db.preferred_batch_size ?? []) as number[]).map(Number), maxQueueDelayUs: Number(db.max_queue_delay_microseconds ?? 0) } : undefined,
    instances,
  };
}

/** Every model of a repository (or the one model when `dir` itself holds a config.pbtxt). */
export function readTritonRepo(dir: string): TritonModel[] {
  if (fs.existsSync(path.join(dir, 'config.pbtxt'))) return [readTritonModel(dir)];
  const models = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, 'config.pbtxt')))
    .map((e) => e.name)
    .sort()
    .map((n) => readTritonModel(path.join(dir, n)));
  if (!models.length) throw new DiagnosticError(diag('RPN7003', `'${dir}' is not a Triton model repository: no <name>/config.pbtxt in it`, { hint: 'write one with `rpnc export triton <model.onnx> --repo <dir>`, or serve an .onnx file' }));
  return models;
}
