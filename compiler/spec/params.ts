/**
 * Where each parameter of a ModelSpec lives in a tinybig state_dict, and fetching it.
 * Shared by lowering and the reference interpreter: this is plumbing (names and shapes), not math.
 */
import { fail } from '../diagnostics.js';
import { getSpan } from '../spans.js';
import { dataSideCars } from './data-interdependence.js';
import type { ExpansionSpec, FusionSpec, HeadSpec, ModelSpec, ProcessSpec, ReconciliationSpec } from './types.js';

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
  /** One row of `w_attribute_interdependence` (C, l_ai) per channel, when the attribute interdependence has parameters. */
  wAttributeInterdependence?: Float32Array[];
  /** One row of `w_instance_interdependence` (C, l_ii) per channel, when the instance interdependence has parameters. */
  wInstanceInterdependence?: Float32Array[];
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
  const ai = h.attributeInterdependence;
  if (ai?.paramKey && ai.l > 0) {
    const all = ws.get(ai.paramKey, [h.channelNum, ai.l], { requiredBy: `${by.requiredBy}: ${ai.type} (${ai.axis === 'instance' ? `b=${ai.b} → b'=${ai.bPrime}` : `m=${ai.m} → m'=${ai.mPrime}`}, l=${ai.l})` });
    out.wAttributeInterdependence = [];
    for (let c = 0; c < h.channelNum; c++) out.wAttributeInterdependence.push(all.subarray(c * ai.l, (c + 1) * ai.l));
  }
  const ii = h.instanceInterdependence;
  if (ii?.paramKey && ii.l === 0 && ws.has(ii.paramKey)) ws.get(ii.paramKey, [h.channelNum, 0], { requiredBy: `${by.requiredBy}: ${ii.type} (requireParameters: tinybig's empty parameter)` });
  if (ii?.paramKey && ii.l > 0) {
    const all = ws.get(ii.paramKey, [h.channelNum, ii.l], { requiredBy: `${by.requiredBy}: ${ii.type} (b=${ii.b} → b'=${ii.bPrime}, l=${ii.l})` });
    out.wInstanceInterdependence = [];
    for (let c = 0; c < h.channelNum; c++) out.wInstanceInterdependence.push(all.subarray(c * ii.l, (c + 1) * ii.l));
  }
  return out;
}

export function fusionParam(f: FusionSpec, ws: WeightSource): Float32Array | undefined {
  if (!f.paramKey) return undefined;
  return ws.get(f.paramKey, [1, f.l], { requiredBy: `${f.type} (dims [${f.dims.join(', ')}] → n=${f.n}, l=${f.l})` });
}

/**
 * A tensor a reconciliation needs besides its parameter row, under `<rec.prefix><name>`: the random matrices
 * tinybig draws at the first forward and never saves (side-cars, exported like the oracle's extras.safetensors:
 * `<module path>.<attribute>`), or hypernet's lazily created MLP (in the state_dict once tinybig ran a forward).
 */
export interface ReconciliationTensor {
  /** Attribute name under the reconciliation's prefix, e.g. `A`, `mask_matrix`, `net.0.weight`. */
  name: string;
  shape: number[];
  /** How rpnc's --seed initialisation draws it (tinybig: torch.randn / torch.rand(n, D) < p / normal_(0, 1)). */
  init: 'normal' | 'mask';
}

/** The side-car / lazily created tensors of a reconciliation (empty for the deterministic ones). */
export function reconciliationTensors(rec: ReconciliationSpec): ReconciliationTensor[] {
  const { n, D } = rec;
  const o = rec.options;
  const r = o.r as number;
  switch (rec.type) {
    case 'masking_reconciliation':
      return [{ name: 'mask_matrix', shape: [n, D], init: 'mask' }];
    case 'random_matrix_adaption_reconciliation':
      return [{ name: 'A', shape: [n, r], init: 'normal' }, { name: 'B', shape: [D, r], init: 'normal' }];
    case 'random_matrix_hypernet_reconciliation': {
      const h = o.hiddenDim as number;
      return [
        { name: 'P', shape: [rec.l, r], init: 'normal' },
        { name: 'Q', shape: [h, r], init: 'normal' },
        { name: 'S', shape: [h, r], init: 'normal' },
        { name: 'T', shape: [n * D, r], init: 'normal' },
      ];
    }
    case 'hypernet_reconciliation': {
      const h = o.hiddenDim as number;
      return [
        { name: 'net.0.weight', shape: [h, rec.l], init: 'normal' },
        { name: 'net.0.bias', shape: [h], init: 'normal' },
        { name: 'net.2.weight', shape: [n * D, h], init: 'normal' },
        { name: 'net.2.bias', shape: [n * D], init: 'normal' },
      ];
    }
    default:
      return [];
  }
}

/**
 * Fetch a reconciliation's side-car tensors (by attribute name). All missing ones are reported together
 * (RPN3106), at the reconciliation's source location when known, with why tinybig's state_dict lacks them.
 */
