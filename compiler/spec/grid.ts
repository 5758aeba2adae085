/**
 * Grid geometry of tinybig's grid heads (rpn-semantics §12–§14; tinybig/koala/geometry/*):
 * patch offsets (cuboid, cylinder, sphere) in tinybig's enumeration order, packing strategies →
 * centre distances, output grid shapes, and the GridSpec that lowering and the reference consume.
 *
 * Also: building the HeadSpec of `grid_interdependence_head` / `grid_compression_head`, and the
 * layer list of `tinybig.model.cnn` (§6.4).
 */
import { type Component, isComponent } from '../dsl/component.js';
import { diag, fail, type Diagnostic } from '../diagnostics.js';
import { getSpan, optionSpan } from '../spans.js';
import type { WeightSource } from './params.js';
import type { HeadSpec, ProcessSpec, ReconciliationSpec, RemainderSpec } from './types.js';
import { maxOf, minOf } from '../../ir/arrays.js';

/** (dh, dw, dd) */
export type Triple = [number, number, number];
export type PatchShape = 'cuboid' | 'cylinder' | 'sphere';

/** The six metrics `grid_compression_head` accepts, plus `batch_mean` (mean-based geometric compression). */
export const POOLING_METRICS = ['batch_max', 'batch_min', 'batch_sum', 'batch_prod', 'batch_l1_norm', 'batch_l2_norm'] as const;

export interface GridSpec {
  kind: 'interdependence' | 'compression';
  /** Input grid (h, w, d). */
  grid: Triple;
  /** Input channels (tinybig's universes). */
  inChannels: number;
  /** Output channels (compression: = inChannels). */
  outChannels: number;
  patchShape: PatchShape;
  /** Offsets of the patch cells relative to the centre, in tinybig's order (index s). */
  offsets: Triple[];
  /** Bounding box of the offsets (inclusive), per axis. */
  lo: Triple;
  hi: Triple;
  /** Centre distances (strides). */
  cd: Triple;
  /** Output grid (H', W', D') = ⌈(h, w, d) / cd⌉. */
  out: Triple;
  /** Patch size S, number of patches P, grid size N = h·w·d. */
  S: number;
  P: number;
  N: number;
  /** Compression metric (e.g. `batch_max`); only for kind = 'compression'. */
  metric?: string;
  /** state_dict-style key (relative to the head prefix) of the interdependence matrix tinybig caches (extras). */
  matrixKey: string;
}

export class GeometryError extends Error {
  constructor(message: string, readonly option?: string, readonly hint?: string) {
    super(message);
  }
}

type Opts = Record<string, unknown>;
const num = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : (v as number));

/** Patch offsets in tinybig's enumeration order (cuboid/cylinder/sphere `generate_coordinates`). */
export function patchOffsets(shape: PatchShape, o: Opts): Triple[] {
  const out: Triple[] = [];
  if (shape === 'cuboid') {
    const pH = num(o.pH);
    if (pH === undefined) throw new GeometryError("a cuboid patch needs pH (tinybig asserts p_h is not None)", 'pH', 'add pH: 1');
    const pW = num(o.pW) ?? pH;
    const pD = num(o.pD) ?? 0;
    const pHp = num(o.pHPrime) ?? pH;
    const pWp = num(o.pWPrime) ?? pW;
    const pDp = num(o.pDPrime) ?? pD;
    for (let i = -pH; i <= pHp; i++) for (let j = -pW; j <= pWp; j++) for (let k = -pD; k <= pDp; k++) out.push([i + 0, j + 0, k + 0]); // (+0: no −0 from −p)
    return out;
  }
  const r = num(o.pR);
  if (r === undefined) throw new GeometryError(`a ${shape} patch needs pR (tinybig asserts p_r is not None)`, 'pR', 'add pR: 1');
  if (shape === 'cylinder') {
    const pDp = num(o.pDPrime) ?? num(o.pD) ?? 0;
    for (let i = -r; i <= r; i++) {
      const J = Math.trunc(Math.sqrt(r * r - i * i));
      for (let j = -J; j <= J; j++) {
        if (i * i + j * j > r * r) continue;
        for (let k = -pDp; k <= pDp; k++) out.push([i + 0, j + 0, k + 0]);
      }
    }
    return out;
  }
  for (let i = -r; i <= r; i++) {
    const J = Math.trunc(Math.sqrt(r * r - i * i));
    for (let j = -J; j <= J; j++) {
      if (i * i + j * j > r * r) continue;
      const K = Math.trunc(Math.sqrt(r * r - i * i - j * j));
      for (let k = -K; k <= K; k++) if (i * i + j * j + k * k <= r * r) out.push([i + 0, j + 0, k + 0]);
    }
  }
  return out;
}

