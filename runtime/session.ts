/**
 * ONNX Runtime sessions: execution-provider choice and its failure modes.
 *
 * `cpu`  : the CPU EP (always available).
 * `cuda` : strict. If the CUDA provider library cannot be loaded, one message naming the missing
 *          library and how to install it (RPN5001); never a silent CPU fallback.
 * `auto` : try CUDA, fall back to CPU and say so (through `onNote`).
 *
 * On a CUDA session, the nodes that the CUDA EP has no kernel for (ORT then places them on the
 * CPU, copying tensors between host and device) are reported as warning RPN5201 (`onWarning`).
 * onnxruntime-node does not hand ORT's placement log to JavaScript, so the placement is computed
 * statically from ORT's CUDA kernel table (compiler/onnx/cuda-kernels.ts); ORT's own warnings
 * (severity ≥ warning, e.g. "Some nodes were not assigned to the preferred execution providers")
 * go to the process's stderr for CUDA sessions.
 *
 * A model can be given as bytes or as a file path; a path is what a model with external data
 * (`model.onnx.<hash>.data` next to it) needs.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { DiagnosticError, diag, type Diagnostic } from '../compiler/diagnostics.js';
import { cpuFallbackNodes } from '../compiler/onnx/cuda-kernels.js';
import { checkExternalData, externalDataFiles } from '../compiler/onnx/external-data.js';
import { modelPrecision, toHalfBits } from '../compiler/onnx/fp16.js';
import { modelOutput } from './io/model-output.js';
import { checkOnnxBytes, readOnnxFile } from '../compiler/onnx/read-onnx.js';
import onnxProto from 'onnx-proto';
import { decodeModelProto } from '../compiler/onnx/nesting.js';

const { onnx } = onnxProto;

/** The ModelProto of `bytes`, or null when they are not one (ONNX Runtime then says why). */
function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto | null {
  try {
    return decodeModelProto(bytes);
  } catch {
    return null;
  }
}

/** Where ONNX Runtime runs the model: `cpu`, `cuda` (strict), or `auto` (CUDA if available, else CPU). */
export type ExecutionProvider = 'cpu' | 'cuda' | 'auto';

export interface SessionOptions {
  ep?: ExecutionProvider;
  deviceId?: number;
  /** Informational messages (e.g. the auto fallback). */
  onNote?: (message: string) => void;
  /** Warnings (RPN5201: nodes of a CUDA session that run on the CPU); default: through onNote. */
  onWarning?: (warning: Diagnostic) => void;
  intraOpNumThreads?: number;
  /** false: ORT's intra-/inter-op threads do not spin while waiting for work (a server's workers share the cores with its event loop). Default: ORT's (spinning). */
  allowSpinning?: boolean;
  /** ORT's own log level (default: 2 = warnings for CUDA sessions, 3 = errors for CPU ones); 0 prints its node placement ("All nodes placed on [CUDAExecutionProvider]") on the process's stderr. */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /** ONNX Runtime's own profiling (`enableProfiling`): the Chrome-trace file is `<prefix>_<date>.json` (rpnc profile). */
  profileFilePrefix?: string;
  /** Inter-op threads (rpnc profile: 1, as the bench). */
  interOpNumThreads?: number;
}

export interface RpncSession {
  session: ort.InferenceSession;
  /** The EP the session really uses. */
  ep: 'cpu' | 'cuda';
  inputName: string;
  outputName: string;
}

/** Directory holding onnxruntime-node's native libraries for this platform. */
export function ortBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch);
}

export const CUDA_PROVIDER_LIB = 'libonnxruntime_providers_cuda.so';

export const CUDA_INSTALL_HINT =
  'install the CUDA execution provider of onnxruntime-node on a machine with network access: ' +
  '`ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (or `npm install onnxruntime-node --onnxruntime-node-install=cuda12`), ' +
  'with the CUDA libraries it links (`ldd libonnxruntime_providers_cuda.so`; CUDA 13 for ONNX Runtime ≥ 1.27 per its release notes) and cuDNN 9 on LD_LIBRARY_PATH; or run with --ep cpu';

