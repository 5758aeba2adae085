/**
 * Data-dependent interdependence matrices (spec rpn2-bilinear-kernel §2–§8), naive:
 *   Z = X0 (attribute axis) or X0ᵀ (instance axis); Z ← preprocess(Z)
 *   bilinear  A = Zᵀ·W·Z, W = ψ(w; d, d)             kernel  A = kernel(Z) (kernel.ts)
 *   hybrid    A = fusion(A_1 … A_K), w split in member order, then the fusion's slice
 *   rpn       A = κ'(Zᵀ)·ψ'(w)ᵀ
 *   A ← postprocess(A) (Softmax dim 0: each column sums to 1)
 *   attention (the bilinear head): T = √n·A; masked = (T == 0); P[:, j] = softmax of column j of T with masked
 *             entries −1e9; then masked entries of P set to 0
 *   requireData: false: A is the side-car `…_interdependence.A`.
 */
import { reconciliationExtras, type WeightSource } from '../../compiler/spec/params.js';
import { frozenA } from '../../compiler/spec/data-interdependence.js';
import type { InterdependenceSpec, ProcessSpec } from '../../compiler/spec/types.js';
import { expand } from './expansion.js';
import { fuse } from './fusion.js';
import { kernelMatrix } from './kernel.js';
import { fromFloat32, zeros, type Mat } from './matrix.js';
import { applyProcess } from './processing.js';
import { fabricate } from './reconciliation.js';

function transpose(a: Mat): Mat {
  const out = zeros(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j];
  return out;
}

function mul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) throw new Error(`reference: ${a.rows}×${a.cols} · ${b.rows}×${b.cols}`);
  const out = zeros(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let k = 0; k < a.cols; k++) s += a.data[i * a.cols + k] * b.data[k * b.cols + j];
      out.data[i * b.cols + j] = s;
    }
  return out;
}

/** Softmax over each column (dim 0). */
function softmaxColumns(a: Mat, log: boolean): Mat {
  const out = zeros(a.rows, a.cols);
  for (let j = 0; j < a.cols; j++) {
    let mx = -Infinity;
    for (let i = 0; i < a.rows; i++) mx = Math.max(mx, a.data[i * a.cols + j]);
    let s = 0;
    for (let i = 0; i < a.rows; i++) s += Math.exp(a.data[i * a.cols + j] - mx);
    for (let i = 0; i < a.rows; i++) {
      const v = a.data[i * a.cols + j] - mx;
      out.data[i * a.cols + j] = log ? v - Math.log(s) : Math.exp(v) / s;
    }
  }
  return out;
}

function processMatrix(list: ProcessSpec[], a: Mat, ws: WeightSource): Mat {
  for (const p of list) {
    const dim = p.options.dim;
    a = (p.type === 'Softmax' || p.type === 'LogSoftmax') && (dim === 0 || dim === -2) ? softmaxColumns(a, p.type === 'LogSoftmax') : applyProcess(p, a, ws);
  }
  return a;
}

/** A for one channel (`w` = its parameter row) from the head's X0. */
export function dataMatrix(s: InterdependenceSpec, x0: Mat, w: ArrayLike<number> | undefined, ws: WeightSource): Mat {
  const d = s.data!;
  if (d.frozenKey) {
    const { k, data } = frozenA(s, ws);
    return fromFloat32(k, k, data);
  }
  return fromZ(s, s.axis === 'instance' ? transpose(x0) : x0, w, ws);
}

function fromZ(s: InterdependenceSpec, z0: Mat, w: ArrayLike<number> | undefined, ws: WeightSource): Mat {
  const d = s.data!;
  const z = processMatrix(d.pre, z0, ws);
  let A: Mat;
  if (d.family === 'kernel') {
    if (d.kernels) {
      A = zeros(z.cols, z.cols);
      for (const k of d.kernels) {
        const K = kernelMatrix(z, k.kernel, {});
        for (let i = 0; i < A.data.length; i++) A.data[i] += k.weight * K.data[i];
      }
    } else A = kernelMatrix(z, d.kernel!, d.kernelOptions ?? {});
  } else if (d.family === 'bilinear') {
    if (!w || w.length !== s.l) throw new Error(`reference: ${s.type} needs a parameter row of length ${s.l}`);
    const W = fabricate(s.reconciliation!, w, reconciliationExtras(s.reconciliation!, ws));
    A = mul(mul(transpose(z), W), z);
  } else if (d.family === 'rpn') {
    if (!w || w.length !== s.l) throw new Error(`reference: ${s.type} needs a parameter row of length ${s.l}`);
    const W = fabricate(s.reconciliation!, w, reconciliationExtras(s.reconciliation!, ws));
    A = mul(expand(d.expansion!, transpose(z), ws), transpose(W));
  } else {
    const parts: Mat[] = [];
    let off = 0;
    for (const mem of d.members!) {
      parts.push(fromZ(mem, z, mem.l > 0 ? Array.from(w!).slice(off, off + mem.l) : undefined, ws));
      off += mem.l;
    }
    const fl = d.fusion!.l;
    A = fuse(d.fusion!, parts, fl > 0 ? Float32Array.from(Array.from(w!).slice(off, off + fl)) : undefined, ws);
  }
  A = processMatrix(d.post, A, ws);
  if (d.attention) {
    const T = zeros(A.rows, A.cols);
    for (let i = 0; i < A.data.length; i++) T.data[i] = d.attention.rescale * A.data[i];
    const masked = (i: number) => T.data[i] === 0;
    const P = softmaxColumns({ ...T, data: T.data.map((v, i) => (masked(i) ? -1e9 : v)) }, false);
    if (d.attention.maskZeros) for (let i = 0; i < P.data.length; i++) if (masked(i)) P.data[i] = 0;
    A = P;
  }
  return A;
}

/** The slots' products: attribute axis X0·A; instance axis Aᵀ·data (data = X0 or κ); A always from X0. */
export function applyDataInterdependence(s: InterdependenceSpec, x0: Mat, data: Mat, w: ArrayLike<number> | undefined, ws: WeightSource): Mat {
  const A = dataMatrix(s, x0, w, ws);
  return s.axis === 'instance' ? mul(transpose(A), data) : mul(data, A);
}
