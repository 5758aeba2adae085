/**
 * Resource limits: absurd dimensions are refused during validation, before anything is allocated
 * (seeded initialisation, weight loading, lowering), with the computed size in the message.
 *
 * The limits (all counts of float32 values unless said otherwise):
 *
 *   maxParams        1,000,000,000 (4 GB of float32) — the largest tensor rpnc builds (a dense W = n × D
 *                    of one channel, an expansion width D, a parameter, a patch map) and the total
 *                    number of parameters of the model. Overridable: `RPNC_MAX_PARAMS=<n>` or the
 *                    `maxParams` option of `buildModelSpec`.
 *   MAX_BRANCHES     1,024 heads per layer (`width`) and channels per head (`channelNum`): each is its
 *                    own branch of the graph.
 *   MAX_PATCH_CELLS  1,000,000 cells in one grid patch (the patch offsets are enumerated; arrays of them
 *                    are never spread into a call: ir/arrays.ts).
 *   MAX_GRAPH_NODES  1,000,000 nodes and MAX_GRAPH_LINKS 10,000,000 links of a graph (`nodes`/`links`
 *                    options, `graph()`, a graph file: counted before links are resolved or A is built);
 *                    MAX_CHAIN_LENGTH 1,000,000 steps of a chain (`chainLength`, `chain({ length })`).
 *                    A itself is bounded by maxParams before it is built (links + N entries; N² for the
 *                    dense variants and the graph-bilinear attention; N·min(N, (d+1)^h) for h hops), and
 *                    a dense N × N (L × L) mixing form is only chosen when it fits maxParams.
 *   MAX_LAYERS       1,024 layers in a model; MAX_MODEL_BRANCHES 16,384 heads × channels in all its
 *                    layers together; MAX_IR_NODES 500,000 operations in the lowered graph (RPN2302).
 *
 * And, checked by the front end before type checking: MAX_SOURCE_BYTES (1 MiB of model source),
 * MAX_SYNTAX_DEPTH (500 nested syntax nodes), MAX_SYNTAX_NODES (200,000 syntax nodes). `rpnc import`:
 * MAX_CONFIG_DEPTH (compiler/import/depth.ts, 100 levels of a YAML/JSON config, RPN1702). ONNX files:
 * MAX_ONNX_DEPTH (compiler/onnx/wire-scan.ts, 100 nested messages; RPN3402 for a file, RPN3401 when decoding bytes).
 *
 * Sizes are computed with doubles (no overflow: 1000^8 is 1e24, not a wrapped integer) and without
 * loops whose length an option controls, so a check never takes long itself.
 */
import type { Component } from '../dsl/component.js';
import { DiagnosticError, diag } from '../diagnostics.js';
import { expansionD } from './sizes.js';
import { parameterManifest } from './params.js';
import type { HeadSpec, ModelSpec } from './types.js';
import { maxOf } from '../../ir/arrays.js';

export const DEFAULT_MAX_PARAMS = 1_000_000_000;
export const MAX_BRANCHES = 1024;
export const MAX_PATCH_CELLS = 1_000_000;
/** Layers of a model (`layers`, or `dims` pairs): the passes and the graph grow with it. */
export const MAX_LAYERS = 1024;
/** Branches of a whole model: heads × channels summed over its layers (each lowers to its own operations). */
export const MAX_MODEL_BRANCHES = 16_384;
/** Nodes of a graph (`graph({ nodes })`, a head's or model's `nodes`, a graph file): checked before any matrix is built. */
export const MAX_GRAPH_NODES = 1_000_000;
/** Links of a graph (each direction of an undirected link counted once, as written). */
export const MAX_GRAPH_LINKS = 10_000_000;
/** Steps of a chain (`chainLength`, `chain({ length })`): the chain's nodes. */
export const MAX_CHAIN_LENGTH = 1_000_000;
/** Operations of the lowered IR graph (checked as it is built, before the passes run: RPN2302). */
export const MAX_IR_NODES = 500_000;

// ---- front end: what rpnc reads before it type-checks and evaluates anything (RPN1010, RPN1011) ----

