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
 */
import { headParams, reconciliationExtras, type WeightSource } from '../../compiler/spec/params.js';
import type { HeadSpec } from '../../compiler/spec/types.js';
import { expand } from './expansion.js';
import { fuse } from './fusion.js';
import { attributeInterdependence, instanceInterdependence } from './interdependence.js';
import { add, linear, type Mat } from './matrix.js';
import { applyProcessList } from './processing.js';
import { fabricate } from './reconciliation.js';
import { remainder } from './remainder.js';

export function runHead(h: HeadSpec, x: Mat, ws: WeightSource): Mat {
  if (x.cols !== h.m) throw new Error(`reference: head ${h.prefix} expects ${h.m} input features, got ${x.cols}`);
  const params = headParams(h, ws);
  const x0 = applyProcessList(h.inputProcess, x, ws);

  const extras = h.reconciliation ? reconciliationExtras(h.reconciliation, ws) : {}; // side-cars (random matrices, …)
  const channels: Mat[] = [];
  for (let c = 0; c < h.channelNum; c++) {
    const ai = h.attributeInterdependence;
    const xa = ai ? attributeInterdependence(ai, x0, params.wAttributeInterdependence?.[c], ws) : x0;
    const ii = h.instanceInterdependence;
    const kappa = ii ? instanceInterdependence(ii, expand(h.expansion, xa, ws), params.wInstanceInterdependence?.[c], x0, ws) : expand(h.expansion, xa, ws);
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
  return applyProcessList(h.outputProcess, y, ws);
}
