/** `rpnc serve`'s /metrics in the Prometheus text exposition format (version 0.0.4). */

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

class Histogram {
  counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }
  lines(name: string, labels: string): string[] {
    const l = labels ? `${labels},` : '';
    const out = this.buckets.map((b, i) => `${name}_bucket{${l}le="${b}"} ${this.counts[i]}`);
    out.push(`${name}_bucket{${l}le="+Inf"} ${this.count}`, `${name}_sum{${labels}} ${this.sum}`, `${name}_count{${labels}} ${this.count}`);
    return out;
  }
}

const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export interface ModelGauges {
  queueDepth: () => number;
  inFlight: () => number;
  workersReady: () => number;
  workerRestarts: () => number;
}

export class Metrics {
  private requests = new Map<string, number>(); // `${model}\0${code}`
  private latency = new Map<string, Histogram>();
  private batchRows = new Map<string, Histogram>();
  private batchRequests = new Map<string, number>();
  private gauges = new Map<string, ModelGauges>();

  addModel(model: string, gauges: ModelGauges): void {
    this.gauges.set(model, gauges);
    this.latency.set(model, new Histogram(LATENCY_BUCKETS));
    this.batchRows.set(model, new Histogram(BATCH_BUCKETS));
    this.batchRequests.set(model, 0);
  }

  /** One answered inference request (any status); `model` is '' when the model was unknown. */
  request(model: string, code: number, seconds: number): void {
    const k = `${model}\0${code}`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
    if (code === 200) this.latency.get(model)?.observe(seconds);
  }

  batch(model: string, rows: number, requests: number): void {
    this.batchRows.get(model)?.observe(rows);
    this.batchRequests.set(model, (this.batchRequests.get(model) ?? 0) + requests);
  }

  text(): string {
    const L: string[] = [];
    L.push('# HELP rpnc_inference_requests_total Inference requests answered, by model and HTTP status.', '# TYPE rpnc_inference_requests_total counter');
    for (const [k, v] of [...this.requests].sort()) {
      const [m, c] = k.split('\0');
      L.push(`rpnc_inference_requests_total{model="${esc(m)}",code="${c}"} ${v}`);
    }
    L.push('# HELP rpnc_inference_errors_total Inference requests answered with a 4xx or 5xx status.', '# TYPE rpnc_inference_errors_total counter');
    const errors = new Map<string, number>();
    for (const [k, v] of this.requests) {
      const [m, c] = k.split('\0');
      if (Number(c) >= 400) errors.set(m, (errors.get(m) ?? 0) + v);
    }
    for (const [m, v] of [...errors].sort()) L.push(`rpnc_inference_errors_total{model="${esc(m)}"} ${v}`);
    L.push('# HELP rpnc_request_duration_seconds Time from receiving a request body to sending its answer (successful inferences).', '# TYPE rpnc_request_duration_seconds histogram');
    for (const [m, h] of this.latency) L.push(...h.lines('rpnc_request_duration_seconds', `model="${esc(m)}"`));
    L.push('# HELP rpnc_batch_rows Rows of each ONNX Runtime run (requests merged by the dynamic batcher).', '# TYPE rpnc_batch_rows histogram');
    for (const [m, h] of this.batchRows) L.push(...h.lines('rpnc_batch_rows', `model="${esc(m)}"`));
    L.push('# HELP rpnc_batched_requests_total Requests that went into ONNX Runtime runs.', '# TYPE rpnc_batched_requests_total counter');
    for (const [m, v] of this.batchRequests) L.push(`rpnc_batched_requests_total{model="${esc(m)}"} ${v}`);
    const gauge = (name: string, help: string, type: 'gauge' | 'counter', f: (g: ModelGauges) => number): void => {
      L.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [m, g] of this.gauges) L.push(`${name}{model="${esc(m)}"} ${f(g)}`);
    };
    gauge('rpnc_queue_depth', 'Requests waiting for a worker.', 'gauge', (g) => g.queueDepth());
    gauge('rpnc_inflight_batches', 'ONNX Runtime runs in progress.', 'gauge', (g) => g.inFlight());
    gauge('rpnc_workers_ready', 'Worker threads with the model loaded.', 'gauge', (g) => g.workersReady());
    gauge('rpnc_worker_restarts_total', 'Workers replaced after dying.', 'counter', (g) => g.workerRestarts());
    const mem = process.memoryUsage();
    L.push('# HELP process_resident_memory_bytes Resident memory of the server process.', '# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    L.push('# HELP nodejs_heap_used_bytes V8 heap in use.', '# TYPE nodejs_heap_used_bytes gauge', `nodejs_heap_used_bytes ${mem.heapUsed}`);
    return L.join('\n') + '\n';
  }
}
