/**
 * tinybig's compression functions (tinybig.compression), the standalone geometric expansions
 * (tinybig.expansion.geometric_expansion) and geometric interdependences
 * (tinybig.interdependence.geometric_interdependence), and the geometry objects they take
 * (tinybig.koala.geometry: grid, cuboid, cylinder, sphere). Spec: rpn2-compression-geometric.md.
 *
 * A compression is a data transformation like an expansion (tinybig's `transformation` base class): it is a
 * head's `dataTransformation`, with the same `preprocessFunctions` / `postprocessFunctions` slots.
 * The classes tinybig evaluates non-deterministically or cannot run (sampling, refitting on the batch, sklearn
 * manifold learning, constructors that raise) have factories too, so that a model that uses one is refused
 * with a located diagnostic saying why (RPN2170–RPN2173), rather than "unknown function".
 *
 * Math: compiler/lower/compression.ts + compiler/lower/geometric.ts (compiled), runtime/reference/compression.ts +
 * runtime/reference/geometric.ts (reference). Sizes and refusals: compiler/spec/compression.ts.
 */
import { type Component, is, make, required } from './component.js';
import type { ExpansionBase } from './expansion.js';
import type { Interdependence, InterdependenceType } from './interdependence.js';

type Check = (v: unknown) => string | undefined;
type Schema = Record<string, [Check, unknown]>;

/** A compression function κ: x ∈ R^m → κ(x) ∈ R^D with D ≤ m (tinybig.compression); a head's `dataTransformation`. */
export type Compression<T extends string = string, O = Record<string, unknown>> = Component<'expansion', T, O>;
/** A tinybig.koala.geometry object: `grid`, `cuboid`, `cylinder` or `sphere`. */
export type Geometry<T extends string = string, O = Record<string, unknown>> = Component<'geometry', T, O>;

const base: Schema = {
  name: [is.optional(is.string), undefined],
  preprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  postprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  device: [is.optional(is.string), undefined],
};
const optInt = is.optional(is.nonNegInt);
const optPosInt = is.optional(is.posInt);
const vector: Check = (v) => (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? undefined : 'a non-empty array of finite numbers');
const matrix: Check = (v) =>
  Array.isArray(v) && v.length > 0 && v.every((r) => Array.isArray(r) && r.length === (v[0] as unknown[]).length && r.length > 0 && r.every((x) => typeof x === 'number' && Number.isFinite(x)))
    ? undefined
    : 'a non-empty rectangular matrix (array of rows of finite numbers)';
/** A constant tensor given in the model file, or `'sidecar'`: read from the weights (`…data_transformation.<name>`). */
const tensorOrSidecar = (shape: Check): Check => (v) => (v === 'sidecar' || shape(v) === undefined ? undefined : `${shape(undefined)} or 'sidecar'`);

// ---- geometry objects (tinybig.koala.geometry) --------------------------------------------------

/** `tinybig.koala.geometry.grid(h, w, d=1, universe_num=1)`: an h×w×d grid with `universeNum` universes (channels), input rows channel-major. */
export function grid(options: { h: number; w: number; d?: number; universeNum?: number; name?: string }): Geometry<'grid'> {
  return make('geometry', 'grid', options, { h: [is.posInt, required], w: [is.posInt, required], d: [is.posInt, 1], universeNum: [is.posInt, 1], name: [is.optional(is.string), undefined] });
}
/** `tinybig.koala.geometry.cuboid(p_h, p_w, p_d=0, p_h_prime=p_h, p_w_prime=p_w, p_d_prime=p_d)`: offsets −pH…pHPrime × −pW…pWPrime × −pD…pDPrime. */
export function cuboid(options: { pH: number; pW: number; pD?: number; pHPrime?: number | null; pWPrime?: number | null; pDPrime?: number | null; name?: string }): Geometry<'cuboid'> {
  return make('geometry', 'cuboid', options, {
    pH: [is.nonNegInt, required], pW: [is.nonNegInt, required], pD: [is.nonNegInt, 0],
    pHPrime: [optInt, undefined], pWPrime: [optInt, undefined], pDPrime: [optInt, undefined], name: [is.optional(is.string), undefined],
  });
}
/** `tinybig.koala.geometry.cylinder(p_r, p_d=0, p_d_prime=p_d)`: disc of radius pR, depth offsets ±pDPrime (packing uses pD). */
export function cylinder(options: { pR: number; pD?: number; pDPrime?: number | null; name?: string }): Geometry<'cylinder'> {
  return make('geometry', 'cylinder', options, { pR: [is.nonNegInt, required], pD: [is.nonNegInt, 0], pDPrime: [optInt, undefined], name: [is.optional(is.string), undefined] });
}
/** `tinybig.koala.geometry.sphere(p_r)`: ball of radius pR. */
export function sphere(options: { pR: number; name?: string }): Geometry<'sphere'> {
  return make('geometry', 'sphere', options, { pR: [is.nonNegInt, required], name: [is.optional(is.string), undefined] });
}