/** Bytes of model source: each file and the whole closure (the entry and its relative imports). */
export const MAX_SOURCE_BYTES = 1024 * 1024;
/** Nesting depth of the syntax tree of a model file (TypeScript's checker is quadratic in it; the evaluator recurses on it). */
export const MAX_SYNTAX_DEPTH = 500;
/** Syntax nodes in the model's files together. */
export const MAX_SYNTAX_NODES = 200_000;

export interface SizeLimits {
  /** Largest tensor and largest total parameter count, in float32 values. */
  maxParams: number;
}

/** A size problem: the message has the computed size; `option` names the option to point at. */
export interface TooLarge {
  message: string;
  option?: string;
  hint: string;
}

/** The limits in force: the given option, else `RPNC_MAX_PARAMS`, else the default. */
export function sizeLimits(opts: { maxParams?: number } = {}, env: NodeJS.ProcessEnv = process.env): SizeLimits {
  const raw = opts.maxParams ?? env.RPNC_MAX_PARAMS;
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { maxParams: DEFAULT_MAX_PARAMS };
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) {
    const what = opts.maxParams !== undefined ? 'the maxParams option' : 'RPNC_MAX_PARAMS';
    throw new DiagnosticError(diag('RPN6002', `${what} must be a positive integer (a count of float32 values), got '${raw}'`, { hint: `leave it unset for the default ${DEFAULT_MAX_PARAMS.toExponential(0)}, or e.g. RPNC_MAX_PARAMS=2000000000` }));
  }
  return { maxParams: n };
}

/** `1,024` for small counts, `1.00e+24` for big ones. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'more than 1e308';
  return n < 1e7 ? Math.round(n).toLocaleString('en-US') : n.toExponential(2);
}
/** Size in bytes of `n` float32 values, human readable. */
export function formatBytes(n: number): string {
  const b = 4 * n;
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let i = 0;
  let x = b;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return i === units.length - 1 && x >= 1000 ? `${(b / 1e18).toExponential(1)} EB` : `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
}

const raiseHint = (what: string) => `${what}; if you really mean it, raise the limit with RPNC_MAX_PARAMS=<float32 values> (default ${DEFAULT_MAX_PARAMS.toExponential(0)})`;

/** `what = size` checked against maxParams. */
export function tensorTooLarge(what: string, size: number, limits: SizeLimits, fix: string, option?: string): TooLarge | undefined {
  if (!(size > limits.maxParams)) return undefined; // (NaN: not a size problem)
  return { message: `${what} = ${formatCount(size)} float32 values (${formatBytes(size)}), beyond rpnc's limit of ${formatCount(limits.maxParams)} (${formatBytes(limits.maxParams)})`, option, hint: raiseHint(fix) };
}

// ---- before building: options of a model, layer or head component -------------------------------

type Opts = Record<string, unknown>;
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * Checks of a component's own options that must happen before spec building allocates or loops on
 * them: heads per layer, channels, grid patches and grid sizes (also the pooling options of cnn).
 */
export function componentTooLarge(c: Component, limits: SizeLimits): TooLarge | undefined {
  const o = c.options as Opts;
  if (c.kind === 'model') {
    const layers = Array.isArray(o.layers) ? o.layers.length : Array.isArray(o.dims) ? o.dims.length - 1 : undefined;
    if (layers !== undefined && layers > MAX_LAYERS) {
      const option = Array.isArray(o.layers) ? 'layers' : 'dims';
      return { message: `the model has ${formatCount(layers)} layers; rpnc compiles at most ${formatCount(MAX_LAYERS)}`, option, hint: `use at most ${MAX_LAYERS} layers${option === 'dims' ? ` (${MAX_LAYERS + 1} dims)` : ''}` };
    }
  }
  for (const key of ['width', 'channelNum']) {
    const v = num(o[key]);
    if (v !== undefined && v > MAX_BRANCHES) {
      const what = key === 'width' ? 'heads in the layer' : 'channels in the head';
      return { message: `${key} = ${formatCount(v)} ${what}: each is its own branch of the compiled graph, and rpnc accepts at most ${MAX_BRANCHES}`, option: key, hint: `use ${key} ≤ ${MAX_BRANCHES}` };
    }
  }
  for (const key of ['m', 'n']) {
    const v = num(o[key]);
    const bad = v === undefined ? undefined : tensorTooLarge(`the width ${key}`, v, limits, `use a smaller ${key}`, key);
    if (bad) return bad;
  }
  const patch = gridPatchTooLarge(o) ?? topologyTooLarge(o);
  if (patch) return patch;
  const h = num(o.h);
  const w = num(o.w);
  if (h !== undefined && w !== undefined) {
    const d = num(o.d) ?? 1;
    const channels = [o.channelNum, o.inChannel, o.outChannel, ...(Array.isArray(o.channelNums) ? o.channelNums : [])].map(num).filter((x): x is number => x !== undefined);
    const C = maxOf(channels, 1);
    const bad = tensorTooLarge(`the grid h × w × d × channels = ${formatCount(h)} × ${formatCount(w)} × ${formatCount(d)} × ${formatCount(C)}`, h * w * d * C, limits, 'use a smaller grid (h, w, d) or fewer channels', h >= w ? 'h' : 'w');
    if (bad) return bad;
  }
  return undefined;
}

