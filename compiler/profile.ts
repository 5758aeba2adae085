/**
 * `rpnc profile`: where the time of one forward goes, in RPN terms. Library code: returns data,
 * never prints.
 *
 * The model runs in an ONNX Runtime session with ORT's own profiling on (`enableProfiling`); ORT writes
 * a Chrome-trace file with one event per kernel call (`<node name>_kernel_time`) and one per run
 * (`model_run`). rpnc names every node after the RPN component it was lowered from
 * (`layers.0/heads.0/expansion[bspline_expansion]/Mul_12`, ir/graph.ts `Graph.scope`), and ORT keeps
 * that name as the prefix of the nodes its own fusions make (`…/Mul_35/QuickGeluFusion/`), so every
 * kernel event maps back to a layer, a head and a component (expansion, reconciliation with its
 * fabrication form, remainder, interdependence, fusion, processing, grid). Events of the warm-up runs
 * are dropped; the times are means per timed run. The part of a run spent outside kernels (executor,
 * allocation, onnxruntime-node's copy of the input) is its own row, so the rows add up to the run.
 *
 * FLOPs are the matrix FLOPs `rpnc inspect` counts (2 × multiply-adds of MatMul, Gemm and Conv) at
 * the profiled batch, from the IR (a model file) or from the ONNX initializer shapes (an .onnx file:
 * MatMul / Gemm with a constant right-hand side only); elementwise work is not counted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { dimSize, type Dim, type Graph } from '../ir/graph.js';
import { createSession, runSession, type ExecutionProvider } from '../runtime/session.js';
import { DiagnosticError, diag } from './diagnostics.js';
import { SeededRandom } from './weights/store.js';
import { decodeModelProto } from './onnx/nesting.js';

const { onnx } = onnxProto;

export interface ProfileOptions {
  /** Rows of the random input (default 64). */
  batch?: number;
  /** Timed runs (default 20) after `warmup` untimed ones (default 3). */
  runs?: number;
  warmup?: number;
  ep?: ExecutionProvider;
  deviceId?: number;
  /** Intra-op threads (default 2, as `npm run bench`). */
  threads?: number;
  /** Where the Chrome-trace file goes (default: ORT's own name in the OS temporary directory). */
  trace?: string;
  /** The optimised IR of the model (a model file): exact shapes for the FLOPs. */
  graph?: Graph;
  onNote?: (message: string) => void;
}

/** One row of the profile: an RPN component of one head (or of a layer, or the model), or ORT's time outside kernels. */
export interface ProfileRow {
  /** `layers.0/heads.0/expansion[bspline_expansion]`, `layers.1/fusion[mean_fusion]`, `model`, or `(outside kernels)`. */
  key: string;
  layer: number | null;
  head: number | null;
  /** `expansion`, `reconciliation`, `remainder`, `interdependence`, `fusion`, `process`, `grid_interdependence`, …, `head` (a head's own nodes, e.g. its bias), `model`, `runtime`. */
  component: string;
  /** What is in the brackets: the component's type, with the fabrication form for a reconciliation (`identity_reconciliation:dense`). */
  detail: string;
  /** Mean time per run, milliseconds. */
  ms: number;
  /** ms / the mean run time. */
  share: number;
  /** Kernel calls per run. */
  kernels: number;
  /** ONNX ops that ran (after ORT's fusions), most time first. */
  ops: string[];
  /** Matrix FLOPs per run (0: none counted). */
  flops: number;
  /** flops / time, GFLOP/s (null without FLOPs). */
  gflops: number | null;
}

export interface ProfileReport {
  batch: number;
  runs: number;
  warmup: number;
  ep: 'cpu' | 'cuda';
  /** Mean `model_run` time, ms. */
  runMs: number;
  /** Mean time inside kernels per run, ms. */
  kernelMs: number;
  /** Matrix FLOPs per run and the achieved GFLOP/s over the whole run. */
  flops: number;
  gflops: number | null;
  /** Sorted by time, largest first; the `(outside kernels)` row included. */
  rows: ProfileRow[];
  /** Per node: the slowest 10 kernels (name, op, ms per run). */
  topKernels: { node: string; op: string; ms: number }[];
  /** The Chrome-trace file ORT wrote (chrome://tracing, https://ui.perfetto.dev). */
  trace: string;
}