// ---- compilable compressions (spec §2) ----------------------------------------------------------

function simple<T extends string>(type: T) {
  return (options: ExpansionBase = {}): Compression<T> => make('expansion', type, options, base);
}
/** `identity_compression`: κ(x) = x, D = m. */
export const identityCompression = simple('identity_compression');
/** `reciprocal_compression`: 1/x with values in [−1e-6, 1e-6] clamped to ±1e-6 (0 → +1e-6), D = m. */
export const reciprocalCompression = simple('reciprocal_compression');

/** Options of `linearCompression` (tinybig's `c`, `pre_C`, `post_C`: the first one given wins). */
export interface LinearCompressionOptions extends ExpansionBase {
  /** `c·x`: a number, or a vector of m numbers broadcast over the rows. */
  c?: number | readonly number[] | null;
  /** `pre_C·x` with pre_C ∈ R^{b×b} (mixes the rows: the model then runs on batch b only); a matrix or 'sidecar' (`…data_transformation.pre_C`). */
  preC?: readonly (readonly number[])[] | 'sidecar' | null;
  /** `x·post_C` with post_C ∈ R^{m×m}; a matrix or 'sidecar' (`…data_transformation.post_C`). */
  postC?: readonly (readonly number[])[] | 'sidecar' | null;
  /** Batch size b of a 'sidecar' preC (the shape of the tensor to read). */
  b?: number;
}
/** `linear_compression(c=None, pre_C=None, post_C=None)`: c·x, or pre_C·x, or x·post_C; none → x. D = m. */
export function linearCompression(options: LinearCompressionOptions = {}): Compression<'linear_compression'> {
  return make('expansion', 'linear_compression', options, {
    ...base,
    c: [is.optional((v) => (is.number(v) === undefined || vector(v) === undefined ? undefined : 'a number or a vector of numbers')), undefined],
    preC: [is.optional(tensorOrSidecar(matrix)), undefined],
    postC: [is.optional(tensorOrSidecar(matrix)), undefined],
    b: [optPosInt, undefined],
  });
}

/** `max_compression`: the row maximum, D = 1. */
export const maxCompression = simple('max_compression');
/** `min_compression`: the row minimum, D = 1. */
export const minCompression = simple('min_compression');
/** `sum_compression`: the row sum, D = 1. */
export const sumCompression = simple('sum_compression');
/** `mean_compression`: the row mean, D = 1. */
export const meanCompression = simple('mean_compression');
/** `prod_compression`: the row product, D = 1. */
export const prodCompression = simple('prod_compression');
/** `median_compression`: torch.median of the row (the lower median for an even m), D = 1. */
export const medianCompression = simple('median_compression');