/** Heads × channels of the model's layers together (from their options, before any is built). */
export function modelBranchesTooLarge(layers: readonly Component[]): TooLarge | undefined {
  let total = 0;
  // a head or layer beyond MAX_BRANCHES on its own gets its own, more precise refusal when it is built
  const own = (v: unknown) => Math.max(1, num(v) ?? 1);
  for (const l of layers) {
    const o = l.options as Opts;
    const heads = Array.isArray(o.heads) ? (o.heads as Component[]) : undefined;
    if (own(o.width) > MAX_BRANCHES || own(o.channelNum) > MAX_BRANCHES || heads?.some((h) => own((h?.options as Opts | undefined)?.channelNum) > MAX_BRANCHES)) return undefined;
    total += heads
      ? heads.reduce((s, h) => s + Math.max(1, num((h?.options as Opts | undefined)?.channelNum) ?? 1), 0)
      : Math.max(1, num(o.width) ?? 1) * Math.max(1, num(o.channelNum) ?? 1);
    if (total > MAX_MODEL_BRANCHES) {
      return { message: `the model's layers have more than ${formatCount(MAX_MODEL_BRANCHES)} heads × channels together (${formatCount(total)} in the first ${layers.indexOf(l) + 1} layers); each is its own branch of the compiled graph`, hint: 'use fewer layers, heads or channels' };
    }
  }
  return undefined;
}

/**
 * Grid patch options (of grid heads and layers, and cnn's pooling ones) that would make rpnc enumerate
 * more than MAX_PATCH_CELLS cells. Also called by the front end before a grid factory runs.
 */
export function gridPatchTooLarge(o: Opts): TooLarge | undefined {
  return patchTooLarge(o, '') ?? patchTooLarge(o, 'pooling');
}

/**
 * Chain and graph structures given in options (graph heads, layers and models, `graph()`, `chain()`, chain
 * functions; `chainStructure`: the options of `chain()`): node and link lists and chain lengths past the limits, before links or matrices are built.
 * Also called by the front end before a factory runs.
 */
export function topologyTooLarge(o: Opts, chainStructure = false): TooLarge | undefined {
  if (Array.isArray(o.nodes) || Array.isArray(o.links)) {
    const bad = graphCountsTooLarge(Array.isArray(o.nodes) ? o.nodes.length : 0, Array.isArray(o.links) ? o.links.length : 0);
    if (bad) return bad;
  }
  const key = chainStructure ? 'length' : 'chainLength';
  const L = num(o[key]);
  return L === undefined ? undefined : chainTooLong(L, key);
}

/** A chain of `L` steps (the option `key`) past MAX_CHAIN_LENGTH. */
export function chainTooLong(L: number, key: string): TooLarge | undefined {
  if (L <= MAX_CHAIN_LENGTH) return undefined;
  return { message: `${key} = ${formatCount(L)} steps; rpnc compiles chains of at most ${formatCount(MAX_CHAIN_LENGTH)} steps`, option: key, hint: `use ${key} ≤ ${formatCount(MAX_CHAIN_LENGTH)}` };
}

