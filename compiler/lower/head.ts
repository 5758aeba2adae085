/**
 * Lowering of one RPN head (§4.1):
 *   X0 = F_in(X);  Y_c = κ(X0·A_c)·ψ(w_c)ᵀ + b  (per channel);  Y = fuse_c(Y_c) + π(X0);  F_out(Y)
 * κ·ψ(w)ᵀ is applied in the fabrication form cost.ts chooses (dense W or a factored form).
 * A_c: the attribute interdependence (absent = identity); κ is per channel only when A_c has parameters.
 * A'_c: the instance interdependence, Xi_c = A'_cᵀ·κ(…) mixes the b rows into b' (the model then has a fixed batch).
 * Chain heads (h.steps = L) run per step on (batch·L, m) rows and mix the steps (lower/chain.ts); chain/graph A over
 * the rows and GAT attention are applied by lower/graph.ts, on κ or on κ·ψ(w)ᵀ, whichever is narrower.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { headParams, reconciliationExtras, type WeightSource } from '../spec/params.js';
import type { HeadSpec } from '../spec/types.js';
import { chooseForm } from './cost.js';
import type { LowerOptions } from './index.js';
import { lowerExpansion } from './expansion.js';
import { lowerFusion } from './fusion.js';
import { lowerAttributeInterdependence, lowerInstanceInterdependence } from './interdependence.js';
import { lowerProcessList } from './processing.js';
import { applyReconciliation } from './reconciliation.js';
import { lowerRemainder } from './remainder.js';
import { lowerStepMix } from './chain.js';
import { lowerGraphAttention, lowerGraphMix } from './graph.js';
import { GRAPH_BILINEAR } from '../spec/topological.js';

/** Chain steps / graph rows are mixed after κ·ψ(w)ᵀ when that is narrower (n < D), else on κ (the two commute). */
export function mixesAfterProduct(h: HeadSpec): boolean {
  return !!h.reconciliation && h.n < h.D;
}

/** Processing functions that act on each value alone (the same on a step row as on the whole sequence row). */
const ELEMENTWISE = new Set(['Identity', 'Dropout', 'ReLU', 'Sigmoid', 'Tanh', 'exp', 'SiLU', 'GELU', 'LeakyReLU', 'ELU', 'CELU', 'Softplus']);

export function lowerHead(b: GraphBuilder, x: Value, h: HeadSpec, ws: WeightSource, opts: LowerOptions = {}): Value {
  const params = headParams(h, ws);
  let x0 = lowerProcessList(b, x, h.inputProcess, ws);
  if (h.steps) x0 = b.reshape(x0, [-1, h.m]); // chain head: every step is a row (batch·L, m)
  const ai = h.attributeInterdependence;
  const ii = h.instanceInterdependence; // Xi_c = A'_cᵀ·K_c (b → b' rows)
  const perChannel = (!!ai && ai.l > 0) || (!!ii && ii.l > 0);
  const aiName = (c: number) => (h.channelNum > 1 && perChannel ? `${h.prefix}w_attribute_interdependence.${c}` : `${h.prefix}w_attribute_interdependence`);
  const iiName = (c: number) => (h.channelNum > 1 && perChannel ? `${h.prefix}w_instance_interdependence.${c}` : `${h.prefix}w_instance_interdependence`);
  // Chain steps and graph rows are mixed by a linear map that commutes with κ·ψ(w)ᵀ: applied where the data is narrower.
  const mixing = h.stepInterdependence ?? (ii?.topology ? ii : undefined);
  const mixerOf = (c: number): ((v: Value, width: number) => Value) | undefined => {
    if (!mixing) return undefined;
    if (h.stepInterdependence) return (v, width) => lowerStepMix(b, v, mixing, width, `${h.prefix}instance_interdependence`, opts);
    if (mixing.type === GRAPH_BILINEAR) return lowerGraphAttention(b, x0, mixing, params.wInstanceInterdependence![c], iiName(c));
    return (v, width) => lowerGraphMix(b, v, mixing, width, `${h.prefix}instance_interdependence`, opts);
  };
  // a data-dependent A (issue 13) mixes b rows: (Aᵀ·K)·Wᵀ = Aᵀ·(K·Wᵀ), cheaper after ψ when D > n (Q5)
  const late = !!ii?.data && ii.axis === 'instance' && !!h.reconciliation && h.D > h.n;
  const mixData = (v: Value, c: number): Value => lowerInstanceInterdependence(b, v, ii!, params.wInstanceInterdependence?.[c], iiName(c), x0, ws);
  const kappaOf = (c: number): Value => {
    const k = lowerExpansion(b, ai ? lowerAttributeInterdependence(b, x0, ai, params.wAttributeInterdependence?.[c], aiName(c), ws) : x0, h.expansion, ws);
    return ii && !mixing && !late ? mixData(k, c) : k;
  };
  const shared = perChannel ? undefined : kappaOf(0);
  const bias = params.b ? b.constant(float32s([...params.b]), `${h.prefix}b`) : undefined;
  const extras = h.reconciliation ? reconciliationExtras(h.reconciliation, ws) : {};
  const form = h.reconciliation ? chooseForm(h.reconciliation, opts) : undefined; // cost.ts
  const mixAfter = mixesAfterProduct(h);
  let sharedMixed: Value | undefined;
  const channels: Value[] = [];
  for (let c = 0; c < h.channelNum; c++) {
    const mix = mixerOf(mixing?.type === GRAPH_BILINEAR ? c : 0);
    let kappa = shared ?? kappaOf(c);
    if (mix && !mixAfter) kappa = shared && mixing?.type !== GRAPH_BILINEAR ? (sharedMixed ??= mix(shared, h.D)) : mix(kappa, h.D);
    if (!h.reconciliation) {
      channels.push(kappa);
      continue;
    }
    const name = h.channelNum > 1 ? `${h.prefix}w.${c}` : `${h.prefix}w`;
    const w = h.reconciliation.l > 0 ? b.constant(float32s([...params.w[c]], [1, h.reconciliation.l]), name) : undefined;
    let y = applyReconciliation(b, kappa, w, h.reconciliation, extras, form!, h.prefix, h.channelNum > 1 ? `.${c}` : '');
    if (mix && mixAfter) y = mix(y, h.n);
    if (late) y = mixData(y, c);
    if (bias) y = b.add(y, bias);
    channels.push(y);
  }
  let y = h.channelFusion ? lowerFusion(b, channels, h.channelFusion, params.wChannelFusion, ws) : channels[0];
  const pi = lowerRemainder(b, x0, h.remainder, params, h.prefix, ws);
  if (pi) y = b.add(y, pi);
  if (!h.steps) return lowerProcessList(b, y, h.outputProcess, ws);
  // chain head: element-wise functions run on the step rows (so ORT can fuse them into the Gemm), then back to one
  // row of L·n per sequence for the rest (tinybig's Softmax spans the whole row)
  const k = h.outputProcess.findIndex((p) => !ELEMENTWISE.has(p.type));
  const stepWise = k < 0 ? h.outputProcess : h.outputProcess.slice(0, k);
  y = b.reshape(lowerProcessList(b, y, stepWise, ws), [-1, h.outWidth]);
  return lowerProcessList(b, y, h.outputProcess.slice(stepWise.length), ws);
}
