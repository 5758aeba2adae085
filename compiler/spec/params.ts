/**
 * Where each parameter of a ModelSpec lives in a tinybig state_dict, and fetching it.
 * Shared by lowering and the reference interpreter: this is plumbing (names and shapes), not math.
 */
import type { FusionSpec, HeadSpec, ModelSpec, ProcessSpec } from './types.js';

/** The read side of a weights store (see compiler/weights/store.ts). */
export interface WeightSource {
  has(key: string): boolean;
  /** Returns the tensor's data; throws a diagnostic when missing or of another shape. */
  get(key: string, shape: number[], opts: { requiredBy: string }): Float32Array;
}

export interface HeadParams {
  /** One row of length l per channel (empty when the reconciliation has no parameters). */
  w: Float32Array[];
  b?: Float32Array;
  /** (n, m), row-major. */
  wRemainder?: Float32Array;
  bRemainder?: Float32Array;
  /** (1, l) parameter of a parameterized channel fusion. */
  wChannelFusion?: Float32Array;
}

export function describeHead(h: HeadSpec): string {
  const rec = h.reconciliation ? `${h.reconciliation.type}, n=${h.n}, D=${h.D} → l=${h.reconciliation.l}` : 'no reconciliation';
  return `head ${h.prefix.replace(/\.$/, '') || '(root)'} (${h.expansion.type}, ${rec}${h.channelNum > 1 ? `, ${h.channelNum} channels` : ''})`;
}

export function headParams(h: HeadSpec, ws: WeightSource): HeadParams {
  const by = { requiredBy: describeHead(h) };
  const out: HeadParams = { w: [] };
  const rec = h.reconciliation;
  if (rec && rec.l > 0) {
    const all = ws.get(`${h.prefix}w`, [h.channelNum, rec.l], by);
    for (let c = 0; c < h.channelNum; c++) out.w.push(all.subarray(c * rec.l, (c + 1) * rec.l));
    if (h.bias) out.b = ws.get(`${h.prefix}b`, [h.n], by);
  }
  if (h.remainder.weight) {
    out.wRemainder = ws.get(`${h.prefix}w_remainder`, [h.n, h.m], { requiredBy: `${by.requiredBy}: linear_remainder` });
    if (h.remainder.bias) out.bRemainder = ws.get(`${h.prefix}b_remainder`, [h.n], { requiredBy: `${by.requiredBy}: linear_remainder(enableBias)` });
  }
  if (h.channelFusion?.paramKey) out.wChannelFusion = fusionParam(h.channelFusion, ws);
  return out;
}

export function fusionParam(f: FusionSpec, ws: WeightSource): Float32Array | undefined {
  if (!f.paramKey) return undefined;
  return ws.get(f.paramKey, [1, f.l], { requiredBy: `${f.type} (dims [${f.dims.join(', ')}] → n=${f.n}, l=${f.l})` });
}

export interface BatchNormParams {
  /** 'eval': running statistics and affine from the checkpoint; 'batch': tinybig's list-held BatchNorm (batch statistics, γ=1, β=0). */
  mode: 'eval' | 'batch';
  runningMean?: Float32Array;
  runningVar?: Float32Array;
  weight?: Float32Array;
  bias?: Float32Array;
  eps: number;
}

/** BatchNorm semantics are decided by the weights: running stats present → eval; absent → batch statistics. */
export function batchNormParams(p: ProcessSpec, ws: WeightSource): BatchNormParams {
  const eps = p.options.eps as number;
  const k = (s: string) => `${p.prefix}${s}`;
  if (!ws.has(k('running_mean')) && !ws.has(k('running_var'))) return { mode: 'batch', eps };
  const by = { requiredBy: `BatchNorm1d(${p.width}) at ${p.prefix.replace(/\.$/, '')}` };
  const shape = [p.width];
  return {
    mode: 'eval',
    eps,
    runningMean: ws.get(k('running_mean'), shape, by),
    runningVar: ws.get(k('running_var'), shape, by),
    weight: ws.has(k('weight')) ? ws.get(k('weight'), shape, by) : undefined,
    bias: ws.has(k('bias')) ? ws.get(k('bias'), shape, by) : undefined,
  };
}

/** LayerNorm affine from the checkpoint when present (tinybig's list-held LayerNorm has none: γ=1, β=0). */
export function layerNormParams(p: ProcessSpec, ws: WeightSource): { weight?: Float32Array; bias?: Float32Array; eps: number } {
  const k = (s: string) => `${p.prefix}${s}`;
  const by = { requiredBy: `LayerNorm(${p.width}) at ${p.prefix.replace(/\.$/, '')}` };
  return {
    eps: p.options.eps as number,
    weight: ws.has(k('weight')) ? ws.get(k('weight'), [p.width], by) : undefined,
    bias: ws.has(k('bias')) ? ws.get(k('bias'), [p.width], by) : undefined,
  };
}

/** Every (key, shape) the model reads from a checkpoint, for `--seed` initialisation and unused-key checks. */
export function parameterManifest(spec: ModelSpec): { key: string; shape: number[]; init: 'xavier' | 'zeros' }[] {
  const out: { key: string; shape: number[]; init: 'xavier' | 'zeros' }[] = [];
  const seen = new Set<string>();
  const add = (key: string, shape: number[], init: 'xavier' | 'zeros') => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ key, shape, init });
    }
  };
  for (const layer of spec.layers) {
    if (layer.headFusion?.paramKey) add(layer.headFusion.paramKey, [1, layer.headFusion.l], 'xavier');
    for (const h of layer.heads) {
      if (h.reconciliation && h.reconciliation.l > 0) {
        add(`${h.prefix}w`, [h.channelNum, h.reconciliation.l], 'xavier');
        if (h.bias) add(`${h.prefix}b`, [h.n], 'zeros');
      }
      if (h.remainder.weight) add(`${h.prefix}w_remainder`, [h.n, h.m], 'xavier');
      if (h.remainder.bias) add(`${h.prefix}b_remainder`, [h.n], 'zeros');
      if (h.channelFusion?.paramKey) add(h.channelFusion.paramKey, [1, h.channelFusion.l], 'xavier');
    }
  }
  return out;
}