/** A graph of `nodes` nodes and `links` links (from options or a graph file) past MAX_GRAPH_NODES / MAX_GRAPH_LINKS. */
export function graphCountsTooLarge(nodes: number, links: number, where = 'the graph'): TooLarge | undefined {
  if (nodes > MAX_GRAPH_NODES) return { message: `${where} has ${formatCount(nodes)} nodes; rpnc compiles graphs of at most ${formatCount(MAX_GRAPH_NODES)} nodes`, option: 'nodes', hint: 'use a smaller graph (a subgraph, or a sampled neighbourhood)' };
  if (links > MAX_GRAPH_LINKS) return { message: `${where} has ${formatCount(links)} links; rpnc compiles graphs of at most ${formatCount(MAX_GRAPH_LINKS)} links`, option: 'links', hint: 'use a smaller or sparser graph' };
  return undefined;
}

/** Cells of a grid patch from its options (cuboid: (pH+pH'+1)(pW+pW'+1)(pD+pD'+1); cylinder/sphere: bounded by (2r+1)³). */
function patchTooLarge(o: Opts, prefix: string): TooLarge | undefined {
  const key = (k: string) => (prefix ? `${prefix}${k[0].toUpperCase()}${k.slice(1)}` : k);
  const get = (k: string) => num(o[key(k)]);
  const cells: [number, string][] = [];
  const pH = get('pH');
  if (pH !== undefined) {
    const pW = get('pW') ?? pH;
    const pD = get('pD') ?? 0;
    cells.push([(pH + (get('pHPrime') ?? pH) + 1) * (pW + (get('pWPrime') ?? pW) + 1) * (pD + (get('pDPrime') ?? pD) + 1), key('pH')]);
  }
  const r = get('pR');
  if (r !== undefined) {
    const pD = get('pDPrime') ?? get('pD') ?? r;
    cells.push([(2 * r + 1) * (2 * r + 1) * (2 * Math.max(pD, r) + 1), key('pR')]);
  }
  for (const [S, fallback] of cells) {
    if (S > MAX_PATCH_CELLS) {
      const sizes = ['pH', 'pHPrime', 'pW', 'pWPrime', 'pD', 'pDPrime', 'pR'].map(key).filter((k) => num(o[k]) !== undefined);
      const option = sizes.reduce((a, b) => ((o[b] as number) > (o[a] as number) ? b : a), fallback);
      return { message: `the patch has up to ${formatCount(S)} cells (${option} = ${formatCount(o[option] as number)}); rpnc enumerates patch cells and accepts at most ${formatCount(MAX_PATCH_CELLS)}`, option, hint: 'use a smaller patch (pH, pW, pD or pR)' };
    }
  }
  return undefined;
}

// ---- expansion width D -------------------------------------------------------------------------

/**
 * The expansion width D (sizes.ts's `expansionD`, the one computation of it) when it is within the limit, or a TooLarge
 * naming the computed (for combinatorial expansions: the lower bound of the) size and its formula.
 */
export function expansionWidth(type: string, o: Opts, m: number, limits: SizeLimits): number | TooLarge | undefined {
  const max = limits.maxParams;
  const d = num(o.d) ?? 1;
  const D = expansionD(type, { ...o, d, s: num(o.s) ?? 1, t: num(o.t) ?? 1 }, m, max);
  if (D === undefined) return undefined;
  let formula = '';
  if (type === 'taylor_expansion') formula = ` = m + m² + … + m^d (m = ${formatCount(m)}, d = ${formatCount(d)})`;
  else if (type.endsWith('_wavelet_expansion')) formula = ` = W + W² + … + W^d with W = m·s·t = ${formatCount(m * (num(o.s) ?? 1) * (num(o.t) ?? 1))}, d = ${formatCount(d)}`;
  else if (type === 'combinatorial_normal_expansion') formula = ` = C(m,1) + … + C(m,d) (m = ${formatCount(m)}, d = ${formatCount(d)}${D > max ? '; summed until past the limit' : ''})`;
  const bad = tensorTooLarge(`${type} on m = ${formatCount(m)} has width D${formula}`, D, limits, 'lower the degree d (or the other size options) of the expansion, or the input width m', o.d !== undefined ? 'd' : undefined);
  return bad ?? D;
}

