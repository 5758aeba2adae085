/**
 * Layers and models (rpn-semantics §5, §6): a layer runs every head on the same input and fuses the
 * heads' outputs (head fusion; a single head without fusion is passed through); a model runs its
 * layers in sequence. Shared heads (`[head] * width`) all read the weights under `heads.0.`, which the
 * spec already gives them as their prefix, so each is simply run. rnn's per-step layers run every step as a
 * row; its output layer first takes the mean over the steps (rpn2-topological §5).
 */
import { fusionParam, type WeightSource } from '../../compiler/spec/params.js';
import type { LayerSpec, ModelSpec } from '../../compiler/spec/types.js';
import { fuse } from './fusion.js';
import { runHead } from './head.js';
import { runGridHead } from './grid.js';
import { zeros, type Mat } from './matrix.js';

export function runLayer(layer: LayerSpec, x: Mat, ws: WeightSource): Mat {
  const input = layer.steps ? perStep(x, layer.steps) : layer.stepMean ? meanOverSteps(x, layer.stepMean) : x;
  const outputs = layer.heads.map((h) => (h.grid ? runGridHead(h, input, ws) : runHead(h, input, ws)));
  const y = layer.headFusion ? fuse(layer.headFusion, outputs, fusionParam(layer.headFusion, ws), ws) : outputs[0];
  return layer.steps ? { rows: x.rows, cols: y.cols * layer.steps, data: y.data } : y;
}

/** rnn's per-step layers: a row of L steps becomes L rows (row-major, step-major rows). */
function perStep(x: Mat, L: number): Mat {
  return { rows: x.rows * L, cols: x.cols / L, data: x.data };
}

/** rnn's output layer: the mean over the L steps of each row. */
function meanOverSteps(x: Mat, L: number): Mat {
  const m = x.cols / L;
  const out = zeros(x.rows, m);
  for (let r = 0; r < x.rows; r++)
    for (let t = 0; t < L; t++) for (let j = 0; j < m; j++) out.data[r * m + j] += x.data[r * x.cols + t * m + j] / L;
  return out;
}

export function runModel(spec: ModelSpec, x: Mat, ws: WeightSource): Mat {
  let y = x;
  for (const layer of spec.layers) y = runLayer(layer, y, ws);
  return y;
}
