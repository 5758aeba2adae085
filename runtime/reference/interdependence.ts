/**
 * Data-independent attribute interdependences ξ (rpn-semantics §4.1, §11): Xa = X0·A, A ∈ R^{m×m'}.
 *   parameterized:              A = reshape(w, m×m')           (row-major)
 *   lowrank / hm / lphm / dual: A = ψ(w; n = m, D = m')        (the §8 fabrication)
 *   constant(A) / constant_c(c) / zero / one / identity: A given / c·1 / 0 / 1 / eye(m, m')
 */
import type { InterdependenceSpec } from '../../compiler/spec/types.js';
import { matmul, zeros, type Mat } from './matrix.js';
import { fabricate } from './reconciliation.js';

/** A (m×m') for one channel; `w` is that channel's row of w_attribute_interdependence. */
export function interdependenceMatrix(ai: InterdependenceSpec, w: ArrayLike<number> | undefined): Mat {
  const { m, mPrime } = ai;
  const o = ai.options;
  if (ai.l > 0) {
    if (!w || w.length !== ai.l) throw new Error(`reference: ${ai.type} needs a parameter row of length ${ai.l}, got ${w?.length}`);
    if (ai.type === 'parameterized_interdependence') {
      const A = zeros(m, mPrime);
      for (let i = 0; i < m; i++) for (let j = 0; j < mPrime; j++) A.data[i * mPrime + j] = w[i * mPrime + j];
      return A;
    }
    if (!ai.reconciliation) throw new Error(`reference: ${ai.type} has no fabrication`);
    const A = fabricate(ai.reconciliation, w);
    if (A.rows !== m || A.cols !== mPrime) throw new Error(`reference: ${ai.type} fabricated ${A.rows}×${A.cols}, expected ${m}×${mPrime}`);
    return A;
  }
  const A = zeros(m, mPrime);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < mPrime; j++) {
      let v: number;
      switch (ai.type) {
        case 'constant_interdependence':
          v = (o.A as number[][])[i][j];
          break;
        case 'constant_c_interdependence':
          v = o.c as number;
          break;
        case 'zero_interdependence':
          v = 0;
          break;
        case 'one_interdependence':
          v = 1;
          break;
        case 'identity_interdependence':
          v = i === j ? 1 : 0;
          break;
        default:
          throw new Error(`reference: interdependence ${ai.type} is not implemented`);
      }
      A.data[i * mPrime + j] = v;
    }
  return A;
}

/** Xa = X0·A. */
export function attributeInterdependence(ai: InterdependenceSpec, x0: Mat, w: ArrayLike<number> | undefined): Mat {
  if (x0.cols !== ai.m) throw new Error(`reference: ${ai.type} expects ${ai.m} features, got ${x0.cols}`);
  return matmul(x0, interdependenceMatrix(ai, w));
}
