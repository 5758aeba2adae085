/**
 * Layers and models (rpn-semantics §5, §6): a layer runs every head on the same input and fuses the
 * heads' outputs (head fusion; a single head without fusion is passed through); a model runs its
 * layers in sequence. Shared heads (`[head] * width`) all read the weights under `heads.0.`, which the
 * spec already gives them as their prefix, so each is simply run.
 */
import { fusionParam, type WeightSource } from '../../compiler/spec/params.js';
import type { LayerSpec, ModelSpec } from '../../compiler/spec/types.js';
import { fuse } from './fusion.js';
import { runHead } from './head.js';
import { runGridHead } from './grid.js';
import type { Mat } from './matrix.js';

export function runLayer(layer: LayerSpec, x: Mat, ws: WeightSource): Mat {
  const outputs = layer.heads.map((h) => (h.grid ? runGridHead(h, x, ws) : runHead(h, x, ws)));
  if (!layer.headFusion) return outputs[0];
  return fuse(layer.headFusion, outputs, fusionParam(layer.headFusion, ws), ws);
}

export function runModel(spec: ModelSpec, x: Mat, ws: WeightSource): Mat {
  let y = x;
  for (const layer of spec.layers) y = runLayer(layer, y, ws);
  return y;
}
