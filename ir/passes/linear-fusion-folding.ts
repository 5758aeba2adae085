/**
 * linear-fusion-folding: a sum, mean or weighted sum of heads or channels that are linear in the
 * same input becomes one MatMul with the combined constant:
 *
 *   (MatMul(x, W1) + b1 + MatMul(x, W2) + b2) / 2   →   MatMul(x, (W1 + W2)/2) + (b1 + b2)/2
 *
 * A term in a part of another term's Concat input (Taylor's [x, x⊗x] next to a linear head or a
 * linear remainder on x) is absorbed into the rows of that term's weight. Scalar scales (mean,
 * average and weighted-summation fusion) and constant biases are folded; the shared bias of all
 * channels becomes one Add. See affine-form.ts for the analysis.
 */
import type { Graph } from '../graph.js';
import { foldAffineForms } from './affine-form.js';
import type { Pass } from './pass.js';

export function linearFusionFolding(): Pass {
  return {
    name: 'linear-fusion-folding',
    run: (graph: Graph): boolean => foldAffineForms(graph, { sums: true, columnScale: false }, true),
  };
}
