/**
 * A pool of worker threads (runtime/serve/worker.ts), each holding its own ONNX Runtime session and
 * running one batch at a time. A worker that dies (crash, out of memory, terminated) is replaced; the
 * batch it was running is rejected with `WorkerDiedError`, never left hanging.
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ExecutionProvider } from '../session.js';

export class WorkerDiedError extends Error {}

export interface Batch {
  data: Float32Array | Uint16Array;
  shape: number[];
}

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  job?: { id: number; resolve: (b: Batch) => void; reject: (e: Error) => void };
}

export interface PoolOptions {
  workers: number;
  ep: ExecutionProvider;
  deviceId: number;
  intraOpNumThreads?: number;
  /** Called when a worker becomes free (after a run, a start or a replacement). */
  onFree?: () => void;
  onNote?: (message: string) => void;
}

/** The compiled worker script: dist/runtime/serve/worker.js (also when this module runs from source). */
function workerScript(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (fs.existsSync(here)) return here;
  return fileURLToPath(new URL('../../dist/runtime/serve/worker.js', import.meta.url));
}

export class WorkerPool {
  private slots: Slot[] = [];
  private nextId = 1;
  private closing = false;
  /** Workers replaced after dying. */
  restarts = 0;
  ep: 'cpu' | 'cuda' = 'cpu';

  constructor(
    private readonly modelPath: string,
    private readonly opts: PoolOptions,
  ) {}

  /** Start every worker; resolves when all have loaded the model, rejects with the first load error. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.opts.workers }, (_, i) => this.spawn(i)));
  }

  private spawn(index: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerScript(), {
        workerData: { modelPath: this.modelPath, ep: this.opts.ep, deviceId: this.opts.deviceId, intraOpNumThreads: this.opts.intraOpNumThreads },
      });
      const slot: Slot = { index, worker, ready: false };
      this.slots[index] = slot;
      let started = false;
      worker.on('message', (m: { type?: string; ep?: 'cpu' | 'cuda'; message?: string; id?: number; data?: Float32Array | Uint16Array; shape?: number[]; error?: string }) => {
        if (m.type === 'ready') {
          started = true;
          slot.ready = true;
          this.ep = m.ep ?? 'cpu';
          resolve();
          this.opts.onFree?.();
          return;
        }
        if (m.type === 'load-error') {
          started = true;
          reject(new Error(m.message));
          void worker.terminate();
          return;
        }
        const job = slot.job;
        if (!job || job.id !== m.id) return;
        slot.job = undefined;
        if (m.error !== undefined) job.reject(new Error(m.error));
        else job.resolve({ data: m.data!, shape: m.shape! });
        this.opts.onFree?.();
      });
      worker.on('error', (e) => {
        if (!started) {
          started = true;
          reject(e);
        }
      });
      worker.on('exit', (code) => {
        if (this.slots[index] !== slot) return;
        slot.ready = false;
        const job = slot.job;
        slot.job = undefined;
        if (job) job.reject(new WorkerDiedError(`the worker running this request died (exit code ${code}); it is being replaced`));
        if (this.closing || !started || !slot.worker) return;
        this.restarts++;
        this.opts.onNote?.(`worker ${index} died (exit code ${code}); starting a new one`);
        this.spawn(index).catch((e) => this.opts.onNote?.(`worker ${index} could not be restarted: ${(e as Error).message}`));
      });
    });
  }

  /** Number of workers ready and idle. */
  freeCount(): number {
    return this.slots.filter((s) => s.ready && !s.job).length;
  }

  /** Batches running now. */
  busyCount(): number {
    return this.slots.filter((s) => s.job).length;
  }

  readyCount(): number {
    return this.slots.filter((s) => s.ready).length;
  }

  /** Run a batch on a free worker (the caller checks `freeCount() > 0` first). */
  run(batch: Batch): Promise<Batch> {
    const slot = this.slots.find((s) => s.ready && !s.job);
    if (!slot) return Promise.reject(new Error('no free worker'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.job = { id, resolve, reject };
      slot.worker.postMessage({ id, data: batch.data, shape: batch.shape }, [batch.data.buffer as ArrayBuffer]);
    });
  }

  /** Terminate one busy worker (or an idle one): for tests of the replacement. Returns its index, or -1. */
  killOne(): number {
    const slot = this.slots.find((s) => s.job) ?? this.slots.find((s) => s.ready);
    if (!slot) return -1;
    void slot.worker.terminate();
    return slot.index;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