/** The RPN component a node name belongs to: layer, head, component and its bracketed detail. */
export function componentOf(nodeName: string): { key: string; layer: number | null; head: number | null; component: string; detail: string } {
  const segs = nodeName.split('/');
  let layer: number | null = null;
  let head: number | null = null;
  const keySegs: string[] = [];
  let component = '';
  let detail = '';
  for (const s of segs.slice(0, -1)) {
    const l = /^layers\.(\d+)$/.exec(s);
    const h = /^heads\.(\d+)$/.exec(s);
    if (l && layer === null) (layer = Number(l[1])), keySegs.push(s);
    else if (h && head === null && layer !== null) (head = Number(h[1])), keySegs.push(s);
    else {
      const c = /^([A-Za-z_]+)\[(.*)\]$/.exec(s);
      if (c && layer !== null) {
        component = c[1];
        detail = c[2];
        keySegs.push(s);
      }
      break;
    }
  }
  if (layer === null) return { key: 'model', layer: null, head: null, component: 'model', detail: 'graph output, nodes ONNX Runtime inserted' };
  if (!component) component = head === null ? 'layer' : 'head';
  return { key: keySegs.join('/'), layer, head, component, detail };
}

interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string };
}

/** Matrix FLOPs per node name at `batch` rows. */
function irFlops(g: Graph, batch: number): Map<string, number> {
  // symbolic dims are the batch, or products such as 'batch*784' (rows per sample × batch)
  const elems = (shape: Dim[]) => shape.reduce<number>((a, d) => a * dimSize(d, batch), 1);
  const out = new Map<string, number>();
  for (const n of g.nodes) {
    const a = n.inputs[0]?.shape;
    const w = n.inputs[1]?.shape;
    const y = n.outputs[0]?.shape;
    if (!a || !w || !y) continue;
    const k = n.op === 'MatMul' ? a[a.length - 1] : n.op === 'Gemm' ? (n.attrs.transA ? a[0] : a[1]) : n.op === 'Conv' ? elems(w.slice(1)) : undefined;
    if (typeof k === 'number') out.set(n.name, 2 * k * elems(y));
  }
  return out;
}

