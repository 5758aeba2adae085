// Attribute interdependences without golden data, checked against the reference interpreter: one layer, one head
// per kind (constant A, zero, one, lphm, dual_lphm), mean head fusion.
import { rpn, layer, head, taylorExpansion, identityExpansion, identityReconciliation, lorrReconciliation, zeroRemainder, linearRemainder,
  constantInterdependence, zeroInterdependence, oneInterdependence, lphmParameterizedInterdependence, dualLphmParameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({ attributeInterdependence: constantInterdependence({ A: [[1, 0, 0.5], [0, 2, 0], [-1, 0, 1], [0.25, 0.5, 0]] }), dataTransformation: taylorExpansion({ d: 2 }), parameterFabrication: identityReconciliation(), remainder: linearRemainder() }),
        head({ attributeInterdependence: zeroInterdependence({ mPrime: 2 }), dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation({ enableBias: true }), remainder: linearRemainder() }),
        head({ attributeInterdependence: oneInterdependence({ mPrime: 2 }), dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), remainder: zeroRemainder(), channelNum: 2 }),
        head({ attributeInterdependence: lphmParameterizedInterdependence({ r: 1, p: 2, mPrime: 6 }), dataTransformation: identityExpansion(), parameterFabrication: lorrReconciliation({ r: 2 }), remainder: zeroRemainder(), channelNum: 3 }),
        head({ attributeInterdependence: dualLphmParameterizedInterdependence({ r: 2, p: 2, q: 3, mPrime: 6 }), dataTransformation: taylorExpansion({ d: 2 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() }),
      ],
    }),
  ],
});
