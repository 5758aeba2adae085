/**
 * One RPN head (rpn-semantics §4.1), x (b×m) → b×outWidth:
 *
 *   X0  = F_in(x)
 *   K_c = κ(X0·A_c)                               (A_c: attribute interdependence, identity if none;
 *                                                  recomputed per channel, the same K when A has no parameters)
 *   K_c = A'_cᵀ·K_c                               (A'_c ∈ R^{b×b'}: instance interdependence, if any)
 *   Y_c = K · ψ(w_c)ᵀ + b     for c = 0 … C−1     (b is added in every channel; no ψ → Y_c = K)
 *   Y   = channel_fusion(Y_0 … Y_{C−1})           (only when the spec has one; else Y_0)
 *   Y   = Y + π(X0)                               (nothing for zero / no remainder)
 *   out = F_out(Y)
 *
 * Chain heads (rpn2-topological §4.1) run the same per step and mix the steps of κ with their chain A; graph heads
 * mix the node rows of κ with A (Aᵀ·K), GAT heads with the attention Â computed from the head input (§6.3).
 */
import { headParams, reconciliationExtras, type WeightSource } from '../../compiler/spec/params.js';
import type { HeadSpec } from '../../compiler/spec/types.js';
import { expand } from './expansion.js';
import { fuse } from './fusion.js';
import { attributeInterdependence, instanceInterdependence } from './interdependence.js';
import { add, linear, zeros, type Mat } from './matrix.js';
import { graphAttention, mixRows, topologyA } from './topology.js';
import { applyProcessList } from './processing.js';
import { fabricate } from './reconciliation.js';
import { remainder } from './remainder.js';

export function runHead(h: HeadSpec, x: Mat, ws: WeightSource): Mat {
  if (x.cols !== (h.steps ?? 1) * h.m) throw new Error(`reference: head ${h.prefix} expects ${(h.steps ?? 1) * h.m} input features, got ${x.cols}`);
  const params = headParams(h, ws);
  let x0 = applyProcessList(h.inputProcess, x, ws);
  if (h.steps) x0 = { rows: x0.rows * h.steps, cols: h.m, data: x0.data }; // chain head: one row per step (row-major view)

  const extras = h.reconciliation ? reconciliationExtras(h.reconciliation, ws) : {}; // side-cars (random matrices, …)
  const channels: Mat[] = [];
  for (let c = 0; c < h.channelNum; c++) {
    const ai = h.attributeInterdependence;
    const xa = ai ? attributeInterdependence(ai, x0, params.wAttributeInterdependence?.[c], ws) : x0;
    const ii = h.instanceInterdependence;
    let kappa = expand(h.expansion, xa, ws);
    if (h.stepInterdependence) kappa = mixSteps(topologyA(h.stepInterdependence.topology!), kappa, h.steps!);
    else if (ii?.type === 'graph_bilinear_interdependence') {
      const Wb = fabricate(ii.reconciliation!, params.wInstanceInterdependence![c], {}); // m×m
      kappa = mixRows(graphAttention(topologyA(ii.topology!), x0, Wb), kappa);
    } else if (ii?.topology) kappa = mixRows(topologyA(ii.topology), kappa);
    else if (ii) kappa = instanceInterdependence(ii, kappa, params.wInstanceInterdependence?.[c], x0, ws);
    if (!h.reconciliation) {
      channels.push(kappa);
      continue;
    }
    const W = fabricate(h.reconciliation, params.w[c], extras); // n×D, recomputed per channel
    channels.push(linear(kappa, W, params.b));
  }

  let y = h.channelFusion ? fuse(h.channelFusion, channels, params.wChannelFusion, ws) : channels[0];
  const pi = remainder(h.remainder, x0, params, ws);
  if (pi) y = add(y, pi);
  if (h.steps) y = { rows: y.rows / h.steps, cols: y.cols * h.steps, data: y.data }; // back to L·n per sequence
  return applyProcessList(h.outputProcess, y, ws);
}

/** Chain head: rows are (sequence, step) pairs; Ξ[(r, t)] = Σ_s A[s, t]·K[(r, s)] within each sequence r. */
function mixSteps(A: Mat, k: Mat, L: number): Mat {
  const out = zeros(k.rows, k.cols);
  for (let r = 0; r < k.rows / L; r++)
    for (let t = 0; t < L; t++)
      for (let s = 0; s < L; s++) {
        const a = A.data[s * L + t];
        if (a !== 0) for (let j = 0; j < k.cols; j++) out.data[(r * L + t) * k.cols + j] += a * k.data[(r * L + s) * k.cols + j];
      }
  return out;
}
