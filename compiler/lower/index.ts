/**
 * Lowering: ModelSpec + weights -> IR graph. Input `x` (batch, m) float32, output `y` (batch, n).
 * One module per component family; this file only wires layers together.
 */
import { GraphBuilder } from '../../ir/builder.js';
import type { Graph, Value } from '../../ir/graph.js';
import { fusionParam, type WeightSource } from '../spec/params.js';
import type { ModelSpec } from '../spec/types.js';
import { lowerFusion } from './fusion.js';
import { lowerHead } from './head.js';
import { lowerGridHead } from './grid.js';

import { setLowerOptions } from './cost.js';

export { fabricationPlan, type FabricationChoice } from './cost.js';

export const INPUT_NAME = 'x';
export const OUTPUT_NAME = 'y';

/** Choices the lowering makes by cost (see the fabrication strategy). */
export interface LowerOptions {
  /** false = `--no-opt`: always the plain dense fabrication. */
  opt?: boolean;
  optimize?: 'speed' | 'size';
  batchHint?: number;
  /** Use this form wherever it applies, whatever the cost (tests of every factored lowering). */
  force?: import('./cost.js').FabricationForm;
  /** Use this form for chain step mixing / graph row mixing wherever it applies (tests of every form). */
  mixForm?: 'dense' | 'sparse' | 'banded';
  /** Largest dense tensor (float32 values): a dense chain/graph mixing matrix is only chosen when L² or N² fits. Default: compiler/spec/limits.ts sizeLimits(). */
  maxParams?: number;
}

export function lowerModel(spec: ModelSpec, ws: WeightSource, opts: LowerOptions = {}): Graph {
  const b = new GraphBuilder();
  setLowerOptions(b, opts); // expansion forms (cost.ts expansionForm)
  let x: Value = b.input(INPUT_NAME, [spec.batch ?? 'batch', spec.m]); // an instance interdependence fixes the batch
  // node names: layers.<i>/heads.<j>/<component>[<type>]/Op_N (Graph.scope; rpnc profile, check --intermediates)
  spec.layers.forEach((layer, li) => b.scoped(`layers.${li}`, () => {
    // rnn: per-step layers see (batch·L, m_step) rows; the output layer sees the mean over the L steps
    const L = layer.steps ?? layer.stepMean;
    const input = layer.steps ? b.reshape(x, [-1, layer.m / L!]) : layer.stepMean ? b.reduceMean(b.reshape(x, [-1, L!, layer.m / L!]), [1], false) : x;
    const heads = layer.heads.map((h, hi) => b.scoped(`heads.${hi}`, () => (h.grid ? lowerGridHead(b, input, h, ws) : lowerHead(b, input, h, ws, opts))));
    x = layer.headFusion ? lowerFusion(b, heads, layer.headFusion, fusionParam(layer.headFusion, ws), ws) : heads[0];
    if (layer.steps) x = b.reshape(x, [-1, layer.n]);
  }));
  b.output(x, OUTPUT_NAME);
  return b.graph;
}
