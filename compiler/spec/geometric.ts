/**
 * Geometry of tinybig's geometric classes used on their own (spec rpn2-compression-geometric §2.4, §4, §5):
 * `geometric_expansion` / `*_patch_based_geometric_expansion`, `geometric_compression` and its subclasses as a
 * plain head's κ, and `geometric_interdependence` (attribute or instance slot). The grid and patch come from a
 * `grid({ h, w, d, universeNum })` / `cuboid` / `cylinder` / `sphere` object or from the flat options
 * (h, w, d, pH, …); the packing from `packingStrategy` or from cdH, cdW, cdD (all three, else ignored).
 *
 * Everything here is plumbing shared by lowering and the reference (sizes and the patch/cell map of
 * compiler/spec/grid.ts); the math itself is written twice (compiler/lower/geometric.ts and
 * runtime/reference/geometric.ts).
 */
import { type Component, isComponent } from '../dsl/component.js';
import { GeometryError, gridGeometry, patchCells, type GridSpec, type PatchShape } from './grid.js';

type Opts = Record<string, unknown>;

/** A geometric interdependence of a head (InterdependenceSpec.geometric). */
export interface GeometricInterdependence {
  grid: GridSpec;
  /** 'padding' (m' = C·P·S, layout [p][c][s]) or 'aggregation' (m' = m, layout [p][c]; needs P = N). */
  mode: 'padding' | 'aggregation';
  /** Normalisation of the one-universe matrix A (`normalization=True`), else undefined. */
  normalization?: 'row' | 'column' | 'row_column';
}

/** The class → (patch shape fixed by the class, matrix mode fixed by the class). */
export const GEOMETRIC_INTERDEPENDENCE_CLASSES: Record<string, { shape?: PatchShape; mode?: 'padding' | 'aggregation' }> = {
  geometric_interdependence: {},
  cuboid_patch_based_geometric_interdependence: { shape: 'cuboid' },
  cuboid_patch_padding_based_geometric_interdependence: { shape: 'cuboid', mode: 'padding' },
  cuboid_patch_aggregation_based_geometric_interdependence: { shape: 'cuboid', mode: 'aggregation' },
};

const GEOMETRIC_EXPANSIONS: Record<string, PatchShape | undefined> = {
  geometric_expansion: undefined,
  cuboid_patch_based_geometric_expansion: 'cuboid',
  cylinder_patch_based_geometric_expansion: 'cylinder',
  sphere_patch_based_geometric_expansion: 'sphere',
};

/** Geometric expansion classes (standalone κ of width C·P·S). */
export function isGeometricExpansion(type: string): boolean {
  return Object.hasOwn(GEOMETRIC_EXPANSIONS, type);
}

/** Geometric compression classes: `geometric_compression`, `*_patch_based_geometric_compression`, `*_{max,min,mean}_based_geometric_compression`. */
export function geometricCompressionClass(type: string): { shape?: PatchShape; metric?: string } | undefined {
  if (type === 'geometric_compression') return {};
  let mt = /^(cuboid|cylinder|sphere)_patch_based_geometric_compression$/.exec(type);
  if (mt) return { shape: mt[1] as PatchShape };
  mt = /^(cuboid|cylinder|sphere)_(max|min|mean)_based_geometric_compression$/.exec(type);
  if (mt) return { shape: mt[1] as PatchShape, metric: `batch_${mt[2]}` };
  return undefined;
}

/** koala reductions a geometric / metric compression may name (tinybig.koala.linear_algebra / statistics). */
export const GEOMETRIC_METRICS = ['batch_max', 'batch_min', 'batch_sum', 'batch_prod', 'batch_mean', 'batch_l1_norm', 'batch_l2_norm'];

/**
 * Grid (h, w, d, universes) and patch of a geometric class from its options. `dRequired`: tinybig's expansion and
 * compression have no default for d (ValueError "the grid structure is not specified yet"); the interdependence
 * defaults d = 1 and takes `channelNum` universes with the flat form.
 */
export function geometricGrid(o: Opts, opts: { shape?: PatchShape; dRequired: boolean; channelOption: boolean; metric?: string }): Omit<GridSpec, 'matrixKey'> {
  const g = o.grid as Component | undefined;
  let h: unknown, w: unknown, d: unknown, C: number;
  if (g !== undefined && g !== null) {
    if (!isComponent(g) || g.type !== 'grid') throw new GeometryError('grid must be a grid({ h, w, d, universeNum }) object', 'grid');
    const go = g.options as Opts;
    [h, w, d, C] = [go.h, go.w, go.d, go.universeNum as number];
  } else {
    [h, w, d] = [o.h, o.w, o.d];
    C = opts.channelOption ? ((o.channelNum as number | undefined) ?? 1) : 1;
    if (h === undefined || h === null || w === undefined || w === null) {
      throw new GeometryError('the grid is not specified: give grid: grid({ h, w, d }) or h, w and d (tinybig raises ValueError "the grid structure is not specified yet")', h === undefined || h === null ? 'h' : 'w', 'add h: …, w: …, d: …');
    }
    if (d === undefined || d === null) {
      if (opts.dRequired) throw new GeometryError("d has no default here: tinybig's geometric expansion / compression raise ValueError \"the grid structure is not specified yet\" when d is None", undefined, 'add d: 1');
      d = 1;
    }
  }
  const patch = patchOptions(o, opts.shape);
  const flat: Opts = {
    h, w, d, channelNum: C, patchShape: patch.shape, ...patch.options,
    cdH: o.cdH, cdW: o.cdW, cdD: o.cdD, packingStrategy: o.packingStrategy ?? undefined, poolingMetric: opts.metric,
  };
  return gridGeometry(flat, 'compression');
}