/** The packing strategies tinybig's cuboid / cylinder / sphere know (koala/geometry); any other falls back to densest packing. */
export const PACKING_STRATEGIES: Record<PatchShape, readonly string[]> = {
  cuboid: ['sparse_square', 'complete_square', 'dense_square', 'densest_packing'],
  cylinder: ['sparse_square', 'complete_square', 'sparse_hexagonal', 'complete_hexagonal', 'dense_hexagonal', 'denser_hexagonal', 'densest_packing'],
  sphere: ['sparse_simple_cubic', 'complete_simple_cubic', 'dense_simple_cubic', 'sparse_face_centered_cubic', 'complete_face_centered_cubic', 'dense_face_centered_cubic', 'sparse_hexagonal', 'complete_hexagonal', 'dense_hexagonal', 'densest_packing'],
};

/**
 * RPN2402 warnings for packing strategies tinybig does not know for the patch's shape (a typo such as
 * 'dense_sqaure'): tinybig warns "Unknown strategy …, will use the default densest_packing strategy" and
 * packs densest; so does rpnc, saying so at the option. Not when cdH, cdW and cdD are all given (then
 * tinybig never asks the strategy).
 */
export function packingWarnings(root: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!isComponent(v) || seen.has(v)) return;
    seen.add(v);
    const o = v.options as Opts;
    const patch = isComponent(o.patch) ? (o.patch.type as PatchShape) : undefined;
    const shape = (patch ?? o.patchShape ?? 'cuboid') as PatchShape;
    const cdGiven = o.cdH !== undefined && o.cdH !== null && o.cdW !== undefined && o.cdW !== null && o.cdD !== undefined && o.cdD !== null;
    const checks: [string, PatchShape][] = [['packingStrategy', shape], ['poolingPackingStrategy', ((o.poolingPatchShape as PatchShape | undefined) ?? shape)]];
    for (const [key, sh] of checks) {
      const s = o[key];
      if (typeof s !== 'string' || (key === 'packingStrategy' && cdGiven) || !PACKING_STRATEGIES[sh]) continue;
      if (PACKING_STRATEGIES[sh].includes(s)) continue;
      out.push(diag('RPN2402', `${key} '${s}' is not a packing strategy of a ${sh} patch: tinybig warns "Unknown strategy ${s}, will use the default densest_packing strategy" and packs densest, and so does rpnc`, {
        severity: 'warning',
        span: optionSpan(v, key) ?? getSpan(v),
        hint: `the ${sh} strategies are ${PACKING_STRATEGIES[sh].join(', ')}`,
      }));
    }
    Object.values(o).forEach(visit);
  };
  visit(root);
  return out;
}

/** Packing strategy → centre distances, each `max(int(value), 1)` (§12.3). Unknown names → densest. */
export function packingCd(shape: PatchShape, strategy: string | undefined, o: Opts): Triple {
  let v: Triple = [1, 1, 1];
  if (shape === 'cuboid') {
    const pH = num(o.pH) ?? 0;
    const pW = num(o.pW) ?? pH;
    const pD = num(o.pD) ?? 0;
    if (strategy === 'sparse_square') v = [3 * pH, 3 * pW, 3 * pD];
    else if (strategy === 'complete_square') v = [2 * pH, 2 * pW, 2 * pD];
    else if (strategy === 'dense_square') v = [pH, pW, pD];
  } else if (shape === 'cylinder') {
    const r = num(o.pR) ?? 0;
    const pD = num(o.pD) ?? 0;
    const s2 = Math.sqrt(2), s3 = Math.sqrt(3), s6 = Math.sqrt(6);
    if (strategy === 'sparse_square') v = [2 * r, 2 * r, 2 * pD];
    else if (strategy === 'complete_square') v = [s2 * r, s2 * r, 2 * pD];
    else if (strategy === 'sparse_hexagonal') v = [s3 * r, 2 * r, 2 * pD];
    else if (strategy === 'complete_hexagonal') v = [1.5 * r, s3 * r, 2 * pD];
    else if (strategy === 'dense_hexagonal') v = [0.5 * s6 * r, s2 * r, pD];
    else if (strategy === 'denser_hexagonal') v = [0.5 * s3 * r, r, pD];
  } else {
    const r = num(o.pR) ?? 0;
    const s2 = Math.sqrt(2), s3 = Math.sqrt(3), s6 = Math.sqrt(6);
    if (strategy === 'sparse_simple_cubic') v = [2 * r, 2 * r, 2 * r];
    else if (strategy === 'complete_simple_cubic') v = [0.6667 * s3 * r, 0.6667 * s3 * r, 0.6667 * s3 * r];
    else if (strategy === 'dense_simple_cubic') v = [r, r, r];
    else if (strategy === 'sparse_face_centered_cubic') v = [2 * r, s3 * r, 0.6667 * s6 * r];
    else if (strategy === 'complete_face_centered_cubic') v = [s2 * r, 0.6667 * s6 * r, 1.3333 * r];
    else if (strategy === 'dense_face_centered_cubic') v = [r, r, r];
    else if (strategy === 'sparse_hexagonal') v = [2 * r, 2 * r, s6 * r];
    else if (strategy === 'complete_hexagonal') v = [0.6667 * s3 * r, 0.6667 * s3 * r, r];
    else if (strategy === 'dense_hexagonal') v = [r, r, r];
  }
  return v.map((x) => Math.max(Math.trunc(x), 1)) as Triple;
}

