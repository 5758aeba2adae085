// Two layers: Taylor κ (d=2) feeding an hm head, then a lorr head; multi-layer data flow through factored forms.
import { rpn, layer, head, taylorExpansion, identityExpansion, hmReconciliation, lorrReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({ m: 8, n: 36, heads: [head({ m: 8, n: 36, dataTransformation: taylorExpansion({ d: 2 }), parameterFabrication: hmReconciliation({ p: 6, q: 12, enableBias: true }), remainder: zeroRemainder() })] }),
    layer({ m: 36, n: 5, heads: [head({ m: 36, n: 5, dataTransformation: identityExpansion(), parameterFabrication: lorrReconciliation({ r: 2 }), remainder: zeroRemainder() })] }),
  ],
});
