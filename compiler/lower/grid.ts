/**
 * Lowering of grid heads (rpn-semantics §13–§14) without ever building the dense patch matrix:
 *
 *   grid_interdependence_head: Y[o, p] = Σ_{c,s} W[o, c·S+s] · X̃[c, centre_p + offset_s] is an N-d
 *   cross-correlation: ONNX Conv on x reshaped to (batch, C, h, w[, d]) with strides = cd, zero pads
 *   begin = −(lowest offset), end chosen so the output is ⌈h/cd⌉ (cropped by a Slice when Conv would
 *   produce more), and the weight W (C_out, C_in·S) scattered into the bounding-box kernel (a
 *   reshape for a full cuboid, a constant Gather with a zero column otherwise — both fold).
 *   Then the per-position bias (C_out·P), the dense remainder and F_out on the flat channel-major row.
 *
 *   grid_compression_head: cuboid max/min → zero Pad + MaxPool (min = −MaxPool(−x)); every other
 *   metric / shape → Gather of the zero-extended flattened input with a constant (P, S) index map,
 *   then a reduction over S.
 *
 * How the patch gather is chosen (visible in `--emit ir` / the ONNX through the value names, all under
 * the head's key prefix, e.g. `layers.0.heads.0.`):
 *   - cuboid interdependence (offsets = the full bounding box, in kernel order) → Conv whose kernel is W
 *     merely reshaped: `<prefix>conv_kernel` (reshape of `<prefix>w` / the reconciled W), `<prefix>conv`;
 *   - cylinder / sphere interdependence (or a cuboid on a d = 1 grid with pD > 0) → Conv with a
 *     bounding-box kernel gathered from [W | 0]: `<prefix>conv_kernel_index` (the constant column map),
 *     `<prefix>conv_bbox_kernel`, `<prefix>conv`;
 *   - compression, cuboid patch with batch_max / batch_min → `<prefix>pool_zero_pad` (when a window
 *     leaves the grid) and `<prefix>max_pool`;
 *   - compression, any other metric (sum, prod, mean, l1/l2 norm) or a cylinder / sphere patch →
 *     `<prefix>patch_gather_index` (constant (P, S) cell map, N = the zero cell), `<prefix>patch_gather`
 *     and `<prefix>patch_reduce` (the reduction over S).
 * (Constant folding keeps the kernel's name on the folded initializer but drops `conv_kernel_index`;
 * `--no-fold` shows every step.)
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s, tensor } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import { cellIndex, type GridSpec, type Triple } from '../spec/grid.js';
import { headParams, type WeightSource } from '../spec/params.js';
import type { HeadSpec } from '../spec/types.js';
import { lowerProcessList } from './processing.js';
import { lowerReconciliation } from './reconciliation.js';
import { lowerRemainder } from './remainder.js';

export function lowerGridHead(b: GraphBuilder, x: Value, h: HeadSpec, ws: WeightSource): Value {
  const g = h.grid ?? fail('RPN4101', `head ${h.prefix} is not a grid head`);
  const params = headParams(h, ws);
  const x0 = lowerProcessList(b, x, h.inputProcess, ws);
  let y: Value;
  if (g.kind === 'compression') {
    y = b.scoped(`grid_compression[${g.patchShape}:${g.metric ?? 'batch_max'}]`, () => lowerCompression(b, x0, g, h.prefix));
  } else {
    const rec = h.reconciliation ?? fail('RPN4101', `grid head ${h.prefix} has no reconciliation`);
    const w = rec.l > 0 ? b.constant(float32s([...params.w[0]], [1, rec.l]), `${h.prefix}w`) : undefined;
    const W = lowerReconciliation(b, w, rec); // (C_out, C_in·S), column c·S + s
    y = b.scoped(`grid_interdependence[${g.patchShape}]`, () => lowerConv(b, x0, g, W, h.prefix));
    if (params.b) y = b.add(y, b.constant(float32s([...params.b]), `${h.prefix}b`));
  }
  const pi = lowerRemainder(b, x0, h.remainder, params, h.prefix, ws);
  if (pi) y = b.add(y, pi);
  return lowerProcessList(b, y, h.outputProcess, ws);
}

/** Spatial rank used for the N-d ops: 2 when the depth axis is trivial everywhere, else 3. */
function spatialRank(g: GridSpec, depthMatters: boolean): 2 | 3 {
  return g.grid[2] === 1 && g.out[2] === 1 && !depthMatters ? 2 : 3;
}