/** The koala reductions `metricCompression` compiles (tinybig passes a Python callable; rpnc takes its name). */
export type MetricName = 'batch_max' | 'batch_min' | 'batch_sum' | 'batch_prod' | 'batch_mean' | 'batch_median' | 'batch_l1_norm' | 'batch_l2_norm' | 'batch_std' | 'batch_variance';
/** The metric names `metricCompression` accepts. */
export const METRIC_NAMES: readonly MetricName[] = ['batch_max', 'batch_min', 'batch_sum', 'batch_prod', 'batch_mean', 'batch_median', 'batch_l1_norm', 'batch_l2_norm', 'batch_std', 'batch_variance'];
/** `metric_compression(metric)`: metric(x) over the features, D = 1 (std / variance unbiased, as torch's defaults). */
export function metricCompression(options: ExpansionBase & { metric: MetricName }): Compression<'metric_compression'> {
  return make('expansion', 'metric_compression', options, { ...base, metric: [is.oneOf(...METRIC_NAMES), required] });
}

/** `extended_compression(composition_functions)`: [f_1(x); …; f_k(x)], D = Σ D_i (members: expansions or compressions). */
export function extendedCompression(options: ExpansionBase & { compositionFunctions: readonly Component<'expansion', string, object>[] }): Compression<'extended_compression'> {
  return make('expansion', 'extended_compression', options, { ...base, compositionFunctions: [is.array(is.component('expansion')), required] });
}
/** `nested_compression(composition_functions)`: f_k(…f_1(x)) (members: expansions or compressions). */
export function nestedCompression(options: ExpansionBase & { compositionFunctions: readonly Component<'expansion', string, object>[] }): Compression<'nested_compression'> {
  return make('expansion', 'nested_compression', options, { ...base, compositionFunctions: [is.array(is.component('expansion')), required] });
}

// ---- geometric compression / expansion (spec §2.4, §4) ------------------------------------------

/** Grid and packing options of the geometric classes (a `grid` object, or h, w, d: d has no default for the expansion and compression). */
export interface GeometricOptions extends ExpansionBase {
  grid?: Geometry<'grid'> | null;
  h?: number | null;
  w?: number | null;
  d?: number | null;
  /** tinybig's default None: warning, then the densest packing. */
  packingStrategy?: string | null;
  /** Centre distances: used only when all three are given (else silently ignored, as tinybig does). */
  cdH?: number | null;
  cdW?: number | null;
  cdD?: number | null;
}
const geoSchema: Schema = {
  ...base,
  grid: [is.optional(is.component('geometry')), undefined],
  h: [optPosInt, undefined], w: [optPosInt, undefined], d: [optPosInt, undefined],
  packingStrategy: [is.optional(is.string), undefined],
  cdH: [optPosInt, undefined], cdW: [optPosInt, undefined], cdD: [optPosInt, undefined],
};
const patchObject: Schema = { patch: [is.optional(is.component('geometry')), undefined] };
const cuboidFlat: Schema = { pH: [is.nonNegInt, required], pW: [is.nonNegInt, required], pD: [is.nonNegInt, required], pHPrime: [optInt, undefined], pWPrime: [optInt, undefined], pDPrime: [optInt, undefined] };
const cylinderFlat: Schema = { pR: [is.nonNegInt, required], pD: [is.nonNegInt, required], pDPrime: [optInt, undefined] };
const sphereFlat: Schema = { pR: [is.nonNegInt, required] };
interface CuboidFlat { pH: number; pW: number; pD: number; pHPrime?: number | null; pWPrime?: number | null; pDPrime?: number | null }
interface CylinderFlat { pR: number; pD: number; pDPrime?: number | null }
const metricOpt: Schema = { metric: [is.oneOf('batch_max', 'batch_min', 'batch_sum', 'batch_prod', 'batch_mean', 'batch_l1_norm', 'batch_l2_norm'), required] };
type GeoMetric = 'batch_max' | 'batch_min' | 'batch_sum' | 'batch_prod' | 'batch_mean' | 'batch_l1_norm' | 'batch_l2_norm';