async function create(model: Uint8Array | string, providers: ort.InferenceSession.SessionOptions['executionProviders'], opts: SessionOptions, cuda = false) {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: providers, graphOptimizationLevel: 'all', logSeverityLevel: opts.logSeverityLevel ?? (cuda ? 2 : 3) };
  // ONNX Runtime 1.30's MatMulScaleFusion breaks valid graphs where a scale (Mul/Div by a scalar) feeds a
  // MatMul and a second scale that feeds another MatMul ("Node input 't8' is not a graph input…"): fuzzer
  // fixture test/fuzz/fixtures/ort_matmul_scale_fusion.ts. rpnc's emitted graphs no longer contain that
  // pattern (ir/passes/scale-legalization.ts merges chained scalar scales, so default ORT sessions load
  // them); disabling the fusion here stays as defence in depth. Its gain (a scalar in FusedMatMul) is small.
  options.extra = { optimization: { disable_specified_optimizers: 'MatMulScaleFusion' } };
  if (opts.allowSpinning === false) options.extra.session = { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } };
  if (opts.intraOpNumThreads !== undefined) options.intraOpNumThreads = opts.intraOpNumThreads;
  if (opts.interOpNumThreads !== undefined) options.interOpNumThreads = opts.interOpNumThreads;
  if (opts.profileFilePrefix !== undefined) Object.assign(options, { enableProfiling: true, profileFilePrefix: opts.profileFilePrefix });
  if (typeof model === 'string') return ort.InferenceSession.create(model, options);
  return ort.InferenceSession.create(Buffer.from(model.buffer, model.byteOffset, model.byteLength), options);
}

/** Warning RPN5201 listing the nodes of a model that the CUDA EP cannot run, or null when none. */
export function cudaPlacementWarning(onnxBytes: Uint8Array): Diagnostic | null {
  const cpu = cpuFallbackNodes(onnxBytes);
  if (!cpu.length) return null;
  const shown = cpu.slice(0, 8).map((p) => `${p.op} '${p.node}' (${p.type}: ${p.cpuReason})`);
  return diag('RPN5201', `${cpu.length} node(s) will run on CPU under the CUDA execution provider: ${shown.join(', ')}${cpu.length > shown.length ? `, … (${cpu.length - shown.length} more)` : ''}`, {
    severity: 'warning',
    hint: 'each of them costs a device↔host copy; rebuild the model with a current rpnc (its emitter only produces ops with CUDA kernels) or use --ep cpu',
  });
}

/** An .onnx file already read by `readOnnxFile`: its path (for its external data) and its checked bytes. */
export interface OnnxFile {
  file: string;
  bytes: Uint8Array;
}

