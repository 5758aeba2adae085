/** The dynamic batcher's decisions, on a fake worker pool: what goes into each run, and when. */
import { describe, expect, it } from 'vitest';
import type { Batch, WorkerPool } from '../../runtime/serve/pool.js';
import { QueueFullError, Scheduler, type SchedulerOptions } from '../../runtime/serve/scheduler.js';

/** A pool of `workers` that records every run and answers y = 2·x when `finish` is called. */
function fakePool(workers: number) {
  const runs: { shape: number[]; data: number[]; finish: () => void }[] = [];
  let busy = 0;
  let scheduler: Scheduler | undefined;
  const pool = {
    freeCount: () => workers - busy,
    run: (b: Batch) =>
      new Promise<Batch>((resolve) => {
        busy++;
        runs.push({
          shape: b.shape,
          data: Array.from(b.data),
          finish: () => {
            busy--;
            resolve({ shape: b.shape, data: Float32Array.from(b.data, (v) => 2 * v) });
            scheduler?.pump();
          },
        });
      }),
  } as unknown as WorkerPool;
  return { pool, runs, attach: (s: Scheduler) => (scheduler = s) };
}

const base: SchedulerOptions = { batching: true, maxBatch: 8, preferredBatchSizes: [], maxDelayMs: 0, maxQueue: 100, inWidth: 1, outWidth: 1 };
const req = (rows: number, first: number) => ({ data: Float32Array.from({ length: rows }, (_, i) => first + i), shape: [rows, 1] });
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('Scheduler', () => {
  it('merges what queued while the worker was busy (max delay 0), and each request gets its own rows', async () => {
    const f = fakePool(1);
    const s = new Scheduler(f.pool, base);
    f.attach(s);
    const p1 = s.submit(req(1, 10).data, req(1, 10).shape);
    const p2 = s.submit(req(2, 20).data, req(2, 20).shape);
    const p3 = s.submit(req(3, 30).data, req(3, 30).shape);
    expect(f.runs.map((r) => r.shape[0])).toEqual([1]); // p1 went at once, alone
    f.runs[0].finish();
    await tick();
    expect(f.runs.map((r) => r.data)).toEqual([[10], [20, 21, 30, 31, 32]]); // p2 and p3 merged in arrival order
    f.runs[1].finish();
    expect(await p1).toMatchObject({ shape: [1, 1] });
    expect(Array.from((await p2).data)).toEqual([40, 42]);
    expect(Array.from((await p3).data)).toEqual([60, 62, 64]);
    expect((await p3).shape).toEqual([3, 1]);
  });

  it('never splits a request and never exceeds maxBatch rows', async () => {
    const f = fakePool(1);
    const s = new Scheduler(f.pool, base);
    f.attach(s);
    s.submit(req(1, 0).data, [1, 1]); // occupies the worker
    for (const rows of [5, 2, 4, 1]) void s.submit(req(rows, 100 * rows).data, [rows, 1]);
    f.runs[0].finish();
    await tick();
    f.runs[1].finish();
    await tick();
    f.runs[2].finish();
    await tick();
    expect(f.runs.map((r) => r.shape[0])).toEqual([1, 7, 5]); // 5+2 (4 would exceed 8), then 4+1
  });

  it('waits up to maxDelayMs for more rows, and sends a preferred size at once', async () => {
    const f = fakePool(1);
    const s = new Scheduler(f.pool, { ...base, maxDelayMs: 40, preferredBatchSizes: [4] });
    f.attach(s);
    void s.submit(req(1, 1).data, [1, 1]);
    void s.submit(req(1, 2).data, [1, 1]);
    expect(f.runs.length).toBe(0); // waiting
    void s.submit(req(2, 3).data, [2, 1]);
    expect(f.runs.map((r) => r.shape[0])).toEqual([4]); // 1+1+2 = preferred 4: no more waiting
    f.runs[0].finish();
    await tick();
    const t0 = performance.now();
    void s.submit(req(1, 9).data, [1, 1]);
    while (!f.runs[1]) await new Promise((r) => setTimeout(r, 2));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35); // sent alone after the delay
    expect(f.runs[1].shape[0]).toBe(1);
  });

  it('batching off (a batch-coupled or fixed-batch model): one request per run, in arrival order', async () => {
    const f = fakePool(1);
    const s = new Scheduler(f.pool, { ...base, batching: false });
    f.attach(s);
    for (let i = 0; i < 4; i++) void s.submit(req(2, 10 * i).data, [2, 1]);
    for (let i = 0; i < 4; i++) {
      f.runs[i].finish();
      await tick();
    }
    expect(f.runs.map((r) => r.data)).toEqual([[0, 1], [10, 11], [20, 21], [30, 31]]);
  });

  it('a full queue refuses with QueueFullError; running requests do not count', async () => {
    const f = fakePool(1);
    const s = new Scheduler(f.pool, { ...base, batching: false, maxQueue: 2 });
    f.attach(s);
    void s.submit(req(1, 0).data, [1, 1]); // running
    void s.submit(req(1, 1).data, [1, 1]);
    void s.submit(req(1, 2).data, [1, 1]);
    await expect(s.submit(req(1, 3).data, [1, 1])).rejects.toBeInstanceOf(QueueFullError);
    expect(s.depth()).toBe(2);
  });
});