/**
 * The geometry of a grid head from its (camelCase, tinybig-named) options. Explicit cdH/cdW/cdD
 * override the packing strategy only when all three are given (§12.3).
 */
export function gridGeometry(o: Opts, kind: 'interdependence' | 'compression'): Omit<GridSpec, 'matrixKey'> {
  const shape = (o.patchShape as string | undefined) ?? 'cuboid';
  if (shape !== 'cuboid' && shape !== 'cylinder' && shape !== 'sphere') {
    throw new GeometryError(`patchShape must be 'cuboid', 'cylinder' or 'sphere', got '${shape}'`, 'patchShape');
  }
  const grid: Triple = [o.h as number, o.w as number, (o.d as number | undefined) ?? 1];
  const inChannels = (kind === 'compression' ? o.channelNum : o.inChannel) as number;
  const outChannels = kind === 'compression' ? inChannels : (o.outChannel as number);
  const offsets = patchOffsets(shape, o);
  // minOf / maxOf, not Math.min(...offsets): a patch has up to MAX_PATCH_CELLS offsets, past the call stack's argument limit
  const lo = [0, 1, 2].map((a) => minOf(offsets.map((t) => t[a]))) as Triple;
  const hi = [0, 1, 2].map((a) => maxOf(offsets.map((t) => t[a]))) as Triple;
  const cdh = num(o.cdH), cdw = num(o.cdW), cdd = num(o.cdD);
  const cd: Triple = cdh !== undefined && cdw !== undefined && cdd !== undefined ? [cdh, cdw, cdd] : packingCd(shape, o.packingStrategy as string | undefined, o);
  cd.forEach((c, a) => {
    if (!(Number.isInteger(c) && c > 0)) throw new GeometryError(`centre distance ${['cdH', 'cdW', 'cdD'][a]} must be a positive integer, got ${c}`, ['cdH', 'cdW', 'cdD'][a]);
  });
  const out = grid.map((g, a) => Math.ceil(g / cd[a])) as Triple;
  const metric = kind === 'compression' ? ((o.poolingMetric as string | undefined) ?? 'batch_max') : undefined;
  return {
    kind, grid, inChannels, outChannels, patchShape: shape, offsets, lo, hi, cd, out,
    S: offsets.length, P: out[0] * out[1] * out[2], N: grid[0] * grid[1] * grid[2], metric,
  };
}

/** Input width m = C·N and output width n (= C_out·P) of a grid head. */
export function gridWidths(g: Omit<GridSpec, 'matrixKey'>): { m: number; n: number } {
  return { m: g.inChannels * g.N, n: g.outChannels * g.P };
}

/** Flat grid index of cell (i, j, k) of a single universe (d fastest). */
export function cellIndex(g: { grid: Triple }, i: number, j: number, k: number): number {
  return (i * g.grid[1] + j) * g.grid[2] + k;
}

/**
 * Patch map: for every patch p and offset s, the flat cell index read (or −1 when the cell is
 * outside the grid, i.e. zero padding). Length P·S, index p·S + s.
 */
