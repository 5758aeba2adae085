/**
 * Grid heads (rpn-semantics §13–§14), straight from the math with naive loops. The spec gives the
 * geometry (input grid, channels, patch offsets in tinybig's order, centre distances, output grid);
 * everything else is computed here.
 *
 *   X̃[c, i, j, k] = x[c·h·w·d + (i·w + j)·d + k] inside the grid, 0 outside
 *   centre of patch p = (a·cd_h, β·cd_w, γ·cd_d),  p = (a·W' + β)·D' + γ
 *
 *   grid_interdependence_head:  Y[o·P + p] = Σ_c Σ_s W[o, c·S + s] · X̃[c, centre_p + offset_s] + b[o·P + p]
 *                               (W = ψ(w), C_out × C_in·S), then + π(x), then F_out
 *   grid_compression_head:      Y[c·P + p] = metric_s X̃[c, centre_p + offset_s]   (padding zeros included)
 */
import { headParams, type WeightSource } from '../../compiler/spec/params.js';
import type { HeadSpec } from '../../compiler/spec/types.js';
import { add, zeros, type Mat } from './matrix.js';
import { applyProcessList } from './processing.js';
import { fabricate } from './reconciliation.js';
import { remainder } from './remainder.js';

export function runGridHead(h: HeadSpec, x: Mat, ws: WeightSource): Mat {
  const g = h.grid;
  if (!g) throw new Error(`reference: head ${h.prefix} is not a grid head`);
  if (x.cols !== h.m) throw new Error(`reference: head ${h.prefix} expects ${h.m} input features, got ${x.cols}`);
  const params = headParams(h, ws);
  const x0 = applyProcessList(h.inputProcess, x, ws);
  const [gh, gw, gd] = g.grid;
  const [oh, ow, od] = g.out;
  const P = oh * ow * od;
  const S = g.offsets.length;
  const Cin = g.inChannels;

  /** X̃[row, c, i, j, k] */
  const read = (row: number, c: number, i: number, j: number, k: number): number => {
    if (i < 0 || i >= gh || j < 0 || j >= gw || k < 0 || k >= gd) return 0;
    return x0.data[row * x0.cols + c * gh * gw * gd + (i * gw + j) * gd + k];
  };
  /** the S values of patch p in channel c */
  const patch = (row: number, c: number, p: number): number[] => {
    const a = Math.floor(p / (ow * od));
    const be = Math.floor(p / od) % ow;
    const ga = p % od;
    return g.offsets.map(([dh, dw, dd]) => read(row, c, a * g.cd[0] + dh, be * g.cd[1] + dw, ga * g.cd[2] + dd));
  };

  let y: Mat;
  if (g.kind === 'compression') {
    y = zeros(x0.rows, Cin * P);
    for (let row = 0; row < x0.rows; row++)
      for (let c = 0; c < Cin; c++)
        for (let p = 0; p < P; p++) y.data[row * y.cols + c * P + p] = pool(g.metric ?? 'batch_max', patch(row, c, p));
  } else {
    if (!h.reconciliation) throw new Error(`reference: grid head ${h.prefix} has no reconciliation`);
    const W = fabricate(h.reconciliation, params.w[0]); // C_out × C_in·S
    const Cout = g.outChannels;
    y = zeros(x0.rows, Cout * P);
    for (let row = 0; row < x0.rows; row++)
      for (let p = 0; p < P; p++) {
        const cells: number[][] = [];
        for (let c = 0; c < Cin; c++) cells.push(patch(row, c, p));
        for (let o = 0; o < Cout; o++) {
          let s = 0;
          for (let c = 0; c < Cin; c++) for (let k = 0; k < S; k++) s += W.data[o * W.cols + c * S + k] * cells[c][k];
          if (params.b) s += params.b[o * P + p];
          y.data[row * y.cols + o * P + p] = s;
        }
      }
  }
  const pi = remainder(h.remainder, x0, params, ws);
  if (pi) y = add(y, pi);
  return applyProcessList(h.outputProcess, y, ws);
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
    default: throw new Error(`reference: unknown pooling metric ${metric}`);
  }
}
