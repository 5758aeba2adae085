/**
 * Lowering of the geometric classes used on their own (spec rpn2-compression-geometric §4, §5), as constant gathers
 * (never a dense patch matrix, except aggregation mode's N×N constant):
 *
 *   patches[b, c, p, s] = X[b, c·N + cell(p, s)]   (0 outside the grid: a zero column appended per universe)
 *   geometric_expansion:                  κ[b, (c·S + s)·P + p] = patches[b, c, p, s]              (Transpose, Reshape)
 *   geometric_interdependence, padding:   ξ[b, (p·C + c)·S + s] = patches[b, c, p, s]·w(p, s)     (w: normalisation)
 *   geometric_interdependence, aggregation: ξ[b, p·C + c] = Σ_cell X[b, c, cell]·A[cell, p]       (constant N×N MatMul)
 *   instance type (the batch is the grid, b = N, one universe): the same gather / MatMul over the rows of κ(X).
 * Normalisation of the padding matrix in closed form (each column has at most one 1): with r = the coverage of the
 * cell (how many (patch, offset) slots read it) 'row' → 1/r, 'column' → 1, 'row_column' → r^(−1/4).
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s, tensor } from '../../ir/tensor.js';
import { geometricMatrix, type GeometricInterdependence } from '../spec/geometric.js';
import { patchCells, type GridSpec } from '../spec/grid.js';

/** (batch, C·N) → (batch, C, P, S), zero outside the grid. */
function gatherPatches(b: GraphBuilder, x: Value, g: GridSpec, prefix: string): Value {
  const cells = patchCells(g);
  const idx = Array.from(cells, (c) => (c < 0 ? g.N : c));
  const x3 = b.reshape(x, [-1, g.inChannels, g.N]);
  const zeros = b.mul(b.slice(x3, [0], [1], [2]), 0);
  return b.gather(b.concat([x3, zeros], 2), b.constant(tensor('int64', [g.P, g.S], idx), `${prefix}patch_gather_index`), 2, { name: `${prefix}patch_gather` });
}

/** geometric_expansion and its patch subclasses: layout [c][s][p]. */
export function lowerGeometricExpansion(b: GraphBuilder, x: Value, g: GridSpec, prefix: string): Value {
  return b.reshape(b.transpose(gatherPatches(b, x, g, prefix), [0, 1, 3, 2]), [-1, g.inChannels * g.S * g.P]);
}

/** Weights of the (p, s) slots of a normalised padding matrix, or undefined when there is nothing to scale. */
function paddingWeights(gi: GeometricInterdependence): number[] | undefined {
  const norm = gi.normalization;
  if (!norm || norm === 'column') return undefined; // column sums of a padding matrix are 1 (or 0 → 1)
  const g = gi.grid;
  const cells = patchCells(g);
  const coverage = new Array<number>(g.N).fill(0);
  for (const c of cells) if (c >= 0) coverage[c]++;
  return Array.from(cells, (c) => (c < 0 ? 0 : norm === 'row' ? 1 / coverage[c] : Math.pow(coverage[c], -0.25)));
}

/** Aggregation matrix A (N×N, normalised) as a constant. */
function aggregationMatrix(b: GraphBuilder, gi: GeometricInterdependence, name: string, transposed: boolean): Value {
  const A = geometricMatrix(gi.grid, 'aggregation', gi.normalization);
  const N = A.rows;
  const t = tensor('float32', [N, N]);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) (t.data as Float32Array)[i * N + j] = transposed ? A.data[j * N + i] : A.data[i * N + j];
  return b.constant(t, name);
}

/** Attribute type: (batch, C·N) → (batch, C·P·S) [p][c][s] (padding) or (batch, N·C) [p][c] (aggregation). */
export function lowerGeometricAttribute(b: GraphBuilder, x: Value, gi: GeometricInterdependence, prefix: string): Value {
  const g = gi.grid;
  const C = g.inChannels;
  if (gi.mode === 'aggregation') {
    const y = b.matmul(b.reshape(x, [-1, C, g.N]), aggregationMatrix(b, gi, `${prefix}A`, false)); // (batch, C, N)
    return b.reshape(b.transpose(y, [0, 2, 1]), [-1, g.N * C]);
  }
  let patches = gatherPatches(b, x, g, prefix);
  const w = paddingWeights(gi);
  if (w) patches = b.mul(patches, b.constant(float32s(w, [g.P, g.S]), `${prefix}normalization`));
  return b.reshape(b.transpose(patches, [0, 2, 1, 3]), [-1, g.P * C * g.S]);
}

/** Instance type: the N rows of `data` are the grid cells; padding → P·S rows, aggregation → N rows. */
export function lowerGeometricInstance(b: GraphBuilder, data: Value, gi: GeometricInterdependence, prefix: string): Value {
  const g = gi.grid;
  if (gi.mode === 'aggregation') return b.matmul(aggregationMatrix(b, gi, `${prefix}A_T`, true), data);
  const idx = Array.from(patchCells(g), (c) => (c < 0 ? g.N : c));
  const zeroRow = b.mul(b.slice(data, [0], [1], [0]), 0);
  let y = b.gather(b.concat([data, zeroRow], 0), b.constant(tensor('int64', [g.P * g.S], idx), `${prefix}patch_gather_index`), 0, { name: `${prefix}patch_gather` });
  const w = paddingWeights(gi);
  if (w) y = b.mul(y, b.constant(float32s(w, [g.P * g.S, 1]), `${prefix}normalization`));
  return y;
}
