/**
 * Validation and sizes of tinybig's compression functions and standalone geometric expansions
 * (spec rpn2-compression-geometric §1–§4), and the refusals of the classes no static artifact can reproduce.
 * `compressionWidth` is called by compiler/spec/build.ts for every data transformation it does not know itself.
 */
import type { Component } from '../dsl/component.js';
import { GeometryError, type GridSpec } from './grid.js';
import { GEOMETRIC_METRICS, geometricCompressionClass, geometricGrid, isGeometricExpansion } from './geometric.js';
import type { ExpansionSpec } from './types.js';

type Opts = Record<string, unknown>;

/** Diagnostic codes of this family (merged into SPEC_CODES). */
export const COMPRESSION_CODES = {
  RPN2170: 'a class that draws random numbers at every call (torch.multinomial / a fresh random projection): its output is not a function of its input, so it cannot be compiled',
  RPN2171: 'a class that refits state on every batch (sklearn / running statistics kept in plain Python, in no checkpoint): the output depends on the call history, so it cannot be compiled',
  RPN2172: 'a manifold-learning compression (sklearn fit_transform on the batch at every call): nothing of it maps to a static graph',
  RPN2173: 'a class that tinybig itself cannot construct or run (its constructor or forward raises)',
  RPN2174: "a compression's constant tensor (linear_compression's c / pre_C / post_C) has the wrong shape",
} as const;
export type CompressionCode = keyof typeof COMPRESSION_CODES;

export interface CompressionError {
  code: CompressionCode | 'RPN2109' | 'RPN2002';
  message: string;
  option?: string;
  hint?: string;
}

const METRIC_COMPRESSIONS: Record<string, string> = {
  max_compression: 'batch_max', min_compression: 'batch_min', sum_compression: 'batch_sum', mean_compression: 'batch_mean',
  prod_compression: 'batch_prod', median_compression: 'batch_median',
};
/** The reduction of a D = 1 metric compression (`max_compression` …, `metric_compression(metric)`), or undefined. */
export function compressionMetric(e: { type: string; options: Opts }): string | undefined {
  return e.type === 'metric_compression' ? (e.options.metric as string) : METRIC_COMPRESSIONS[e.type];
}

/** Whether a data transformation type belongs to this family (compressions and geometric expansions). */
export function isCompressionFamily(type: string): boolean {
  // (sampling classes reach lowering only in their deterministic corner, see deterministicCorner)
  return type.endsWith('_compression') || isGeometricExpansion(type);
}

const SAMPLING = (what: string) =>
  `${what} at every call (from torch's global RNG), so each forward of the same input returns different columns: its output is not a fixed function of the input and no static artifact can reproduce it`;
