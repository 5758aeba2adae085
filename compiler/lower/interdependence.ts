/**
 * Lowering of data-independent interdependences ξ (rpn-semantics §4.1, §11) to IR:
 * attribute axis: A_c (m, m') for channel c, applied as Xa_c = X0·A_c;
 * instance axis:  A'_c (b, b'), applied to the rows as A'_cᵀ·X0 (attribute slot) or Xi_c = A'_cᵀ·K_c (instance slot).
 * A_c reads only constants (the channel's parameter row, or the options), so constant folding turns it into one
 * dense matrix (and Transpose(A') into A'ᵀ).
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s, tensor } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import type { InterdependenceSpec } from '../spec/types.js';
import type { WeightSource } from '../spec/params.js';
import { lowerDataMatrix } from './bilinear.js';
import { lowerReconciliation } from './reconciliation.js';
import { denseFloat32, topologyMatrix } from '../spec/topology.js';
import { lowerGeometricAttribute, lowerGeometricInstance } from './geometric.js';

/** A_c ∈ R^{m×m'} (A'_c ∈ R^{b×b'} for the instance axis); `w` is the channel's parameter row (parameterized types only). */
export function lowerInterdependenceMatrix(b: GraphBuilder, ai: InterdependenceSpec, w: Float32Array | undefined, name: string): Value {
  const [m, mPrime] = ai.axis === 'instance' ? [ai.b!, ai.bPrime!] : [ai.m, ai.mPrime];
  const o = ai.options;
  if (ai.reconciliation) {
    if (!w) return fail('RPN4102', `${ai.type} needs its parameter row`);
    // ψ(w; n = m, D = m') (n = b, D = b' for the instance axis): plain parameterized_interdependence is identity_reconciliation (a row-major reshape)
    return lowerReconciliation(b, b.constant(float32s([...w], [1, ai.l]), name), ai.reconciliation);
  }
  const filled = (f: (i: number, j: number) => number): Value => {
    const t = tensor('float32', [m, mPrime]);
    for (let i = 0; i < m; i++) for (let j = 0; j < mPrime; j++) (t.data as Float32Array)[i * mPrime + j] = f(i, j);
    return b.constant(t, name);
  };
  if (ai.topology) {
    const A = denseFloat32(topologyMatrix(ai.topology)); // chain / graph: a constant of the structure
    return filled((i, j) => A[i * mPrime + j]);
  }
  switch (ai.type) {
    case 'constant_interdependence': {
      const A = o.A as number[][];
      return filled((i, j) => A[i][j]);
    }
    case 'constant_c_interdependence':
      return filled(() => o.c as number);
    case 'zero_interdependence':
      return filled(() => 0);
    case 'one_interdependence':
      return filled(() => 1);
    case 'identity_interdependence':
      return filled((i, j) => (i === j ? 1 : 0));
    default:
      return fail('RPN4101', `no lowering for interdependence ${ai.type}`);
  }
}

/** Attribute axis: Xa = X0·A (batch, m) → (batch, m'). Instance axis (in the attribute slot): A'ᵀ·X0 (b, m) → (b', m). */
export function lowerAttributeInterdependence(b: GraphBuilder, x0: Value, ai: InterdependenceSpec, w: Float32Array | undefined, name: string, ws?: WeightSource): Value {
  if (ai.axis === 'instance') return lowerInstanceInterdependence(b, x0, ai, w, name, x0, ws);
  return b.scoped(`interdependence[${ai.type}]`, () => {
    if (ai.data) return b.matmul(x0, lowerDataMatrix(b, x0, ai, w, name, ws!)); // A from X0 at run time (issue 13)
    if (ai.geometric) return lowerGeometricAttribute(b, x0, ai.geometric, `${name.replace(/w_attribute_interdependence(\.\d+)?$/, '')}attribute_interdependence.`);
    return b.matmul(x0, lowerInterdependenceMatrix(b, ai, w, name));
  });
}

/** Instance axis: A'ᵀ·data, (b, k) → (b', k): mixes the rows of the batch (data = K_c in the instance slot). */
export function lowerInstanceInterdependence(b: GraphBuilder, data: Value, ii: InterdependenceSpec, w: Float32Array | undefined, name: string, x0?: Value, ws?: WeightSource): Value {
  return b.scoped(`interdependence[${ii.type}]`, () => {
    // data-dependent (issue 13): A is computed from X0 (not from κ), Xi = Aᵀ·data
    if (ii.data) {
      const A = lowerDataMatrix(b, x0!, ii, w, name, ws!);
      return ii.axis === 'instance' ? b.matmul(b.transpose(A, [1, 0]), data) : b.matmul(data, A); // attribute type in the instance slot: κ·A (D = m)
    }
    if (ii.geometric) return lowerGeometricInstance(b, data, ii.geometric, `${name.replace(/w_(attribute|instance)_interdependence(\.\d+)?$/, '')}${ii.geometric.grid.matrixKey.replace(/A$/, '')}`);
    return b.matmul(b.transpose(lowerInterdependenceMatrix(b, ii, w, name), [1, 0]), data);
  });
}