/** `geometric_compression(metric, grid | h, w, d, patch, packing_strategy, cd_*)`: per universe and patch, metric over its S cells (zero padding), D = C·P, layout [c][p]. */
export function geometricCompression(options: GeometricOptions & { metric: GeoMetric; patch: Geometry }): Compression<'geometric_compression'> {
  return make('expansion', 'geometric_compression', options, { ...geoSchema, ...patchObject, ...metricOpt });
}
/** `cuboid_patch_based_geometric_compression(metric, p_h, p_w, p_d, …)`. */
export function cuboidPatchBasedGeometricCompression(options: GeometricOptions & CuboidFlat & { metric: GeoMetric }): Compression<'cuboid_patch_based_geometric_compression'> {
  return make('expansion', 'cuboid_patch_based_geometric_compression', options, { ...geoSchema, ...cuboidFlat, ...metricOpt });
}
/** `cylinder_patch_based_geometric_compression(metric, p_r, p_d, …)`. */
export function cylinderPatchBasedGeometricCompression(options: GeometricOptions & CylinderFlat & { metric: GeoMetric }): Compression<'cylinder_patch_based_geometric_compression'> {
  return make('expansion', 'cylinder_patch_based_geometric_compression', options, { ...geoSchema, ...cylinderFlat, ...metricOpt });
}
/** `sphere_patch_based_geometric_compression(metric, p_r, …)`. */
export function spherePatchBasedGeometricCompression(options: GeometricOptions & { pR: number; metric: GeoMetric }): Compression<'sphere_patch_based_geometric_compression'> {
  return make('expansion', 'sphere_patch_based_geometric_compression', options, { ...geoSchema, ...sphereFlat, ...metricOpt });
}

/** `geometric_expansion(grid | h, w, d, patch, packing_strategy, cd_*)`: every patch's cells, D = C·P·S, layout [c][s][p] (patch fastest). */
export function geometricExpansion(options: GeometricOptions & { patch: Geometry }): Compression<'geometric_expansion'> {
  return make('expansion', 'geometric_expansion', options, { ...geoSchema, ...patchObject });
}
/** `cuboid_patch_based_geometric_expansion(p_h, p_w, p_d, p_h_prime, p_w_prime, p_d_prime, …)`. */
export function cuboidPatchBasedGeometricExpansion(options: GeometricOptions & CuboidFlat): Compression<'cuboid_patch_based_geometric_expansion'> {
  return make('expansion', 'cuboid_patch_based_geometric_expansion', options, { ...geoSchema, ...cuboidFlat });
}
/** `cylinder_patch_based_geometric_expansion(p_r, p_d, p_d_prime, …)`. */
export function cylinderPatchBasedGeometricExpansion(options: GeometricOptions & CylinderFlat): Compression<'cylinder_patch_based_geometric_expansion'> {
  return make('expansion', 'cylinder_patch_based_geometric_expansion', options, { ...geoSchema, ...cylinderFlat });
}
/** `sphere_patch_based_geometric_expansion(p_r, …)`. */
export function spherePatchBasedGeometricExpansion(options: GeometricOptions & { pR: number }): Compression<'sphere_patch_based_geometric_expansion'> {
  return make('expansion', 'sphere_patch_based_geometric_expansion', options, { ...geoSchema, ...sphereFlat });
}

// ---- geometric interdependence (spec §5) --------------------------------------------------------