/** The patch: a cuboid / cylinder / sphere object (`patch` option) or the class's flat options (pH, pW, …, pR). */
function patchOptions(o: Opts, shape: PatchShape | undefined): { shape: PatchShape; options: Opts } {
  const p = o.patch as Component | undefined;
  if (p !== undefined && p !== null) {
    if (!isComponent(p) || !['cuboid', 'cylinder', 'sphere'].includes(p.type)) throw new GeometryError('patch must be a cuboid(…), cylinder(…) or sphere(…) object', 'patch');
    if (shape && p.type !== shape) throw new GeometryError(`this class builds a ${shape} patch, but patch is a ${p.type}`, 'patch');
    return { shape: p.type as PatchShape, options: p.options as Opts };
  }
  if (!shape) throw new GeometryError('the patch is not specified: give patch: cuboid({ … }), cylinder({ … }) or sphere({ … })', 'patch', 'add patch: cuboid({ pH: 1, pW: 1 })');
  return { shape, options: { pH: o.pH, pW: o.pW, pD: o.pD, pHPrime: o.pHPrime, pWPrime: o.pWPrime, pDPrime: o.pDPrime, pR: o.pR } };
}

/**
 * The one-universe matrix A tinybig caches for a geometric interdependence (padding: N × P·S with A[cell(p,s), p·S+s] = 1;
 * aggregation: N × N with A[cell, centre_p] = 1), normalised as tinybig does (zero sums count as 1). Dense: only
 * for checking a checkpoint's extras and for the aggregation mode's constant MatMul.
 */
export function geometricMatrix(g: GridSpec, mode: 'padding' | 'aggregation', normalization?: 'row' | 'column' | 'row_column'): { rows: number; cols: number; data: Float64Array } {
  const cells = patchCells(g);
  const N = g.N;
  const cols = mode === 'padding' ? g.P * g.S : N;
  const A = new Float64Array(N * cols);
  for (let p = 0; p < g.P; p++)
    for (let s = 0; s < g.S; s++) {
      const cell = cells[p * g.S + s];
      if (cell < 0) continue;
      if (mode === 'padding') A[cell * cols + p * g.S + s] = 1;
      else A[cell * cols + p] = 1;
    }
  const rowSums = () => Array.from({ length: N }, (_, i) => { let s = 0; for (let j = 0; j < cols; j++) s += A[i * cols + j]; return s === 0 ? 1 : s; });
  const colSums = () => Array.from({ length: cols }, (_, j) => { let s = 0; for (let i = 0; i < N; i++) s += A[i * cols + j]; return s === 0 ? 1 : s; });
  if (normalization === 'row') {
    const r = rowSums();
    for (let i = 0; i < N; i++) for (let j = 0; j < cols; j++) A[i * cols + j] /= r[i];
  } else if (normalization === 'column') {
    const c = colSums();
    for (let i = 0; i < N; i++) for (let j = 0; j < cols; j++) A[i * cols + j] /= c[j];
  } else if (normalization === 'row_column') {
    const r = rowSums();
    for (let i = 0; i < N; i++) for (let j = 0; j < cols; j++) A[i * cols + j] /= Math.sqrt(r[i]);
    const c = colSums();
    for (let i = 0; i < N; i++) for (let j = 0; j < cols; j++) A[i * cols + j] /= Math.sqrt(c[j]);
  }
  return { rows: N, cols, data: A };
}

/** Builds the GeometricInterdependence of a class and its options (throws GeometryError at the offending option). */
export function geometricInterdependence(type: string, o: Opts): GeometricInterdependence {
  const cls = GEOMETRIC_INTERDEPENDENCE_CLASSES[type];
  const geo = geometricGrid(o, { shape: cls.shape, dRequired: false, channelOption: true });
  const mode = (cls.mode ?? (o.interdependenceMatrixMode as string | undefined) ?? 'padding') as string;
  if (mode !== 'padding' && mode !== 'aggregation') {
    throw new GeometryError(`interdependenceMatrixMode '${mode}': tinybig warns and builds a padding matrix, but its calculate_m_prime returns None, so a head with it fails to build (TypeError)`, 'interdependenceMatrixMode', "use 'padding' or 'aggregation'");
  }
  if (mode === 'aggregation' && geo.P !== geo.N) {
    throw new GeometryError(`aggregation mode needs one patch per cell (P = N = ${geo.N}), but the packing gives P = ${geo.P} centres (cd = ${geo.cd.join(', ')}); tinybig's reshape fails`, 'packingStrategy', "use packingStrategy: 'densest_packing'");
  }
  const normalization = o.normalization === true ? ((o.normalizationMode as string | undefined) ?? 'row_column') : undefined;
  if (normalization !== undefined && !['row', 'column', 'row_column'].includes(normalization)) {
    throw new GeometryError(`normalizationMode '${normalization}' is not one of 'row', 'column', 'row_column'`, 'normalizationMode');
  }
  return { grid: { ...geo, matrixKey: '' }, mode, normalization: normalization as GeometricInterdependence['normalization'] };
}