/** Begin/end pads and the kernel extent per axis so that a stride-cd window reproduces the patches. */
function windowing(g: GridSpec, lo: Triple, hi: Triple): { begin: Triple; end: Triple; k: Triple; crop: boolean } {
  const begin = [0, 0, 0] as Triple, end = [0, 0, 0] as Triple, k = [0, 0, 0] as Triple;
  let crop = false;
  for (let a = 0; a < 3; a++) {
    k[a] = hi[a] - lo[a] + 1;
    begin[a] = -lo[a];
    // the last window starts at (out−1)·cd in padded coordinates and needs k cells
    const need = (g.out[a] - 1) * g.cd[a] + k[a] - (g.grid[a] + begin[a]);
    end[a] = Math.max(0, need);
    const produced = Math.floor((g.grid[a] + begin[a] + end[a] - k[a]) / g.cd[a]) + 1;
    if (produced !== g.out[a]) crop = true;
  }
  return { begin, end, k, crop };
}

/** (batch, C·N) → (batch, C, h, w[, d]) */
function toSpatial(b: GraphBuilder, x: Value, g: GridSpec, rank: 2 | 3): Value {
  const [h, w, d] = g.grid;
  return b.reshape(x, rank === 2 ? [-1, g.inChannels, h, w] : [-1, g.inChannels, h, w, d]);
}

/** Crop an N-C-spatial result to the output grid when the op produced extra positions. */
function cropTo(b: GraphBuilder, y: Value, g: GridSpec, rank: 2 | 3, crop: boolean): Value {
  if (!crop) return y;
  const axes = rank === 2 ? [2, 3] : [2, 3, 4];
  return b.slice(y, axes.map(() => 0), g.out.slice(0, rank), axes);
}

function lowerConv(b: GraphBuilder, x: Value, g: GridSpec, W: Value, prefix: string): Value {
  // On a d = 1 grid only the dd = 0 offsets can land inside the grid: a 2-D kernel suffices.
  const rank = spatialRank(g, false);
  const lo: Triple = [g.lo[0], g.lo[1], rank === 2 ? 0 : g.lo[2]];
  const hi: Triple = [g.hi[0], g.hi[1], rank === 2 ? 0 : g.hi[2]];
  const { begin, end, k, crop } = windowing(g, lo, hi);
  const Ci = g.inChannels, Co = g.outChannels, S = g.S;
  const kernelShape = rank === 2 ? [k[0], k[1]] : [k[0], k[1], k[2]];
  const K = k[0] * k[1] * k[2];
  // kernel cell (i, j, l) of the bounding box ↔ offset (lo + (i, j, l)); full cuboid ↔ identical order
  const sOf = new Map(g.offsets.map((t, s) => [t.join(','), s]));
  const full = g.patchShape === 'cuboid' && K === S && g.offsets.every((t, s) => s === ((t[0] - lo[0]) * k[1] + (t[1] - lo[1])) * k[2] + (t[2] - lo[2]));
  let kernel: Value;
  if (full) {
    kernel = b.reshape(W, [Co, Ci, ...kernelShape], { name: `${prefix}conv_kernel` });
  } else {
    // gather columns of [W | 0] : index c·S + s for member offsets, C_in·S (the zero column) elsewhere
    const idx: number[] = [];
    for (let c = 0; c < Ci; c++)
      for (let i = 0; i < k[0]; i++)
        for (let j = 0; j < k[1]; j++)
          for (let l = 0; l < k[2]; l++) {
            const s = sOf.get([lo[0] + i, lo[1] + j, lo[2] + l].join(','));
            idx.push(s === undefined ? Ci * S : c * S + s);
          }
    const Wz = b.concat([W, b.constant(float32s(new Array(Co).fill(0), [Co, 1]))], 1);
    kernel = b.reshape(b.gather(Wz, b.constant(tensor('int64', [Ci * K], idx), `${prefix}conv_kernel_index`), 1), [Co, Ci, ...kernelShape], { name: `${prefix}conv_bbox_kernel` });
  }
  const pads = rank === 2 ? [begin[0], begin[1], end[0], end[1]] : [...begin, ...end];
  const strides = rank === 2 ? [g.cd[0], g.cd[1]] : [...g.cd];
  const y = cropTo(b, b.conv(toSpatial(b, x, g, rank), kernel, null, { strides, pads }, { name: `${prefix}conv` }), g, rank, crop);
  return b.reshape(y, [-1, Co * g.P]);
}