const REFUSED: Record<string, { code: CompressionCode; message: string; hint?: string }> = {
  naive_probabilistic_compression: { code: 'RPN2170', message: SAMPLING('samples k columns per row with torch.multinomial'), hint: 'only k = m with withReplacement: false (and no metric) is deterministic — every column, in order — and compiles' },
  combinatorial_compression: { code: 'RPN2170', message: SAMPLING('samples k feature subsets per subset size r with torch.multinomial'), hint: 'only k = C(m, r) for every r ≤ d, without replacement, is deterministic (all subsets, in order) and compiles; or use combinatorialNormalExpansion({ d })' },
  combinatorial_probabilistic_compression: { code: 'RPN2170', message: SAMPLING('samples k feature subsets per subset size r with torch.multinomial, then takes their normal log-densities'), hint: 'only k = C(m, r) for every r ≤ d, without replacement, is deterministic and compiles; or use combinatorialNormalExpansion({ d })' },
  incremental_random_projection_based_compression: { code: 'RPN2170', message: 'fits a new sklearn SparseRandomProjection (numpy global RNG) at every call: a new random matrix for every batch, so its output is not a function of its input and cannot be compiled' },
  dimension_reduction_compression: { code: 'RPN2171', message: 'refits its sklearn dimension-reduction model (partial_fit) on every batch; the fitted state is kept in a Python object, in no state_dict, and changes with every call, so the output depends on the call history and cannot be compiled' },
  incremental_PCA_based_compression: { code: 'RPN2171', message: "runs sklearn IncrementalPCA.partial_fit on every batch (needs b ≥ D) and returns float64: the components change with every call and live in no checkpoint, and inside a head tinybig itself fails ('expected scalar type Double but found Float')" },
  feature_selection_compression: { code: 'RPN2171', message: 'refits its feature selection on every batch (running statistics in plain Python, in no state_dict): the selected columns depend on the call history, so it cannot be compiled' },
  incremental_feature_clustering_based_compression: { code: 'RPN2171', message: 'keeps a running mean of feature distances and refits sklearn SpectralClustering on every batch, returning float64 (tinybig fails inside a head); the clusters depend on the call history, so it cannot be compiled' },
  incremental_variance_threshold_based_compression: { code: 'RPN2171', message: "keeps the D columns with the largest running-mean batch variance: the variances are re-estimated on every batch (state in no state_dict), so which columns a row gets depends on the other rows and on the call history; it cannot be compiled", hint: "on a fresh model's first call it is 'the D highest-variance columns of this batch': opt in with firstCallBatchStatistics: true to compile that (tinybig's later calls, in the running-mean phase, differ)" },
  manifold_compression: { code: 'RPN2172', message: 'runs an sklearn manifold learner (fit_transform) on the batch at every call: each output row depends on the whole batch and on a fit that does not map to ONNX' },
  isomap_manifold_compression: { code: 'RPN2172', message: 'runs sklearn Isomap.fit_transform on the batch at every call: each output row depends on the whole batch (neighbourhood graph, eigen-decomposition), which no static artifact reproduces' },
  lle_manifold_compression: { code: 'RPN2172', message: 'runs sklearn LocallyLinearEmbedding.fit_transform on the batch at every call (and returns float64, which fails inside a tinybig head): nothing of it maps to a static graph' },
  mds_manifold_compression: { code: 'RPN2172', message: 'runs sklearn MDS.fit_transform on the batch at every call (randomly initialised, float64 output): not reproducible and not a static graph' },
  spectral_embedding_manifold_compression: { code: 'RPN2172', message: 'runs sklearn SpectralEmbedding.fit_transform on the batch at every call (random solver, float64 output): not reproducible and not a static graph' },
  tsne_manifold_compression: { code: 'RPN2172', message: 'runs sklearn TSNE.fit_transform on the batch at every call (random initialisation): not reproducible and not a static graph' },
};
for (const dist of ['uniform', 'normal', 'cauchy', 'chi2', 'exponential', 'gamma', 'laplace']) {
  REFUSED[`naive_${dist}_probabilistic_compression`] = { ...REFUSED.naive_probabilistic_compression, message: SAMPLING(`samples k columns per row with torch.multinomial (weights from a ${dist} density)`) };
}

/** The refusal of a compression class rpnc cannot compile, or undefined. */
export function refusedCompression(type: string): { code: CompressionCode; message: string; hint?: string } | undefined {
  const r = REFUSED[type];
  return r ? { ...r, message: `${type} ${r.message}` } : undefined;
}

/**
 * Width D of a compression / geometric expansion on input width m (and its grid, for the geometric ones), or an
 * error. undefined = not of this family. Nested / extended compressions are built by build.ts like their expansions.
 */