// ---- after building: every tensor of the spec, and the total ---------------------------------------

export interface SpecSizeProblem extends TooLarge {
  at?: Component;
}

/** Tensor sizes of a built spec (scalars only: nothing is allocated) and the total parameter count. */
export function specTooLarge(spec: ModelSpec, limits: SizeLimits): SpecSizeProblem | undefined {
  for (const layer of spec.layers) {
    for (const h of layer.heads) {
      const bad = headTooLarge(h, limits);
      if (bad) return bad;
    }
    const f = layer.headFusion;
    if (f) {
      const bad = tensorTooLarge(`${f.type} of ${layer.prefix || 'the layer'}: its parameter l`, f.l, limits, 'use fewer or narrower heads, or a non-parameterized fusion') ?? tensorTooLarge(`${f.type}: its output width n`, f.n, limits, 'use fewer or narrower heads');
      if (bad) return { ...bad, at: f.source ?? layer.source };
    }
  }
  let total = 0;
  for (const p of parameterManifest(spec)) {
    const size = p.shape.reduce((a, b) => a * b, 1);
    const bad = tensorTooLarge(`the parameter '${p.key}' [${p.shape.map(formatCount).join(', ')}]`, size, limits, 'make the model smaller');
    if (bad) return { ...bad, at: spec.source };
    total += size;
  }
  const bad = tensorTooLarge(`the model's parameter count`, total, limits, 'make the model smaller (fewer or narrower layers, low-rank reconciliations)');
  return bad ? { ...bad, at: spec.source } : undefined;
}

function headTooLarge(h: HeadSpec, limits: SizeLimits): SpecSizeProblem | undefined {
  const where = h.prefix.replace(/\.$/, '') || 'the head';
  const C = h.channelNum;
  const head = h.source;
  // [what, size, fix, the component to point at, its option]
  const checks: [string, number, string, Component | undefined, string?][] = [
    [`${where}: the input width m`, h.m, 'use a smaller input width m', head, 'm'],
    [`${where}: the output width n`, h.n, 'use a smaller output width n', head, 'n'],
    [`${where}: the expansion width D`, h.D, 'lower the degree d of the expansion, or the input width m', h.expansion.source ?? head],
    [`${where}: W = n × D = ${formatCount(h.n)} × ${formatCount(h.D)}, the dense fabricated matrix of one channel,`, h.n * h.D, 'use a smaller n, m or expansion degree', head],
    [`${where}: ${C} channels × n × D`, C * h.n * h.D, 'use fewer channels, a smaller n, m or expansion degree', head, 'channelNum'],
  ];
  if (h.reconciliation) checks.push([`${where}: the parameter w = channels × l = ${C} × ${formatCount(h.reconciliation.l)}`, C * h.reconciliation.l, 'use a low-rank reconciliation (lorrReconciliation) or a smaller head', h.reconciliation.source ?? head]);
  if (h.remainder.weight) checks.push([`${where}: the remainder matrix n × m = ${formatCount(h.n)} × ${formatCount(h.m)}`, h.n * h.m, 'use zeroRemainder() or a smaller head', h.remainder.source ?? head]);
  const ai = h.attributeInterdependence;
  if (ai) checks.push([`${where}: the interdependence matrices channels × m × m′ = ${C} × ${formatCount(ai.m)} × ${formatCount(ai.mPrime)}`, C * ai.m * ai.mPrime, 'use a smaller m′', ai.source ?? head]);
  if (h.grid) checks.push([`${where}: the patch map P × S = ${formatCount(h.grid.P)} × ${formatCount(h.grid.S)}`, h.grid.P * h.grid.S, 'use a smaller grid, a smaller patch or larger centre distances', head]);
  for (const [what, size, fix, at, option] of checks) {
    const bad = tensorTooLarge(what, size, limits, fix);
    if (bad) return { ...bad, at, option: option && at && option in (at.options as Opts) ? option : undefined };
  }
  return undefined;
}
