/**
 * Data-independent interdependences ξ (rpn-semantics §4.1, §11).
 * Attribute axis: Xa = X0·A, A ∈ R^{m×m'}. Instance axis: A' ∈ R^{b×b'} mixes rows, ξ = A'ᵀ·data
 * (data = X0 in the attribute slot, K_c = κ(…) in the instance slot); (d, d') = (m, m') or (b, b'):
 *   parameterized:              A = reshape(w, d×d')           (row-major)
 *   lowrank / hm / lphm / dual: A = ψ(w; n = d, D = d')        (the §8 fabrication)
 *   constant(A) / constant_c(c) / zero / one / identity: A given / c·1 / 0 / 1 / eye(d, d')
 */
import { topologyA } from './topology.js';
import type { InterdependenceSpec } from '../../compiler/spec/types.js';
import type { WeightSource } from '../../compiler/spec/params.js';
import { applyDataInterdependence } from './bilinear.js';
import { matmul, zeros, type Mat } from './matrix.js';
import { fabricate } from './reconciliation.js';
import { geometricAttribute, geometricInstance } from './geometric.js';

/** A (m×m', or b×b' for the instance axis) for one channel; `w` is that channel's row of w_attribute_interdependence / w_instance_interdependence. */
export function interdependenceMatrix(ai: InterdependenceSpec, w: ArrayLike<number> | undefined): Mat {
  const m = ai.axis === 'instance' ? ai.b! : ai.m;
  const mPrime = ai.axis === 'instance' ? ai.bPrime! : ai.mPrime;
  const o = ai.options;
  if (ai.topology) return topologyA(ai.topology); // chain / graph structure (rpn2-topological §3)
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

/** The attribute slot: Xa = X0·A, or A'ᵀ·X0 for an instance-type function there. */
export function attributeInterdependence(ai: InterdependenceSpec, x0: Mat, w: ArrayLike<number> | undefined, ws?: WeightSource): Mat {
  if (ai.data) return applyDataInterdependence(ai, x0, x0, w, ws!); // A from X0 at run time (issue 13)
  if (ai.axis === 'instance') return instanceInterdependence(ai, x0, w);
  if (ai.geometric) return geometricAttribute(ai.geometric, x0);
  if (x0.cols !== ai.m) throw new Error(`reference: ${ai.type} expects ${ai.m} features, got ${x0.cols}`);
  return matmul(x0, interdependenceMatrix(ai, w));
}

/** Instance axis: out[i][j] = Σ_r A'[r][i]·data[r][j], b rows → b' rows. */
export function instanceInterdependence(ii: InterdependenceSpec, data: Mat, w: ArrayLike<number> | undefined, x0?: Mat, ws?: WeightSource): Mat {
  if (ii.data) return applyDataInterdependence(ii, x0!, data, w, ws!); // A from X0, not from κ (issue 13)
  if (ii.geometric) return geometricInstance(ii.geometric, data);
  const b = ii.b!;
  const bPrime = ii.bPrime!;
  if (data.rows !== b) throw new Error(`reference: ${ii.type} mixes a batch of exactly b = ${b} rows, got ${data.rows}`);
  const A = interdependenceMatrix(ii, w);
  const out = zeros(bPrime, data.cols);
  for (let i = 0; i < bPrime; i++)
    for (let j = 0; j < data.cols; j++) {
      let s = 0;
      for (let r = 0; r < b; r++) s += A.data[r * bPrime + i] * data.data[r * data.cols + j];
      out.data[i * data.cols + j] = s;
    }
  return out;
}