/** Options of `geometricInterdependence` (tinybig.interdependence.geometric_interdependence). */
export interface GeometricInterdependenceOptions {
  /** 'attribute' (default): gathers the patches of each row; 'instance' / 'instance_interdependence' / 'left': the grid is the batch (b = N, one universe). */
  interdependenceType?: InterdependenceType;
  grid?: Geometry<'grid'> | null;
  h?: number | null;
  w?: number | null;
  d?: number;
  /** Universes of an h, w, d grid (default 1). */
  channelNum?: number;
  patch?: Geometry | null;
  packingStrategy?: string;
  cdH?: number | null;
  cdW?: number | null;
  cdD?: number | null;
  /** 'padding' (default, m' = C·P·S) or 'aggregation' (m' = m, needs the densest packing). */
  interdependenceMatrixMode?: 'padding' | 'aggregation';
  normalization?: boolean;
  normalizationMode?: 'row' | 'column' | 'row_column';
  /** Applied by tinybig to the matrix A, not to the data; only an empty slot compiles. */
  preprocessFunctions?: unknown;
  postprocessFunctions?: unknown;
  name?: string;
  device?: string;
}
const giSchema: Schema = {
  interdependenceType: [is.oneOf('attribute', 'attribute_interdependence', 'column', 'right', 'instance', 'instance_interdependence', 'row', 'left'), 'attribute'],
  grid: [is.optional(is.component('geometry')), undefined],
  h: [optPosInt, undefined], w: [optPosInt, undefined], d: [is.posInt, 1], channelNum: [is.posInt, 1],
  patch: [is.optional(is.component('geometry')), undefined],
  packingStrategy: [is.string, 'densest_packing'],
  cdH: [optPosInt, undefined], cdW: [optPosInt, undefined], cdD: [optPosInt, undefined],
  interdependenceMatrixMode: [is.string, 'padding'],
  normalization: [is.bool, false],
  normalizationMode: [is.string, 'row_column'],
  preprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  postprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  name: [is.optional(is.string), undefined],
  device: [is.optional(is.string), undefined],
};
/** `geometric_interdependence(…)`: padding ξ(X)[(p·C+c)·S+s] = X[c, cell(p,s)] (0 outside), or aggregation ξ(X)[p·C+c] = Σ_{cells of p} X[c, cell]; optional normalisation. */
export function geometricInterdependence(options: GeometricInterdependenceOptions & { patch: Geometry }): Interdependence<'geometric_interdependence'> {
  return make('interdependence', 'geometric_interdependence', options, giSchema);
}
const giCuboid: Schema = { pH: [is.nonNegInt, required], pW: [is.nonNegInt, required], pD: [is.nonNegInt, required], pHPrime: [optInt, undefined], pWPrime: [optInt, undefined], pDPrime: [optInt, undefined] };
/** `cuboid_patch_based_geometric_interdependence(p_h, p_w, p_d, …)`. */
export function cuboidPatchBasedGeometricInterdependence(options: Omit<GeometricInterdependenceOptions, 'patch'> & CuboidFlat): Interdependence<'cuboid_patch_based_geometric_interdependence'> {
  return make('interdependence', 'cuboid_patch_based_geometric_interdependence', options, { ...giSchema, ...giCuboid });
}
/** `cuboid_patch_padding_based_geometric_interdependence(…)`: padding mode whatever `interdependenceMatrixMode` says. */
export function cuboidPatchPaddingBasedGeometricInterdependence(options: Omit<GeometricInterdependenceOptions, 'patch'> & CuboidFlat): Interdependence<'cuboid_patch_padding_based_geometric_interdependence'> {
  return make('interdependence', 'cuboid_patch_padding_based_geometric_interdependence', options, { ...giSchema, ...giCuboid });
}
/** `cuboid_patch_aggregation_based_geometric_interdependence(…)`: aggregation mode whatever `interdependenceMatrixMode` says. */
export function cuboidPatchAggregationBasedGeometricInterdependence(options: Omit<GeometricInterdependenceOptions, 'patch'> & CuboidFlat): Interdependence<'cuboid_patch_aggregation_based_geometric_interdependence'> {
  return make('interdependence', 'cuboid_patch_aggregation_based_geometric_interdependence', options, { ...giSchema, ...giCuboid });
}

