/**
 * The request queue of one served model, and its dynamic batcher.
 *
 * Row-independent models with batching on: queued requests are merged, in arrival order, into one
 * run of at most `maxBatch` rows. A batch goes out at once when it reaches `maxBatch` rows or exactly
 * a preferred size (the largest one reachable), otherwise when its oldest request has waited
 * `maxDelayMs` (the largest batch ≤ maxBatch then). Each request gets back exactly its own rows.
 *
 * Every other model (fixed batch, batch-coupled, or batching off): one request is one run, in
 * arrival order. A request is never split across runs, and never merged with another one.
 *
 * The queue holds at most `maxQueue` waiting requests; beyond that `submit` throws `QueueFullError`
 * (HTTP 503). Requests already running are not counted.
 */
import type { Batch, WorkerPool } from './pool.js';

export class QueueFullError extends Error {}

export interface SchedulerOptions {
  /** Merge requests (row-independent models only). */
  batching: boolean;
  maxBatch: number;
  preferredBatchSizes: number[];
  maxDelayMs: number;
  maxQueue: number;
  /** Values per input row and per output row. */
  inWidth: number;
  outWidth: number;
  /** Called with the rows of every run (for the batch-size histogram). */
  onBatch?: (rows: number, requests: number) => void;
}

interface Pending {
  rows: number;
  data: Float32Array | Uint16Array;
  shape: number[];
  enqueued: number;
  resolve: (b: Batch) => void;
  reject: (e: Error) => void;
}

export class Scheduler {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly pool: WorkerPool,
    private readonly opts: SchedulerOptions,
  ) {}

  depth(): number {
    return this.queue.length;
  }

  /** True when `submit` would be refused now. */
  full(): boolean {
    return this.queue.length >= this.opts.maxQueue;
  }

  inFlight(): number {
    return this.running;
  }

  /** Queue one request (`shape[0]` rows); resolves with its own output. */
  submit(data: Float32Array | Uint16Array, shape: number[]): Promise<Batch> {
    if (this.queue.length >= this.opts.maxQueue) return Promise.reject(new QueueFullError(`the queue is full (${this.opts.maxQueue} requests waiting); try again later`));
    return new Promise((resolve, reject) => {
      this.queue.push({ rows: shape[0], data, shape, enqueued: performance.now(), resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (!this.queue.length && !this.running) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Dispatch what can go now; called on submit, when a worker frees up, and by the delay timer. */
  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length && this.pool.freeCount() > 0) {
      const n = this.opts.batching ? this.batchLength() : 1;
      if (n === 0) break; // waiting for more requests, the timer is set
      this.dispatch(this.queue.splice(0, n));
    }
    this.checkIdle();
  }

  /** How many queued requests form the next batch now, or 0 to wait (then the timer is armed). */
  private batchLength(): number {
    const { maxBatch, preferredBatchSizes, maxDelayMs } = this.opts;
    let rows = 0;
    let n = 0;
    let preferredN = 0;
    while (n < this.queue.length && rows + this.queue[n].rows <= maxBatch) {
      rows += this.queue[n].rows;
      n++;
      if (preferredBatchSizes.includes(rows)) preferredN = n;
    }
    if (n === 0) return 1; // cannot happen (requests above maxBatch are refused), but never stall
    if (rows >= maxBatch || n < this.queue.length) return preferredN || n; // full: more would not fit
    if (preferredN) return preferredN;
    const waited = performance.now() - this.queue[0].enqueued;
    if (waited >= maxDelayMs) return n;
    this.timer = setTimeout(() => this.pump(), Math.max(0, maxDelayMs - waited));
    return 0;
  }

  private dispatch(reqs: Pending[]): void {
    const rows = reqs.reduce((s, r) => s + r.rows, 0);
    let data: Float32Array | Uint16Array;
    let shape: number[];
    if (reqs.length === 1) {
      data = reqs[0].data;
      shape = reqs[0].shape;
    } else {
      data = reqs[0].data instanceof Uint16Array ? new Uint16Array(rows * this.opts.inWidth) : new Float32Array(rows * this.opts.inWidth);
      let off = 0;
      for (const r of reqs) {
        data.set(r.data, off);
        off += r.data.length;
      }
      shape = [rows, ...reqs[0].shape.slice(1)];
    }
    this.running++;
    this.opts.onBatch?.(rows, reqs.length);
    this.pool.run({ data, shape }).then(
      (out) => {
        if (reqs.length === 1) reqs[0].resolve(out);
        else {
          let off = 0;
          for (const r of reqs) {
            const len = r.rows * this.opts.outWidth;
            r.resolve({ data: out.data.slice(off, off + len), shape: [r.rows, ...out.shape.slice(1)] });
            off += len;
          }
        }
        this.done();
      },
      (e: Error) => {
        for (const r of reqs) r.reject(e);
        this.done();
      },
    );
  }

  private done(): void {
    this.running--;
    this.pump();
  }

  private checkIdle(): void {
    if (this.queue.length || this.running) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const f of w) f();
  }
}
