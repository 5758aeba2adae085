/**
 * The geometric classes used on their own (spec rpn2-compression-geometric §2.4, §4, §5), with naive loops. The spec
 * gives the geometry (grid h×w×d, universes C, patch offsets in tinybig's order, centre distances, output grid);
 * the cells, the patch matrix A and its normalisation are computed here.
 *
 *   X̃[c, i, j, k] = x[c·N + (i·w + j)·d + k] inside the grid, 0 outside;  centre of patch p = (a·cd_h, β·cd_w, γ·cd_d)
 *   expansion:           κ[(c·S + s)·P + p] = X̃[c, centre_p + offset_s]
 *   compression:         κ[c·P + p] = metric_s X̃[c, centre_p + offset_s]                 (padding zeros included)
 *   interdependence:     A (N × P·S, padding: A[cell(p,s), p·S+s] = 1; N × N, aggregation: A[cell, p] = 1 for the
 *                        cells of patch p), normalised (row: ÷ row sum; column: ÷ column sum; row_column: ÷ √row sum,
 *                        then ÷ √column sum; zero sums count as 1);
 *                        attribute padding ξ[(p·C + c)·S + s] = Σ_i X[c, i]·A[i, p·S + s];  aggregation ξ[p·C + c] = Σ_i X[c, i]·A[i, p]
 *                        instance: Xi = Aᵀ·K (the rows of K are the N cells)
 */
import type { GeometricInterdependence } from '../../compiler/spec/geometric.js';
import type { GridSpec } from '../../compiler/spec/grid.js';
import { zeros, type Mat } from './matrix.js';

/** The cell read by offset s of patch p (−1 outside the grid). */
function cellOf(g: GridSpec, p: number, s: number): number {
  const [gh, gw, gd] = g.grid;
  const [, ow, od] = g.out;
  const a = Math.floor(p / (ow * od));
  const be = Math.floor(p / od) % ow;
  const ga = p % od;
  const [dh, dw, dd] = g.offsets[s];
  const i = a * g.cd[0] + dh, j = be * g.cd[1] + dw, k = ga * g.cd[2] + dd;
  if (i < 0 || i >= gh || j < 0 || j >= gw || k < 0 || k >= gd) return -1;
  return (i * gw + j) * gd + k;
}

function nPatches(g: GridSpec): number {
  return g.out[0] * g.out[1] * g.out[2];
}

/** geometric_expansion: [c][s][p]. */
export function geometricExpansion(g: GridSpec, x: Mat): Mat {
  const N = g.grid[0] * g.grid[1] * g.grid[2];
  const P = nPatches(g), S = g.offsets.length, C = g.inChannels;
  const y = zeros(x.rows, C * S * P);
  for (let r = 0; r < x.rows; r++)
    for (let c = 0; c < C; c++)
      for (let s = 0; s < S; s++)
        for (let p = 0; p < P; p++) {
          const cell = cellOf(g, p, s);
          y.data[r * y.cols + (c * S + s) * P + p] = cell < 0 ? 0 : x.data[r * x.cols + c * N + cell];
        }
  return y;
}

/** geometric compression: metric over the S cells of each patch, [c][p]. */
export function geometricCompression(g: GridSpec, metric: string, x: Mat): Mat {
  const N = g.grid[0] * g.grid[1] * g.grid[2];
  const P = nPatches(g), S = g.offsets.length, C = g.inChannels;
  const y = zeros(x.rows, C * P);
  for (let r = 0; r < x.rows; r++)
    for (let c = 0; c < C; c++)
      for (let p = 0; p < P; p++) {
        const v: number[] = [];
        for (let s = 0; s < S; s++) {
          const cell = cellOf(g, p, s);
          v.push(cell < 0 ? 0 : x.data[r * x.cols + c * N + cell]);
        }
        y.data[r * y.cols + c * P + p] = pool(metric, v);
      }
  return y;
}