export function lowerCompression(b: GraphBuilder, x: Value, g: GridSpec, prefix: string): Value {
  const metric = g.metric ?? 'batch_max';
  const C = g.inChannels;
  if (g.patchShape === 'cuboid' && (metric === 'batch_max' || metric === 'batch_min')) {
    // zeros take part in the max: pad with zeros explicitly (MaxPool's own padding is −∞)
    const rank = spatialRank(g, g.lo[2] !== 0 || g.hi[2] !== 0);
    const { begin, end, k, crop } = windowing(g, g.lo, g.hi);
    let xs = toSpatial(b, x, g, rank);
    if (metric === 'batch_min') xs = b.neg(xs);
    if ([...begin, ...end].some((p) => p !== 0)) {
      // Pad on (batch, C, spatial…, 1), then reshape back: onnxruntime's PadFusion would fold a Pad feeding
      // MaxPool straight into MaxPool's pads, which pad with −∞ instead of 0.
      const sp = g.grid.slice(0, rank);
      const padded = sp.map((n, a) => n + begin[a] + end[a]);
      const ext = b.reshape(xs, [0, C, ...sp, 1]);
      const pads = [0, 0, ...begin.slice(0, rank), 0, 0, 0, ...end.slice(0, rank), 0];
      xs = b.reshape(b.pad(ext, pads, 'constant', 0, { name: `${prefix}pool_zero_pad` }), [0, C, ...padded]);
    }
    let y = b.maxPool(xs, { kernelShape: k.slice(0, rank), strides: g.cd.slice(0, rank) }, { name: `${prefix}max_pool` });
    if (metric === 'batch_min') y = b.neg(y);
    return b.reshape(cropTo(b, y, g, rank, crop), [-1, C * g.P]);
  }
  // gather + reduce: (batch, C, N) ++ zero column → gather (P, S) indices → (batch, C, P, S)
  const [h, w, d] = g.grid;
  const idx: number[] = [];
  for (let a = 0; a < g.out[0]; a++)
    for (let bb = 0; bb < g.out[1]; bb++)
      for (let c = 0; c < g.out[2]; c++)
        for (const [dh, dw, dd] of g.offsets) {
          const i = a * g.cd[0] + dh, j = bb * g.cd[1] + dw, l = c * g.cd[2] + dd;
          idx.push(i >= 0 && i < h && j >= 0 && j < w && l >= 0 && l < d ? cellIndex(g, i, j, l) : g.N);
        }
  const x3 = b.reshape(x, [-1, C, g.N]);
  const zeros = b.mul(b.slice(x3, [0], [1], [2]), 0); // (batch, C, 1) of zeros (x·0, like tinybig's padding)
  const xz = b.concat([x3, zeros], 2);
  const patches = b.gather(xz, b.constant(tensor('int64', [g.P, g.S], idx), `${prefix}patch_gather_index`), 2, { name: `${prefix}patch_gather` }); // (batch, C, P, S)
  const r = { name: `${prefix}patch_reduce` };
  let y: Value;
  switch (metric) {
    case 'batch_max': y = b.reduceMax(patches, [3], false, r); break;
    case 'batch_min': y = b.reduceMin(patches, [3], false, r); break;
    case 'batch_sum': y = b.reduceSum(patches, [3], false, r); break;
    case 'batch_prod': y = b.reduceProd(patches, [3], false, r); break;
    case 'batch_mean': y = b.reduceMean(patches, [3], false, r); break;
    case 'batch_l1_norm': y = b.reduceSum(b.abs(patches), [3], false, r); break;
    case 'batch_l2_norm': y = b.sqrt(b.reduceSum(b.mul(patches, patches), [3], false), r); break;
    default: return fail('RPN4101', `no lowering for pooling metric ${metric}`);
  }
  return b.reshape(y, [-1, C * g.P]);
}