/** Loose schema of the classes refused whatever their options (their options are only read for the message). */
const anyOptions = (names: string[]): Schema => Object.fromEntries(names.map((k) => [k, [() => undefined, undefined]]));
const brokenGi = anyOptions([...Object.keys(giSchema), 'r', 'pR', 'pD', 'pDPrime']);
/** `cylinder_patch_based_geometric_interdependence`: REFUSED (RPN2173) — tinybig's constructor passes `r=` to a cylinder that needs `p_r` (TypeError). */
export function cylinderPatchBasedGeometricInterdependence(options: Record<string, unknown> = {}): Interdependence<'cylinder_patch_based_geometric_interdependence'> {
  return make('interdependence', 'cylinder_patch_based_geometric_interdependence', options, brokenGi);
}
/** `cylinder_patch_padding_based_geometric_interdependence`: REFUSED (RPN2173), constructor broken in tinybig. */
export function cylinderPatchPaddingBasedGeometricInterdependence(options: Record<string, unknown> = {}): Interdependence<'cylinder_patch_padding_based_geometric_interdependence'> {
  return make('interdependence', 'cylinder_patch_padding_based_geometric_interdependence', options, brokenGi);
}
/** `cylinder_patch_aggregation_based_geometric_interdependence`: REFUSED (RPN2173), constructor broken in tinybig. */
export function cylinderPatchAggregationBasedGeometricInterdependence(options: Record<string, unknown> = {}): Interdependence<'cylinder_patch_aggregation_based_geometric_interdependence'> {
  return make('interdependence', 'cylinder_patch_aggregation_based_geometric_interdependence', options, brokenGi);
}
/** `sphere_patch_based_geometric_interdependence`: REFUSED (RPN2173), constructor broken in tinybig (`r` vs `p_r`). */
export function spherePatchBasedGeometricInterdependence(options: Record<string, unknown> = {}): Interdependence<'sphere_patch_based_geometric_interdependence'> {
  return make('interdependence', 'sphere_patch_based_geometric_interdependence', options, brokenGi);
}
/** `sphere_patch_padding_based_geometric_interdependence`: REFUSED (RPN2173), constructor broken in tinybig. */
export function spherePatchPaddingBasedGeometricInterdependence(options: Record<string, unknown> = {}): Interdependence<'sphere_patch_padding_based_geometric_interdependence'> {
  return make('interdependence', 'sphere_patch_padding_based_geometric_interdependence', options, brokenGi);
}
/** `sphere_patch_aggregation_based_geometric_interdependence`: REFUSED (RPN2173), constructor broken in tinybig. */
export function spherePatchAggregationBasedGeometricInterdependence(options: Record<string, unknown> = {}): Interdependence<'sphere_patch_aggregation_based_geometric_interdependence'> {
  return make('interdependence', 'sphere_patch_aggregation_based_geometric_interdependence', options, brokenGi);
}

// ---- compressions rpnc refuses (spec §1, §3): factories so the refusal is located ----------------

const samplingOpts = ['k', 'simplySampling', 'distributionFunction', 'metric', 'withReplacement', 'requireNormalization', 'logProb'];
function refused<T extends string>(type: T, names: string[]) {
  return (options: Record<string, unknown> = {}): Compression<T> => make('expansion', type, options, { ...base, ...anyOptions(names) });
}
/**
 * The sampling compressions (`naive_*_probabilistic_compression`, `combinatorial_*compression`) are refused (RPN2170: torch.multinomial
 * at every call) except in their deterministic corner, which compiles: k = m (naive) / k = C(m, r) for every r ≤ d (combinatorial),
 * without replacement and without a metric — sampling every item returns all of them, in order.
 */