function pool(metric: string, v: number[]): number {
  switch (metric) {
    case 'batch_max': return v.reduce((a, b) => Math.max(a, b), -Infinity);
    case 'batch_min': return v.reduce((a, b) => Math.min(a, b), Infinity);
    case 'batch_sum': return v.reduce((a, b) => a + b, 0);
    case 'batch_prod': return v.reduce((a, b) => a * b, 1);
    case 'batch_mean': return v.reduce((a, b) => a + b, 0) / v.length;
    case 'batch_l1_norm': return v.reduce((a, b) => a + Math.abs(b), 0);
    case 'batch_l2_norm': return Math.sqrt(v.reduce((a, b) => a + b * b, 0));
    default: throw new Error(`reference: unknown metric ${metric}`);
  }
}

/** The one-universe matrix A, normalised. */
function patchMatrix(gi: GeometricInterdependence): Mat {
  const g = gi.grid;
  const N = g.grid[0] * g.grid[1] * g.grid[2];
  const P = nPatches(g), S = g.offsets.length;
  const A = zeros(N, gi.mode === 'padding' ? P * S : N);
  for (let p = 0; p < P; p++)
    for (let s = 0; s < S; s++) {
      const cell = cellOf(g, p, s);
      if (cell >= 0) A.data[cell * A.cols + (gi.mode === 'padding' ? p * S + s : p)] = 1;
    }
  const rowSum = (i: number) => { let t = 0; for (let j = 0; j < A.cols; j++) t += A.data[i * A.cols + j]; return t || 1; };
  const colSum = (j: number) => { let t = 0; for (let i = 0; i < A.rows; i++) t += A.data[i * A.cols + j]; return t || 1; };
  const scaleRows = (f: (r: number) => number) => {
    const r = Array.from({ length: A.rows }, (_, i) => rowSum(i));
    for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) A.data[i * A.cols + j] /= f(r[i]);
  };
  const scaleCols = (f: (c: number) => number) => {
    const c = Array.from({ length: A.cols }, (_, j) => colSum(j));
    for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) A.data[i * A.cols + j] /= f(c[j]);
  };
  if (gi.normalization === 'row') scaleRows((r) => r);
  if (gi.normalization === 'column') scaleCols((c) => c);
  if (gi.normalization === 'row_column') {
    scaleRows(Math.sqrt);
    scaleCols(Math.sqrt);
  }
  return A;
}

/** Attribute type: padding [p][c][s] or aggregation [p][c]. */
export function geometricAttribute(gi: GeometricInterdependence, x: Mat): Mat {
  const g = gi.grid;
  const N = g.grid[0] * g.grid[1] * g.grid[2];
  const P = nPatches(g), S = g.offsets.length, C = g.inChannels;
  const A = patchMatrix(gi);
  const y = zeros(x.rows, gi.mode === 'padding' ? P * C * S : N * C);
  for (let r = 0; r < x.rows; r++)
    for (let c = 0; c < C; c++)
      for (let j = 0; j < A.cols; j++) {
        let t = 0;
        for (let i = 0; i < N; i++) t += x.data[r * x.cols + c * N + i] * A.data[i * A.cols + j];
        const col = gi.mode === 'padding' ? (Math.floor(j / S) * C + c) * S + (j % S) : j * C + c;
        y.data[r * y.cols + col] = t;
      }
  return y;
}

/** Instance type: Xi = Aᵀ·K (K has exactly N rows, one per cell). */
export function geometricInstance(gi: GeometricInterdependence, k: Mat): Mat {
  const A = patchMatrix(gi);
  if (k.rows !== A.rows) throw new Error(`reference: an instance-type geometric interdependence needs a batch of N = ${A.rows} rows, got ${k.rows}`);
  const y = zeros(A.cols, k.cols);
  for (let j = 0; j < A.cols; j++)
    for (let col = 0; col < k.cols; col++) {
      let t = 0;
      for (let i = 0; i < A.rows; i++) t += A.data[i * A.cols + j] * k.data[i * k.cols + col];
      y.data[j * y.cols + col] = t;
    }
  return y;
}