export function patchCells(g: GridSpec): Int32Array {
  const [h, w, d] = g.grid;
  const out = new Int32Array(g.P * g.S);
  let p = 0;
  for (let a = 0; a < g.out[0]; a++)
    for (let bb = 0; bb < g.out[1]; bb++)
      for (let c = 0; c < g.out[2]; c++, p++) {
        const ci = a * g.cd[0], cj = bb * g.cd[1], ck = c * g.cd[2];
        g.offsets.forEach(([dh, dw, dd], s) => {
          const i = ci + dh, j = cj + dw, k = ck + dd;
          out[p * g.S + s] = i >= 0 && i < h && j >= 0 && j < w && k >= 0 && k < d ? cellIndex(g, i, j, k) : -1;
        });
      }
  return out;
}

// ---- HeadSpec construction ---------------------------------------------------------------------

/** What build.ts lends grid head construction (its private builders, bound to its diagnostics). */
export interface GridBuildHelpers {
  error(message: string, at: Component, option?: string, hint?: string, code?: 'RPN2002' | 'RPN2104' | 'RPN2109' | 'RPN2120'): void;
  reconciliation(c: Component, n: number, D: number, prefix: string): ReconciliationSpec | undefined;
  remainder(c: Component, head: Component, m: number, n: number, prefix: string): RemainderSpec | undefined;
  process(slot: unknown, prefix: string, width: number): ProcessSpec[] | undefined;
  derived(from: Component, c: Component): Component;
}

export const GRID_HEAD_TYPES = new Set(['grid_interdependence_head', 'grid_compression_head']);

export function buildGridHead(v: Component, prefix: string, hp: GridBuildHelpers): HeadSpec | undefined {
  const o = v.options as Opts;
  const mk = (kind: Component['kind'], type: string, options: Opts): Component => hp.derived(v, { kind, type, options });
  const kind = v.type === 'grid_compression_head' ? 'compression' : 'interdependence';
  const chKey = kind === 'compression' ? 'channelNum' : 'inChannel';
  const missing = ['h', 'w', chKey].filter((k) => o[k] === undefined);
  if (missing.length) {
    return void hp.error(
      `${v.type} needs its input grid: ${missing.join(', ')} not given, and there is no grid layer before it to infer ${missing.length > 1 ? 'them' : 'it'} from`,
      v, undefined, `give ${missing.map((k) => `${k}: …`).join(', ')} (only a grid layer right after another grid layer may omit h, w and ${chKey})`, 'RPN2120',
    );
  }
  let geo: Omit<GridSpec, 'matrixKey'>;
  try {
    geo = gridGeometry(o, kind);
  } catch (e) {
    if (e instanceof GeometryError) return void hp.error(e.message, v, e.option, e.hint, 'RPN2109');
    throw e;
  }
  const { m, n } = gridWidths(geo);
  if (kind === 'compression') {
    let metric = geo.metric!;
    // A `*_based_geometric_compression` data transformation (tinybig's cuboid_mean_based_geometric_compression
    // etc.; d_pool_mean_workaround swaps its batch_mean in) brings its own metric, including 'batch_mean',
    // which tinybig's grid_compression_head itself rejects as a pooling_metric ('batch_avg' does not exist).
    const dt = o.dataTransformation as Component | undefined;
    if (dt) {
      const mt = /^(cuboid|cylinder|sphere)_(max|min|mean)_based_geometric_compression$/.exec(dt.type);
      if (!mt) return void hp.error(`a grid_compression_head's dataTransformation must be a *_based_geometric_compression (e.g. cuboidMeanBasedGeometricCompression()), got '${dt.type}'`, v, 'dataTransformation', undefined, 'RPN2109');
      if (mt[1] !== geo.patchShape) return void hp.error(`dataTransformation ${dt.type} has a ${mt[1]} patch but the head's patchShape is '${geo.patchShape}'`, v, 'dataTransformation', `set patchShape: '${mt[1]}'`, 'RPN2109');
      const headVals: Opts = { ...o, d: geo.grid[2], cdH: geo.cd[0], cdW: geo.cd[1], cdD: geo.cd[2] };
      for (const [k, val] of Object.entries(dt.options as Opts)) {
        if (k === 'name' || k === 'device' || val === undefined || val === null) continue;
        if (headVals[k] !== val) return void hp.error(`dataTransformation ${dt.type} has ${k} = ${String(val)} but the head has ${String(headVals[k])}`, v, 'dataTransformation', `drop ${k} from the data transformation, or make it agree`, 'RPN2109');
      }
      metric = `batch_${mt[2]}`;
      geo.metric = metric;
    } else if (!(POOLING_METRICS as readonly string[]).includes(metric)) {
      return void hp.error(`pooling metric '${metric}' is not one tinybig's grid_compression_head can run (tinybig raises ValueError)`, v, 'poolingMetric', `use one of ${POOLING_METRICS.join(', ')}`, 'RPN2109');
    }
    const grid: GridSpec = { ...geo, matrixKey: 'data_transformation.interdependence.A' };
    const outputProcess = hp.process(o.withDropout ? [mk('processing', 'Dropout', { p: o.p })] : [], `${prefix}output_process_functions`, n);
    if (!outputProcess) return undefined;
    const expansion = { type: 'geometric_compression', options: { metric }, m, D: n, pre: [], post: [], children: [], prefix: `${prefix}data_transformation.`, source: v };
    const remainder: RemainderSpec = { type: 'zero_remainder', options: {}, m, n, act: [], weight: false, bias: false, source: v };
    return { prefix, aliases: [], type: v.type, m, n, channelNum: 1, expansion, D: n, bias: false, remainder, inputProcess: [], outputProcess, outWidth: n, grid, source: v };
  }
  const grid: GridSpec = { ...geo, matrixKey: 'attribute_interdependence.A' };
  const recD = geo.inChannels * geo.S;
  const rec = o.withDualLphm
    ? mk('reconciliation', 'dual_lphm_reconciliation', { r: o.r, enableBias: o.enableBias })
    : o.withLorr
      ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias })
      : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
  const reconciliation = hp.reconciliation(rec, geo.outChannels, recD, `${prefix}parameter_fabrication.`);
  if (!reconciliation) return undefined;
  const remComp = o.withResidual ? mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false }) : mk('remainder', 'zero_remainder', {});
  const remainder = hp.remainder(remComp, v, m, n, prefix);
  if (!remainder) return undefined;
  const out: Component[] = [];
  if (o.withBatchNorm) out.push(mk('processing', 'BatchNorm1d', { numFeatures: n, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }));
  if (o.withRelu) out.push(mk('processing', 'ReLU', {}));
  const outputProcess = hp.process(out, `${prefix}output_process_functions`, n);
  if (!outputProcess) return undefined;
  const expansion = { type: 'identity_expansion', options: {}, m: recD, D: recD, pre: [], post: [], children: [], prefix: `${prefix}data_transformation.`, source: v };
  const bias = reconciliation.l > 0 && o.enableBias === true;
  return { prefix, aliases: [], type: v.type, m, n, channelNum: 1, expansion, D: recD, reconciliation, bias, remainder, inputProcess: [], outputProcess, outWidth: n, grid, source: v };
}