/** For an .onnx file: MatMul / Gemm with a constant 2-D right-hand side, `batch` rows. */
function onnxFlops(bytes: Uint8Array, batch: number): Map<string, number> {
  const out = new Map<string, number>();
  let m: onnxProto.onnx.ModelProto;
  try {
    m = decodeModelProto(bytes);
  } catch {
    return out;
  }
  const dims = new Map((m.graph?.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  for (const n of m.graph?.node ?? []) {
    const w = dims.get(n.input?.[1] ?? '');
    if (!w || w.length !== 2 || (n.opType !== 'MatMul' && n.opType !== 'Gemm')) continue;
    const transB = n.opType === 'Gemm' && (n.attribute ?? []).some((a) => a.name === 'transB' && Number(a.i) === 1);
    const [K, N] = transB ? [w[1], w[0]] : w;
    out.set(n.name ?? '', 2 * batch * K * N);
  }
  return out;
}

/**
 * Node name → the name whose scope it is attributed to. A node without a scope (made by an rpnc pass, e.g.
 * an Add of linear-fusion-folding) takes the scope of the nearest producer of its inputs that has one; a
 * node ONNX Runtime made (NCHWc convolution `layers.0.heads.0.conv_nchwc`, layout reorders) is looked up by
 * its name or by the value it is named after, with ORT's suffixes cut one at a time.
 */
function scopeResolver(bytes: Uint8Array): (name: string) => string {
  let m: onnxProto.onnx.ModelProto | undefined;
  try {
    m = decodeModelProto(bytes);
  } catch {
    m = undefined;
  }
  const nodes = new Map<string, onnxProto.onnx.INodeProto>();
  const producer = new Map<string, string>();
  for (const n of m?.graph?.node ?? []) {
    nodes.set(n.name ?? '', n);
    for (const o of n.output ?? []) producer.set(o, n.name ?? '');
  }
  const memo = new Map<string, string>();
  const viaInputs = (name: string, depth: number): string => {
    if (componentOf(name).layer !== null || depth > 64) return name;
    const hit = memo.get(name);
    if (hit !== undefined) return hit;
    memo.set(name, name);
    let out = name;
    for (const i of nodes.get(name)?.input ?? []) {
      const p = producer.get(i);
      if (p === undefined) continue;
      const r = viaInputs(p, depth + 1);
      if (componentOf(r).layer !== null) {
        out = r;
        break;
      }
    }
    memo.set(name, out);
    return out;
  };
  return (name: string): string => {
    if (componentOf(name).layer !== null) return name;
    for (let cut = name; cut; cut = cut.replace(/[_/][^_/]*$/, '')) {
      const n = nodes.has(cut) ? cut : producer.get(cut);
      if (n !== undefined) return viaInputs(n, 0);
      if (!/[_/]/.test(cut)) break;
    }
    return name;
  };
}

/** The newest file in `dir` whose name starts with `base` (ORT appends the date to the prefix). */
function newestWithPrefix(dir: string, base: string): string | undefined {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(base) && f.endsWith('.json'));
  return files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
}

/** Profile `onnxBytes` (an rpnc model, or any single-input float32 ONNX model) with ONNX Runtime. */
export async function profileModel(onnxBytes: Uint8Array, opts: ProfileOptions = {}): Promise<ProfileReport> {
  const batch = opts.batch ?? 64;
  const runs = opts.runs ?? 20;
  const warmup = opts.warmup ?? 3;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-profile-'));
  const base = 'rpnc_profile';
  const s = await createSession(onnxBytes, { ep: opts.ep ?? 'cpu', deviceId: opts.deviceId, onNote: opts.onNote, intraOpNumThreads: opts.threads ?? 2, interOpNumThreads: 1, profileFilePrefix: path.join(dir, base) });
  const meta = s.session.inputMetadata?.[0] as { shape?: unknown[] } | undefined;
  const shape = meta?.shape ?? [];
  const fixed = typeof shape[0] === 'number' && shape[0] > 0 ? shape[0] : undefined;
  const m = typeof shape[1] === 'number' ? shape[1] : undefined;
  if (m === undefined || shape.length !== 2) throw new DiagnosticError(diag('RPN7101', `rpnc profile needs a model with one input [batch, m]; this one has [${shape.join(', ')}]`, { hint: 'profile a model built by rpnc build' }));
  if (fixed !== undefined && opts.batch !== undefined && opts.batch !== fixed) {
    throw new DiagnosticError(diag('RPN6002', `--batch ${opts.batch}: the model has a fixed batch of ${fixed} rows (an instance interdependence mixes the rows of the batch)`, { hint: `omit --batch, or use --batch ${fixed}` }));
  }
  const rows = fixed ?? batch;
  const input = { shape: [rows, m], data: new SeededRandom(0).uniformTensor([rows, m], -1, 1) };
  for (let i = 0; i < warmup + runs; i++) await runSession(s, input);
  s.session.endProfiling();
  await s.session.release();
  const written = newestWithPrefix(dir, base);
  if (!written) throw new DiagnosticError(diag('RPN7101', `ONNX Runtime wrote no profile into ${dir}`, { hint: 'this is a bug in rpnc or onnxruntime-node; please report it' }));
  let events: TraceEvent[];
  try {
    events = JSON.parse(fs.readFileSync(written, 'utf8')) as TraceEvent[];
  } catch (e) {
    throw new DiagnosticError(diag('RPN7101', `ONNX Runtime's profile ${written} could not be read: ${(e as Error).message}`, { hint: 'this is a bug in rpnc or onnxruntime-node; please report it' }));
  }
  let trace = written;
  if (opts.trace) {
    fs.mkdirSync(path.dirname(path.resolve(opts.trace)), { recursive: true });
    fs.copyFileSync(written, opts.trace);
    fs.rmSync(dir, { recursive: true, force: true });
    trace = opts.trace;
  }

  // the timed runs: model_run events after the warm-up; kernels inside their [ts, ts + dur]
  const runEvents = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts! - b.ts!);
  const timed = runEvents.slice(warmup);
  if (!timed.length) throw new DiagnosticError(diag('RPN7101', `ONNX Runtime's profile ${trace} holds no timed run (${runEvents.length} model_run events)`, { hint: 'this is a bug in rpnc or onnxruntime-node; please report it' }));
  const t0 = timed[0].ts!;
  const kernels = events.filter((e) => e.cat === 'Node' && e.name?.endsWith('_kernel_time') && e.ts! >= t0);
  const runMs = timed.reduce((a, e) => a + e.dur!, 0) / 1000 / timed.length;

  const flopsOf = opts.graph ? irFlops(opts.graph, rows) : onnxFlops(onnxBytes, rows);
  const groups = new Map<string, ProfileRow & { opMs: Map<string, number> }>();
  const perNode = new Map<string, { op: string; us: number }>();
  const resolve = scopeResolver(onnxBytes);
  for (const e of kernels) {
    const node = e.name!.slice(0, -'_kernel_time'.length).replace(/\/$/, '');
    const c = componentOf(resolve(node));
    const op = e.args?.op_name ?? '?';
    let g = groups.get(c.key);
    if (!g) groups.set(c.key, (g = { ...c, ms: 0, share: 0, kernels: 0, ops: [], flops: 0, gflops: null, opMs: new Map() }));
    g.ms += e.dur! / 1000;
    g.kernels += 1;
    g.opMs.set(op, (g.opMs.get(op) ?? 0) + e.dur! / 1000);
    const pn = perNode.get(node) ?? { op, us: 0 };
    pn.us += e.dur!;
    perNode.set(node, pn);
  }
  // FLOPs by component from the model's own nodes (ORT's fusions keep the component in the name)
  for (const [name, f] of flopsOf) {
    const c = componentOf(resolve(name));
    const g = groups.get(c.key);
    if (g) g.flops += f;
  }
  const n = timed.length;
  const out: ProfileRow[] = [...groups.values()].map(({ opMs, ...g }) => ({
    ...g,
    ms: g.ms / n,
    kernels: Math.round(g.kernels / n),
    ops: [...opMs].sort((a, b) => b[1] - a[1]).map(([op]) => op),
    share: g.ms / n / runMs,
    gflops: g.flops > 0 && g.ms > 0 ? g.flops / ((g.ms / n) * 1e6) : null,
  }));
  const kernelMs = out.reduce((a, r) => a + r.ms, 0);
  out.push({ key: '(outside kernels)', layer: null, head: null, component: 'runtime', detail: 'executor, allocation, input/output copies', ms: Math.max(0, runMs - kernelMs), share: Math.max(0, runMs - kernelMs) / runMs, kernels: 0, ops: [], flops: 0, gflops: null });
  out.sort((a, b) => b.ms - a.ms || (a.key < b.key ? -1 : 1));
  const flops = [...flopsOf.values()].reduce((a, f) => a + f, 0);
  const topKernels = [...perNode].map(([node, v]) => ({ node, op: v.op, ms: v.us / 1000 / n })).sort((a, b) => b.ms - a.ms).slice(0, 10);
  return { batch: rows, runs: n, warmup, ep: s.ep, runMs, kernelMs, flops, gflops: flops > 0 ? flops / (runMs * 1e6) : null, rows: out, topKernels, trace };
}
