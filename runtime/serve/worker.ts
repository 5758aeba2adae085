/**
 * A worker thread of `rpnc serve`: one ONNX Runtime session, one run at a time. onnxruntime-node's
 * `run()` blocks the thread that calls it, so sessions live here and the HTTP event loop stays free.
 *
 * In:  workerData { modelPath, ep, deviceId, intraOpNumThreads }; messages { id, data, shape }.
 * Out: { type: 'ready', ep } | { type: 'load-error', message } once; then { id, data, shape } or
 *      { id, error } per message (output buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { createSession, type ExecutionProvider } from '../session.js';

interface Init {
  modelPath: string;
  ep: ExecutionProvider;
  deviceId: number;
  intraOpNumThreads?: number;
}
export interface RunMessage {
  id: number;
  data: Float32Array | Uint16Array;
  shape: number[];
}

const init = workerData as Init;
const port = parentPort!;

const message = (e: unknown): string => (e instanceof DiagnosticError ? e.diagnostics.map((d) => `${d.code}: ${d.message}`).join('; ') : (e as Error)?.message ?? String(e));

try {
  // no spinning: idle ORT threads would take the cores from the HTTP event loop
  const s = await createSession(init.modelPath, { ep: init.ep, deviceId: init.deviceId, intraOpNumThreads: init.intraOpNumThreads, allowSpinning: false });
  port.postMessage({ type: 'ready', ep: s.ep });
  port.on('message', async (m: RunMessage) => {
    try {
      const type = m.data instanceof Uint16Array ? 'float16' : 'float32';
      const out = await s.session.run({ [s.inputName]: new ort.Tensor(type, m.data, m.shape) });
      const t = out[s.outputName];
      const data = t.data as Float32Array | Uint16Array;
      // a fresh copy: the transfer list needs a buffer of its own, not a view into ORT's memory
      const copy = data instanceof Uint16Array ? new Uint16Array(data) : new Float32Array(data);
      port.postMessage({ id: m.id, data: copy, shape: [...t.dims] }, [copy.buffer]);
    } catch (e) {
      port.postMessage({ id: m.id, error: `ONNX Runtime failed to run the model: ${message(e).split('\n')[0]}` });
    }
  });
} catch (e) {
  port.postMessage({ type: 'load-error', message: message(e) });
}
