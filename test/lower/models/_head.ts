// One-head, one-layer model builder for the fabrication tests (identity κ unless given, no remainder).
import { rpn, layer, head, identityExpansion, zeroRemainder } from 'rpnc';
import type { Expansion, Fusion, Reconciliation } from 'rpnc';

export function single(m: number, n: number, rec: Reconciliation, extra: { exp?: Expansion; channelNum?: number; channelFusion?: Fusion } = {}) {
  return rpn({
    layers: [
      layer({
        m,
        n,
        heads: [head({ m, n, dataTransformation: extra.exp ?? identityExpansion(), parameterFabrication: rec, remainder: zeroRemainder(), channelNum: extra.channelNum, channelFusion: extra.channelFusion })],
      }),
    ],
  });
}
