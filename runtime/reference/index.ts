/**
 * The reference interpreter: evaluates a ModelSpec and its weights directly from the RPN math
 * (docs: /work/shared/spec/rpn-semantics.md), with naive float64 loops. It is the oracle that the
 * compiled ONNX graphs are checked against, so it shares no code with the compiler's lowering:
 * it reads only the spec (compiler/spec/types.ts) and the parameter plumbing (compiler/spec/params.ts).
 *
 * Where each component's math lives:
 *   expansion.ts       κ   data expansions
 *   reconciliation.ts  ψ   parameter reconciliations (w → W, n×D)
 *   remainder.ts       π   remainders
 *   interdependence.ts ξ   data-independent attribute interdependences (X0 → X0·A)
 *   fusion.ts              channel / head fusions
 *   processing.ts          activation, normalisation, softmax … (processing slots)
 *   head.ts                one head
 *   model.ts               layers and models
 */
import type { WeightSource } from '../../compiler/spec/params.js';
import type { ModelSpec } from '../../compiler/spec/types.js';
import { fromFloat32 } from './matrix.js';
import { runModel } from './model.js';

/** A row-major float32 matrix: rows = batch, cols = features. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

/**
 * Evaluate `spec` on `input` (b×m) with the parameters in `weights`; returns b×n.
 * `extras` (tinybig's non-state_dict tensors: random matrices, masks, … — the oracle's extras.safetensors)
 * is searched after `weights` for the side-car tensors of random reconciliations (B-spline knots and RBF
 * centres are recomputed from the options). `weights` may also hold them itself.
 */
export function runReference(spec: ModelSpec, weights: WeightSource, input: Matrix, extras?: WeightSource): Matrix {
  if (input.cols !== spec.m) throw new Error(`reference: the model expects ${spec.m} input features, got ${input.cols}`);
  const ws: WeightSource = extras
    ? {
        has: (k) => weights.has(k) || extras.has(k),
        get: (k, shape, opts) => (weights.has(k) || !extras.has(k) ? weights.get(k, shape, opts) : extras.get(k, shape, opts)),
      }
    : weights;
  const y = runModel(spec, fromFloat32(input.rows, input.cols, input.data), ws);
  if (y.cols !== spec.n) throw new Error(`reference: the model produced ${y.cols} features, spec says n = ${spec.n}`);
  return { rows: y.rows, cols: y.cols, data: Float32Array.from(y.data) };
}

export { runHead } from './head.js';
export { runLayer, runModel } from './model.js';
export { expand } from './expansion.js';
export { fabricate } from './reconciliation.js';
export { remainder } from './remainder.js';
export { fuse } from './fusion.js';
export { applyProcess, applyProcessList } from './processing.js';
export type { Mat } from './matrix.js';