export function reconciliationExtras(rec: ReconciliationSpec, ws: WeightSource): Record<string, Float32Array> {
  const wanted = reconciliationTensors(rec);
  const out: Record<string, Float32Array> = {};
  if (!wanted.length) return out;
  const where = rec.prefix.replace(/\.$/, '');
  const missing = wanted.filter((t) => !ws.has(rec.prefix + t.name));
  if (missing.length) {
    const list = missing.map((t) => `'${rec.prefix}${t.name}' [${t.shape.join(',')}]`).join(', ');
    const from = (ws as { source?: string }).source ?? 'the weights';
    const lazy = rec.type === 'hypernet_reconciliation';
    fail(
      'RPN3106',
      lazy
        ? `${rec.type} at ${where} (n=${rec.n}, D=${rec.D}, l=${rec.l}) needs its hypernet MLP, missing from ${from}: ${list}. tinybig creates this MLP lazily at the first forward, so a state_dict saved before any forward does not contain it`
        : `${rec.type} at ${where} (n=${rec.n}, D=${rec.D}) needs side-car tensors missing from ${from}: ${list}. tinybig draws ${missing.length === 1 ? 'this tensor' : 'these tensors'} from the global RNG at the first forward and does not save ${missing.length === 1 ? 'it' : 'them'} in the state_dict, so the checkpoint alone does not determine the model`,
      {
        span: getSpan(rec.source),
        hint: lazy
          ? 'run one forward pass in tinybig before saving the state_dict (then it contains parameter_fabrication.net.*), and pass that checkpoint'
          : `export ${missing.length === 1 ? 'it' : 'them'} from the live tinybig model after its first forward, named '<module path>.<attribute>' like the oracle's extras.safetensors (e.g. '${rec.prefix}${missing[0].name}'), and pass that file as another --weights`,
      },
    );
  }
  const by = { requiredBy: `${rec.type} at ${where} (n=${rec.n}, D=${rec.D})` };
  for (const t of wanted) out[t.name] = ws.get(rec.prefix + t.name, t.shape, by);
  return out;
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
export type ManifestInit = 'xavier' | 'zeros' | ReconciliationTensor['init'];
export function parameterManifest(spec: ModelSpec): { key: string; shape: number[]; init: ManifestInit; p?: number }[] {
  const out: { key: string; shape: number[]; init: ManifestInit; p?: number }[] = [];
  const seen = new Set<string>();
  const add = (key: string, shape: number[], init: ManifestInit, p?: number) => {
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p === undefined ? { key, shape, init } : { key, shape, init, p });
    }
  };
  // side-car / lazily created tensors of random reconciliations (masking: keep probability p)
  const sideCars = (rec: ReconciliationSpec | undefined) => {
    if (rec) for (const t of reconciliationTensors(rec)) add(rec.prefix + t.name, t.shape, t.init, t.init === 'mask' ? (rec.options.p as number) : undefined);
  };
  for (const layer of spec.layers) {
    if (layer.headFusion?.paramKey) add(layer.headFusion.paramKey, [1, layer.headFusion.l], 'xavier');
    sideCars(layer.headFusion?.reconciliation);
    for (const h of layer.heads) {
      if (h.reconciliation && h.reconciliation.l > 0) {
        add(`${h.prefix}w`, [h.channelNum, h.reconciliation.l], 'xavier');
        if (h.bias) add(`${h.prefix}b`, [h.n], 'zeros');
      }
      if (h.remainder.weight) add(`${h.prefix}w_remainder`, [h.n, h.m], 'xavier');
      if (h.remainder.bias) add(`${h.prefix}b_remainder`, [h.n], 'zeros');
      if (h.channelFusion?.paramKey) add(h.channelFusion.paramKey, [1, h.channelFusion.l], 'xavier');
      if (h.attributeInterdependence?.paramKey) add(h.attributeInterdependence.paramKey, [h.channelNum, h.attributeInterdependence.l], 'xavier');
      if (h.instanceInterdependence?.paramKey) add(h.instanceInterdependence.paramKey, [h.channelNum, h.instanceInterdependence.l], 'xavier');
      sideCars(h.reconciliation);
      sideCars(h.channelFusion?.reconciliation);
      for (const s of [h.attributeInterdependence, h.instanceInterdependence]) {
        // data-dependent interdependences (issue 13): the bilinear RMA's A, B; a frozen A (requireData: false)
        sideCars(s?.data ? s.reconciliation : undefined);
        for (const mem of s?.data?.members ?? []) sideCars(mem.reconciliation);
        for (const t of dataSideCars(s)) add(t.key, t.shape, 'normal');
      }
      // linear_compression's pre_C / post_C given as side-cars (plain tensor attributes in tinybig): N(0, 1) under --seed
      const walk = (e: ExpansionSpec) => {
        const o = e.options;
        if (e.type === 'linear_compression' && (o.c === undefined || o.c === null)) {
          if (o.preC === 'sidecar') add(`${e.prefix}pre_C`, [o.b as number, o.b as number], 'normal');
          else if ((o.preC === undefined || o.preC === null) && o.postC === 'sidecar') add(`${e.prefix}post_C`, [e.m, e.m], 'normal');
        }
        e.children.forEach(walk);
      };
      walk(h.expansion);
    }
  }
  return out;
}