// ---- extras: tinybig's cached patch matrices --------------------------------------------------

/**
 * tinybig caches the padding-mode interdependence matrix A (N × P·S, sparse) on the geometric
 * interdependence; the oracle's extras carry it densified. It is derivable: check it when present.
 */
export function checkGridExtras(h: HeadSpec, store: WeightSource): void {
  const g = h.grid;
  if (!g) return;
  const cells = patchCells(g);
  const cols = g.P * g.S;
  for (const prefix of [h.prefix, ...h.aliases]) {
    const key = prefix + g.matrixKey;
    if (!store.has(key)) continue;
    const A = store.get(key, [g.N, cols], { requiredBy: `${h.type} (patch matrix derived by rpnc, checked against the checkpoint)` });
    for (let col = 0; col < cols; col++) {
      for (let row = 0; row < g.N; row++) {
        const want = cells[col] === row ? 1 : 0;
        if (A[row * cols + col] !== want) {
          fail('RPN3105', `'${key}' in the checkpoint differs from the patch matrix the model file implies at [${row}, ${col}] (${A[row * cols + col]} vs ${want})`, {
            hint: 'the model file does not describe this checkpoint: check the grid shape, patch and packing options',
          });
        }
      }
    }
  }
}

// ---- tinybig.model.cnn ----------------------------------------------------------------------------

/** tinybig's `parameter_scheduler(strategy='half')`: `max(int(p/2), 1)`, None stays None. */
const half = (p: unknown): number | undefined => (p === undefined || p === null ? undefined : Math.max(Math.trunc((p as number) / 2), 1));

/**
 * The layer components of `cnn(...)` (§6.4): grid_interdependence_layers with a grid_compression_layer
 * whenever `len(layers) % (gaps+1) == gaps`, then perceptron layers over the flattened map.
 */
