/**
 * Lowering of the data-dependent interdependence matrices (spec rpn2-bilinear-kernel §2–§8): A is computed from X0
 * at run time. Z = X0 (attribute axis) or X0ᵀ (instance axis), then the function's preprocess list on Z, then
 *   bilinear: A = Zᵀ·W·Z, W = ψ(w; d, d) folded at compile time (RMA: with its side-car A, B)
 *   kernel:   A = kernel(Z)                                   (compiler/lower/kernel.ts)
 *   hybrid:   A = fusion(A_1, …, A_K) of the members on the hybrid's Z, w split in member order, then the fusion's
 *   rpn:      A = κ'(Zᵀ)·ψ'(w)ᵀ
 * then the postprocess list on A (a Softmax may run over dim 0), then the bilinear head's attention (§8.2):
 *   T = √n·A;  M = (T == 0);  P = softmax(Where(M, −1e9, T), axis 0);  P = Where(M, 0, P).
 * requireData: false freezes A to the side-car `…_interdependence.A`.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import { reconciliationExtras, type WeightSource } from '../spec/params.js';
import { frozenA } from '../spec/data-interdependence.js';
import type { InterdependenceSpec, ProcessSpec } from '../spec/types.js';
import { lowerExpansion } from './expansion.js';
import { lowerFusion } from './fusion.js';
import { lowerKernel } from './kernel.js';
import { lowerProcess } from './processing.js';
import { lowerReconciliation } from './reconciliation.js';

/** A processing list on a matrix (Z or A): Softmax / LogSoftmax over dim 0 are column-wise. */
function lowerMatrixProcess(b: GraphBuilder, x: Value, list: ProcessSpec[], ws: WeightSource): Value {
  for (const p of list) {
    const dim = p.options.dim;
    if ((p.type === 'Softmax' || p.type === 'LogSoftmax') && (dim === 0 || dim === -2)) x = p.type === 'Softmax' ? b.softmax(x, 0) : b.logSoftmax(x, 0);
    else x = lowerProcess(b, x, p, ws);
  }
  return x;
}

/** The side of A (columns of Z): m for the attribute axis, b for the instance axis. */
const sideOf = (s: InterdependenceSpec, z: Value): number => {
  const c = z.shape[1];
  return typeof c === 'number' ? c : s.axis === 'instance' ? s.b ?? fail('RPN4101', `${s.type}: the batch is not fixed`) : s.m;
};

/** A of one data-dependent interdependence from X0; `w` = its channel's parameter row (l > 0). */
export function lowerDataMatrix(b: GraphBuilder, x0: Value, s: InterdependenceSpec, w: Float32Array | undefined, name: string, ws: WeightSource): Value {
  const d = s.data!;
  if (d.frozenKey) {
    const { k, data } = frozenA(s, ws);
    return b.constant(float32s([...data], [k, k]), d.frozenKey);
  }
  const z = s.axis === 'instance' ? b.transpose(x0, [1, 0]) : x0;
  return matrixFromZ(b, z, s, w, name, ws);
}

function matrixFromZ(b: GraphBuilder, z0: Value, s: InterdependenceSpec, w: Float32Array | undefined, name: string, ws: WeightSource): Value {
  const d = s.data!;
  const z = lowerMatrixProcess(b, z0, d.pre, ws);
  let A: Value;
  switch (d.family) {
    case 'kernel':
      if (d.kernels) {
        const parts = d.kernels.map((k) => b.mul(lowerKernel(b, z, k.kernel, defaults(k.kernel), sideOf(s, z)), k.weight));
        A = parts.reduce((acc, p) => b.add(acc, p));
      } else A = lowerKernel(b, z, d.kernel!, d.kernelOptions ?? {}, sideOf(s, z));
      break;
    case 'bilinear': {
      if (s.reconciliation!.type === 'lorr_reconciliation') {
        // W = P·Q (P d×r, Q r×d, lorr's row-major split of w): A = (Zᵀ·P)·(Q·Z), never the d×d W (Q5: O(c·d·r))
        const [dd, r] = [s.reconciliation!.n, s.reconciliation!.options.r as number];
        if (!w || w.length !== s.l) return fail('RPN4102', `${s.type} needs its parameter row of length ${s.l}`);
        const P = b.constant(float32s([...w.subarray(0, dd * r)], [dd, r]), `${name}.lorr_P`);
        const Q = b.constant(float32s([...w.subarray(dd * r, 2 * dd * r)], [r, dd]), `${name}.lorr_Q`);
        A = b.matmul(b.matmul(b.transpose(z, [1, 0]), P), b.matmul(Q, z));
        break;
      }
      const W = lowerReconciliation(b, wRow(b, s, w, name), s.reconciliation!, reconciliationExtras(s.reconciliation!, ws));
      A = b.matmul(b.matmul(b.transpose(z, [1, 0]), W), z); // Zᵀ·W·Z
      break;
    }
    case 'rpn': {
      const k = lowerExpansion(b, b.transpose(z, [1, 0]), d.expansion!, ws); // κ'(Zᵀ)
      const W = lowerReconciliation(b, wRow(b, s, w, name), s.reconciliation!, reconciliationExtras(s.reconciliation!, ws));
      A = b.matmul(k, b.transpose(W, [1, 0]));
      break;
    }
    case 'hybrid': {
      let off = 0;
      const slice = (l: number): Float32Array | undefined => {
        const part = l > 0 ? w!.subarray(off, off + l) : undefined;
        off += l;
        return part;
      };
      const mats = d.members!.map((mem, q) => matrixFromZ(b, z, mem, slice(mem.l), `${name}.member${q}`, ws));
      A = lowerFusion(b, mats, d.fusion!, slice(d.fusion!.l), ws);
      break;
    }
    default:
      return fail('RPN4101', `no lowering for interdependence ${s.type}`);
  }
  A = lowerMatrixProcess(b, A, d.post, ws);
  if (d.attention) {
    const T = b.mul(A, d.attention.rescale);
    const M = b.equal(T, 0);
    const P = b.softmax(b.where(M, -1e9, T), 0);
    A = d.attention.maskZeros ? b.where(M, 0, P) : P;
  }
  return A;
}

function wRow(b: GraphBuilder, s: InterdependenceSpec, w: Float32Array | undefined, name: string): Value {
  if (!w || w.length !== s.l) return fail('RPN4102', `${s.type} needs its parameter row of length ${s.l}`);
  return b.constant(float32s([...w], [1, s.l]), name);
}

/** Hyper-parameters a koala kernel gets when custom_hybrid calls it with Z only. */
function defaults(kernel: string): Record<string, unknown> {
  return { c: 0, d: 1, alpha: 1, gamma: 1, sigma: 1, aScalar: 1, kernel };
}