export function compressionWidth(v: Component, m: number): { D: number; grid?: GridSpec; batch?: number } | CompressionError | undefined {
  const o = v.options as Opts;
  const corner = deterministicCorner(v.type, o, m);
  if (corner !== undefined) return { D: corner };
  const refusal = refusedCompression(v.type);
  if (refusal) return refusal;
  switch (v.type) {
    case 'identity_compression':
    case 'reciprocal_compression':
      return { D: m };
    case 'linear_compression': {
      if (o.c !== undefined && o.c !== null) {
        if (Array.isArray(o.c) && o.c.length !== m && o.c.length !== 1) return { code: 'RPN2174', message: `linear_compression: c has ${o.c.length} entries but it multiplies rows of m = ${m} features`, option: 'c', hint: `give ${m} numbers (or one)` };
        return { D: m };
      }
      if (o.preC !== undefined && o.preC !== null) {
        const b = o.preC === 'sidecar' ? (o.b as number | undefined) : (o.preC as number[][]).length;
        if (b === undefined) return { code: 'RPN2109', message: "linear_compression: preC: 'sidecar' needs the batch size b (pre_C is b×b)", option: 'preC', hint: 'add b: <batch size>' };
        if (o.preC !== 'sidecar' && (o.preC as number[][])[0].length !== b) return { code: 'RPN2174', message: `linear_compression: pre_C must be b×b (tinybig asserts pre_C.size(-1) == b), got ${b}×${(o.preC as number[][])[0].length}`, option: 'preC' };
        return { D: m, batch: b };
      }
      if (o.postC !== undefined && o.postC !== null && o.postC !== 'sidecar') {
        const M = o.postC as number[][];
        if (M.length !== m || M[0].length !== m) return { code: 'RPN2174', message: `linear_compression: post_C must be m×m = ${m}×${m} (D stays m; tinybig's shape assertion fails otherwise), got ${M.length}×${M[0].length}`, option: 'postC' };
      }
      return { D: m };
    }
    case 'metric_compression':
    case 'max_compression':
    case 'min_compression':
    case 'sum_compression':
    case 'mean_compression':
    case 'prod_compression':
    case 'median_compression':
      return { D: 1 };
    default:
      break;
  }
  const gc = geometricCompressionClass(v.type);
  if (gc || isGeometricExpansion(v.type)) {
    let geo;
    try {
      const metric = gc ? (gc.metric ?? (o.metric as string | undefined)) : undefined;
      if (gc && (metric === undefined || !GEOMETRIC_METRICS.includes(metric))) return { code: 'RPN2109', message: `${v.type} needs a metric (one of ${GEOMETRIC_METRICS.join(', ')})`, option: 'metric' };
      const shape = gc ? gc.shape : (/^(cuboid|cylinder|sphere)_patch_based/.exec(v.type)?.[1] as 'cuboid' | 'cylinder' | 'sphere' | undefined);
      geo = geometricGrid(o, { shape, dRequired: true, channelOption: false, metric });
    } catch (e) {
      if (e instanceof GeometryError) return { code: 'RPN2109', message: `${v.type}: ${e.message}`, option: e.option, hint: e.hint };
      throw e;
    }
    const C = geo.inChannels;
    if (m !== C * geo.N) {
      return { code: 'RPN2109', message: `${v.type} reads a grid of ${C} × ${geo.grid.join('×')} = ${C * geo.N} values, but its input has m = ${m} features (tinybig asserts m = C·h·w·d)`, hint: 'make the grid match the input width' };
    }
    const grid: GridSpec = { ...geo, matrixKey: 'interdependence.A' };
    return { D: gc ? C * geo.P : C * geo.P * geo.S, grid };
  }
  return undefined;
}

/** The fixed batch a data transformation ties its head to (linear_compression's pre_C is b×b), searching nested members. */
export function expansionBatch(e: ExpansionSpec): number | undefined {
  if (e.type === 'linear_compression' && (e.options.c === undefined || e.options.c === null) && e.options.preC !== undefined && e.options.preC !== null) {
    return e.options.preC === 'sidecar' ? (e.options.b as number) : (e.options.preC as number[][]).length;
  }
  for (const c of e.children) {
    const b = expansionBatch(c);
    if (b !== undefined) return b;
  }
  return undefined;
}

/**
 * Every class rpnc refuses, or compiles only in part, with its code and reason (for docs/components.md): the
 * compressions above, the broken geometric interdependences, and the parameterized weighted-summation fusion.
 */