export function cnnLayerOptions(o: Opts): { type: string; options: Opts }[] {
  const layers: { type: string; options: Opts }[] = [];
  let [h, w, d] = [o.h as number, o.w as number, o.d as number];
  const channelNums = o.channelNums as number[];
  const fcDims = o.fcDims as number[];
  const dflt = (a: unknown, b: unknown) => (a === undefined || a === null ? b : a);
  let conv: Opts = { pH: o.pH, pHPrime: o.pHPrime, pW: o.pW, pWPrime: o.pWPrime, pD: o.pD, pDPrime: o.pDPrime, pR: o.pR };
  let pool: Opts = {
    pH: dflt(o.poolingPH, o.pH), pHPrime: dflt(o.poolingPHPrime, o.pHPrime), pW: dflt(o.poolingPW, o.pW), pWPrime: dflt(o.poolingPWPrime, o.pWPrime),
    pD: dflt(o.poolingPD, o.pD), pDPrime: dflt(o.poolingPDPrime, o.pDPrime), pR: dflt(o.poolingPR, o.pR),
  };
  const poolShape = dflt(o.poolingPatchShape, o.patchShape);
  const poolCd = { cdH: dflt(o.poolingCdH, o.cdH), cdW: dflt(o.poolingCdW, o.cdW), cdD: dflt(o.poolingCdD, o.cdD) };
  const poolPacking = dflt(o.poolingPackingStrategy, o.packingStrategy);
  const gaps = o.poolingLayerGaps as number;
  let m = 0;
  for (let i = 0; i + 1 < channelNums.length; i++) {
    const options: Opts = {
      h, w, d, inChannel: channelNums[i], outChannel: channelNums[i + 1], width: o.width, patchShape: o.patchShape, ...conv,
      cdH: o.cdH, cdW: o.cdW, cdD: o.cdD, packingStrategy: o.packingStrategy, withBatchNorm: o.withBatchNorm, withRelu: o.withRelu,
      withResidual: o.withResidual, enableBias: o.enableBias, withDualLphm: o.withDualLphm, withLorr: o.withLorr, r: o.r,
    };
    const g = gridGeometry(options, 'interdependence');
    [h, w, d] = g.out;
    m = gridWidths(g).n;
    layers.push({ type: 'grid_interdependence_layer', options: { ...options, m: g.inChannels * g.N, n: m } });
    if (layers.length % (gaps + 1) === gaps) {
      const popts: Opts = {
        h, w, d, channelNum: channelNums[i + 1], poolingMetric: o.poolingMetric, patchShape: poolShape, ...pool, ...poolCd,
        packingStrategy: poolPacking, withDropout: o.withDropout, p: o.pPooling,
      };
      const pg = gridGeometry(popts, 'compression');
      [h, w, d] = pg.out;
      m = gridWidths(pg).n;
      layers.push({ type: 'grid_compression_layer', options: { ...popts, m: pg.inChannels * pg.N, n: m } });
      if (o.patchSizeHalfAfterPooling) {
        conv = Object.fromEntries(Object.entries(conv).map(([k, v]) => [k, half(v)]));
        pool = Object.fromEntries(Object.entries(pool).map(([k, v]) => [k, half(v)]));
      }
    }
  }
  const dims = [m, ...fcDims];
  const last = dims[dims.length - 1];
  for (let i = 0; i + 1 < dims.length; i++) {
    const [mm, nn] = [dims[i], dims[i + 1]];
    layers.push({
      type: 'perceptron_layer',
      options: {
        m: mm, n: nn, withBspline: false, withTaylor: false, d: 2, withHybridExpansion: false,
        enableBias: dflt(o.enablePerceptronBias, o.enableBias), withDualLphm: dflt(o.withPerceptronDualLphm, o.withDualLphm),
        withLorr: dflt(o.withPerceptronLorr, o.withLorr), r: dflt(o.perceptronR, o.r), withResidual: dflt(o.withPerceptronResidual, o.withResidual),
        channelNum: o.fcChannelNum, width: o.width,
        withBatchNorm: o.withBatchNorm && nn !== last, withRelu: o.withRelu && nn !== last, withDropout: o.withDropout && nn !== last, p: o.pFc,
        withSoftmax: o.withSoftmax && mm === dims[dims.length - 2] && nn === last,
      },
    });
  }
  return layers;
}