/** `naive_probabilistic_compression(k, …)`: REFUSED (RPN2170) — samples k columns with torch.multinomial at every call (compiles only for k = m without replacement). */
export const naiveProbabilisticCompression = refused('naive_probabilistic_compression', samplingOpts);
/** `naive_uniform_probabilistic_compression(k, low=0, high=1, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveUniformProbabilisticCompression = refused('naive_uniform_probabilistic_compression', [...samplingOpts, 'low', 'high']);
/** `naive_normal_probabilistic_compression(k, mean=0, std=1, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveNormalProbabilisticCompression = refused('naive_normal_probabilistic_compression', [...samplingOpts, 'mean', 'std']);
/** `naive_cauchy_probabilistic_compression(k, loc=0, scale=1, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveCauchyProbabilisticCompression = refused('naive_cauchy_probabilistic_compression', [...samplingOpts, 'loc', 'scale']);
/** `naive_chi2_probabilistic_compression(k, df=1, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveChi2ProbabilisticCompression = refused('naive_chi2_probabilistic_compression', [...samplingOpts, 'df']);
/** `naive_exponential_probabilistic_compression(k, rate=0.5, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveExponentialProbabilisticCompression = refused('naive_exponential_probabilistic_compression', [...samplingOpts, 'rate']);
/** `naive_gamma_probabilistic_compression(k, concentration=1, rate=1, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveGammaProbabilisticCompression = refused('naive_gamma_probabilistic_compression', [...samplingOpts, 'concentration', 'rate']);
/** `naive_laplace_probabilistic_compression(k, loc=0, scale=1, …)`: REFUSED (RPN2170), multinomial sampling. */
export const naiveLaplaceProbabilisticCompression = refused('naive_laplace_probabilistic_compression', [...samplingOpts, 'loc', 'scale']);
/** `combinatorial_compression(d=1, k=1, …)`: REFUSED (RPN2170) — samples k feature subsets per r with torch.multinomial at every call. */
export const combinatorialCompression = refused('combinatorial_compression', [...samplingOpts, 'd']);
/** `combinatorial_probabilistic_compression(d=1, k=1, …)`: REFUSED (RPN2170), multinomial sampling of subsets. */
export const combinatorialProbabilisticCompression = refused('combinatorial_probabilistic_compression', [...samplingOpts, 'd']);
/** `dimension_reduction_compression(D, dr_function)`: REFUSED (RPN2171) — refits a sklearn model on every batch. */
export const dimensionReductionCompression = refused('dimension_reduction_compression', ['D', 'drFunction', 'drFunctionConfigs']);
/** `incremental_PCA_based_compression(D)`: REFUSED (RPN2171) — IncrementalPCA.partial_fit on every batch, float64 output. */
export const incrementalPCABasedCompression = refused('incremental_PCA_based_compression', ['D']);
/** `incremental_random_projection_based_compression(D)`: REFUSED (RPN2170) — a new SparseRandomProjection (numpy global RNG) at every call. */
export const incrementalRandomProjectionBasedCompression = refused('incremental_random_projection_based_compression', ['D']);
/** `feature_selection_compression(D, fs_function)`: REFUSED (RPN2171) — refits its feature selection on every batch. */
export const featureSelectionCompression = refused('feature_selection_compression', ['D', 'fsFunction', 'fsFunctionConfigs']);
/** `incremental_feature_clustering_based_compression(D)`: REFUSED (RPN2171) — SpectralClustering refit on every batch, float64 output. */
export const incrementalFeatureClusteringBasedCompression = refused('incremental_feature_clustering_based_compression', ['D']);
/**
 * `incremental_variance_threshold_based_compression(D)`: REFUSED (RPN2171) — keeps the D columns of largest running-mean
 * batch variance. `firstCallBatchStatistics: true` (rpnc's opt-in, not a tinybig parameter) compiles what tinybig does on a
 * fresh model's first call: the D highest-variance columns of the batch itself, lowest of them first (rows not independent).
 */
export const incrementalVarianceThresholdBasedCompression = refused('incremental_variance_threshold_based_compression', ['D', 'firstCallBatchStatistics']);
/** `manifold_compression(D, manifold_function)`: REFUSED (RPN2172) — sklearn manifold learning fit_transform on every batch. */
export const manifoldCompression = refused('manifold_compression', ['D', 'manifoldFunction', 'manifoldFunctionConfigs']);
/** `isomap_manifold_compression(D, n_neighbors=1)`: REFUSED (RPN2172), sklearn Isomap on every batch. */
export const isomapManifoldCompression = refused('isomap_manifold_compression', ['D', 'nNeighbors']);
/** `lle_manifold_compression(D, n_neighbors=1)`: REFUSED (RPN2172), sklearn LocallyLinearEmbedding on every batch. */
export const lleManifoldCompression = refused('lle_manifold_compression', ['D', 'nNeighbors']);
/** `mds_manifold_compression(D)`: REFUSED (RPN2172), sklearn MDS on every batch. */
export const mdsManifoldCompression = refused('mds_manifold_compression', ['D']);
/** `spectral_embedding_manifold_compression(D)`: REFUSED (RPN2172), sklearn SpectralEmbedding on every batch. */
export const spectralEmbeddingManifoldCompression = refused('spectral_embedding_manifold_compression', ['D']);
/** `tsne_manifold_compression(D, perplexity)`: REFUSED (RPN2172), sklearn TSNE on every batch. */
export const tsneManifoldCompression = refused('tsne_manifold_compression', ['D', 'perplexity']);
