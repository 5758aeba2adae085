/**
 * ONNX Runtime sessions: execution-provider choice and its failure modes.
 *
 * `cpu`  : the CPU EP (always available).
 * `cuda` : strict. If the CUDA provider library cannot be loaded, one message naming the missing
 *          library and how to install it (RPN5001); never a silent CPU fallback.
 * `auto` : try CUDA, fall back to CPU and say so (through `onNote`).
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { DiagnosticError, diag } from '../compiler/diagnostics.js';

export type ExecutionProvider = 'cpu' | 'cuda' | 'auto';

export interface SessionOptions {
  ep?: ExecutionProvider;
  deviceId?: number;
  /** Informational messages (e.g. the auto fallback). */
  onNote?: (message: string) => void;
  intraOpNumThreads?: number;
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
  'with the CUDA 12 and cuDNN 9 libraries on LD_LIBRARY_PATH; or run with --ep cpu';

async function create(bytes: Uint8Array, providers: ort.InferenceSession.SessionOptions['executionProviders'], opts: SessionOptions) {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: providers, graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (opts.intraOpNumThreads !== undefined) options.intraOpNumThreads = opts.intraOpNumThreads;
  return ort.InferenceSession.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
}

export async function createSession(onnxBytes: Uint8Array, opts: SessionOptions = {}): Promise<RpncSession> {
  const ep = opts.ep ?? 'cpu';
  const wrap = (session: ort.InferenceSession, used: 'cpu' | 'cuda'): RpncSession => ({
    session,
    ep: used,
    inputName: session.inputNames[0],
    outputName: session.outputNames[0],
  });
  if (ep === 'cpu') {
    try {
      return wrap(await create(onnxBytes, ['cpu'], opts), 'cpu');
    } catch (e) {
      throw new DiagnosticError(diag('RPN5002', `ONNX Runtime could not load the model: ${(e as Error).message}`, { hint: 'this is a bug in rpnc if the file came from `rpnc build`; please report it' }));
    }
  }
  const libPath = path.join(ortBinaryDir(), CUDA_PROVIDER_LIB);
  try {
    if (!fs.existsSync(libPath)) throw new Error(`Failed to load shared library ${CUDA_PROVIDER_LIB}: not found in ${path.dirname(libPath)}`);
    return wrap(await create(onnxBytes, [{ name: 'cuda', deviceId: opts.deviceId ?? 0 }], opts), 'cuda');
  } catch (e) {
    const msg = (e as Error).message;
    if (ep === 'auto') {
      opts.onNote?.(`CUDA execution provider unavailable (${firstLine(msg)}); running on CPU`);
      return createSession(onnxBytes, { ...opts, ep: 'cpu' });
    }
    throw new DiagnosticError(diag('RPN5001', `the CUDA execution provider cannot be loaded: ${firstLine(msg)}`, { hint: CUDA_INSTALL_HINT }));
  }
}

function firstLine(s: string): string {
  return s.split('\n')[0].trim();
}

/** Run a single-input, single-output rpnc model on a (batch, m) float32 matrix. */
export async function runSession(s: RpncSession, input: { shape: number[]; data: Float32Array }): Promise<{ shape: number[]; data: Float32Array }> {
  const feeds = { [s.inputName]: new ort.Tensor('float32', input.data, input.shape) };
  let out;
  try {
    out = await s.session.run(feeds);
  } catch (e) {
    throw new DiagnosticError(diag('RPN5003', `ONNX Runtime failed to run the model: ${firstLine((e as Error).message)}`, { hint: `the model expects input [batch, ${s.session.inputMetadata?.[0] && 'shape' in s.session.inputMetadata[0] ? (s.session.inputMetadata[0].shape as unknown[])[1] : 'm'}] float32` }));
  }
  const t = out[s.outputName];
  return { shape: [...t.dims], data: t.data as Float32Array };
}