/** Create an ONNX Runtime session from ONNX bytes on the chosen execution provider (`cuda` strict: RPN5001 when it cannot load; `auto` falls back to the CPU through `onNote`). */
export async function createSession(model: Uint8Array | string | OnnxFile, opts: SessionOptions = {}): Promise<RpncSession> {
  const ep = opts.ep ?? 'cpu';
  let onnxBytes: Uint8Array;
  // bounded before anything decodes the model or ONNX Runtime sees it (compiler/onnx/read-onnx.ts)
  let external: string[];
  if (typeof model === 'string' || !(model instanceof Uint8Array)) {
    const file = typeof model === 'string' ? model : model.file;
    onnxBytes = typeof model === 'string' ? readOnnxFile(model) : model.bytes;
    external = externalDataFiles(onnxBytes);
    if (external.length) checkExternalData(file, onnxBytes);
  } else {
    onnxBytes = model;
    checkOnnxBytes(onnxBytes, 'the ONNX model');
    external = externalDataFiles(onnxBytes);
    if (external.length) throw new DiagnosticError(diag('RPN5002', `ONNX Runtime could not load the model: it keeps its tensors in external data (${external.join(', ')}) and was given as bytes`, { hint: 'load it from its file path, next to its .data file' }));
  }
  // the bytes that were checked, unless ONNX Runtime needs the path to find the external data
  const source = external.length && !(model instanceof Uint8Array) ? (typeof model === 'string' ? model : model.file) : onnxBytes;
  const wrap = (session: ort.InferenceSession, used: 'cpu' | 'cuda'): RpncSession => ({
    session,
    ep: used,
    inputName: session.inputNames[0],
    outputName: session.outputNames[0],
  });
  if (ep === 'cpu') {
    try {
      return wrap(await create(source, ['cpu'], opts), 'cpu');
    } catch (e) {
      const proto = decodeModel(onnxBytes);
      const fp16 = proto !== null && modelPrecision(proto) === 'fp16';
      const hint = fp16
        ? "a float16 model (rpnc build --precision fp16) is meant for the CUDA EP, and this ONNX Runtime's CPU EP cannot run one of its nodes in float16: use --ep cuda, or build with --precision fp32 for the CPU"
        : proto?.producerName && proto.producerName !== 'rpnc'
          ? `the model was written by ${proto.producerName}, not rpnc: it uses something this ONNX Runtime (${ort.env.versions.common}) cannot load, e.g. a newer opset or a custom operator`
          : 'this is a bug in rpnc if the file came from `rpnc build`; please report it';
      throw new DiagnosticError(diag('RPN5002', `ONNX Runtime could not load the model${fp16 ? ' (float16) on the CPU execution provider' : ''}: ${firstLine((e as Error).message)}`, { hint }));
    }
  }
  const libPath = path.join(ortBinaryDir(), CUDA_PROVIDER_LIB);
  try {
    if (!fs.existsSync(libPath)) throw new Error(`Failed to load shared library ${CUDA_PROVIDER_LIB}: not found in ${path.dirname(libPath)}`);
    const session = wrap(await create(source, [{ name: 'cuda', deviceId: opts.deviceId ?? 0 }], opts, true), 'cuda');
    const warning = decodeModel(onnxBytes) ? cudaPlacementWarning(onnxBytes) : null;
    if (warning) (opts.onWarning ?? ((w: Diagnostic) => opts.onNote?.(`warning ${w.code}: ${w.message}`)))(warning);
    return session;
  } catch (e) {
    const msg = (e as Error).message;
    if (ep === 'auto') {
      opts.onNote?.(`CUDA execution provider unavailable (${firstLine(msg)}); running on CPU`);
      return createSession(model, { ...opts, ep: 'cpu' });
    }
    throw new DiagnosticError(diag('RPN5001', `the CUDA execution provider cannot be loaded: ${firstLine(msg)}`, { hint: CUDA_INSTALL_HINT }));
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** A float32 batch as the tensor a model input of element `type` takes: float16 (--io-precision fp16, values rounded to half) or float32. */
export function inputTensor(type: string | undefined, input: { shape: number[]; data: Float32Array }): ort.Tensor {
  return type === 'float16'
    ? new ort.Tensor('float16', Uint16Array.from(input.data, (v) => toHalfBits(v)), input.shape)
    : new ort.Tensor('float32', input.data, input.shape);
}

/** Run a single-input, single-output rpnc model on a (batch, m) float32 matrix. */
export async function runSession(s: RpncSession, input: { shape: number[]; data: Float32Array }): Promise<{ shape: number[]; data: Float32Array }> {
  // a model built with --io-precision fp16 takes and gives float16: convert at the boundary
  const feeds = { [s.inputName]: inputTensor((s.session.inputMetadata?.[0] as { type?: string } | undefined)?.type, input) };
  let out;
  try {
    out = await s.session.run(feeds);
  } catch (e) {
    throw new DiagnosticError(diag('RPN5003', `ONNX Runtime failed to run the model: ${firstLine((e as Error).message)}`, { hint: `the model expects input [batch, ${s.session.inputMetadata?.[0] && 'shape' in s.session.inputMetadata[0] ? (s.session.inputMetadata[0].shape as unknown[])[1] : 'm'}] float32` }));
  }
  const y = modelOutput(s.outputName, out[s.outputName]); // float16 → float32
  return { shape: y.shape, data: y.data as Float32Array };
}