export function refusalNote(type: string): { code: string; reason: string } | undefined {
  const r = REFUSED[type];
  if (r) return { code: r.code, reason: r.message };
  if (/^(cylinder|sphere)_patch_(padding_|aggregation_)?based_geometric_interdependence$/.test(type)) {
    return { code: 'RPN2173', reason: "tinybig's constructor passes r= to a patch that needs p_r (TypeError): the class cannot be built; use geometricInterdependence with a cylinder/sphere patch" };
  }
  if (type === 'parameterized_weighted_summation_fusion') return { code: 'RPN2173', reason: 'compiled for one input (y = w[0,0]·x); more inputs are refused: tinybig asserts one input (AssertionError)' };
  return undefined;
}

/** Distribution parameters of the naive probabilistic compressions (tinybig's defaults). */
export const NAIVE_DISTRIBUTIONS: Record<string, Record<string, number>> = {
  naive_probabilistic_compression: { low: 0, high: 1 }, // distribution_function None → Uniform(0, 1)
  naive_uniform_probabilistic_compression: { low: 0, high: 1 },
  naive_normal_probabilistic_compression: { mean: 0, std: 1 },
  naive_cauchy_probabilistic_compression: { loc: 0, scale: 1 },
  naive_chi2_probabilistic_compression: { df: 1 },
  naive_exponential_probabilistic_compression: { rate: 0.5 },
  naive_gamma_probabilistic_compression: { concentration: 1, rate: 1 },
  naive_laplace_probabilistic_compression: { loc: 0, scale: 1 },
};
/** uniform, chi2, exponential and gamma force require_normalization = True whatever is passed (§3.1). */
export const FORCED_NORMALIZATION = ['naive_probabilistic_compression', 'naive_uniform_probabilistic_compression', 'naive_chi2_probabilistic_compression', 'naive_exponential_probabilistic_compression', 'naive_gamma_probabilistic_compression'];

const binom = (n: number, r: number): number => { let c = 1; for (let i = 1; i <= r; i++) c = (c * (n - r + i)) / i; return Math.round(c); };

/** The r-subsets of 0…m−1 in lexicographic order (torch.combinations). */
export function subsets(m: number, r: number): number[][] {
  const out: number[][] = [];
  const rec = (start: number, cur: number[]) => {
    if (cur.length === r) return void out.push([...cur]);
    for (let i = start; i < m; i++) rec(i + 1, [...cur, i]);
  };
  rec(0, []);
  return out;
}

/**
 * D of a sampling compression in its deterministic corner (§3.5: drawing every item without replacement returns all of
 * them, sorted), or of the variance-threshold compression with the first-call opt-in (§3.6); undefined otherwise.
 */
function deterministicCorner(type: string, o: Opts, m: number): number | undefined {
  const noSampling = o.withReplacement !== true && (o.metric === undefined || o.metric === null) && (o.distributionFunction === undefined || o.distributionFunction === null);
  if (Object.hasOwn(NAIVE_DISTRIBUTIONS, type)) return noSampling && o.k === m ? m : undefined;
  if (type === 'combinatorial_compression' || type === 'combinatorial_probabilistic_compression') {
    const d = (o.d as number | undefined) ?? 1;
    const k = (o.k as number | undefined) ?? 1;
    if (!noSampling || !Array.from({ length: d }, (_, i) => binom(m, i + 1)).every((c) => c === k)) return undefined;
    const probabilistic = type === 'combinatorial_probabilistic_compression' || (o.simplySampling === false && o.logProb === true);
    return probabilistic ? d * k : (k * d * (d + 1)) / 2;
  }
  if (type === 'incremental_variance_threshold_based_compression' && o.firstCallBatchStatistics === true) {
    const D = o.D as number;
    return Number.isInteger(D) && D >= 1 && D <= m ? D : undefined;
  }
  return undefined;
}

/** Whether a compression type compiles through its deterministic corner (lowering / reference dispatch). */
export function isSamplingCorner(type: string): boolean {
  return Object.hasOwn(NAIVE_DISTRIBUTIONS, type) || type.startsWith('combinatorial_') || type === 'incremental_variance_threshold_based_compression';
}
