// Instance interdependences without golden data (ORT vs reference): constant A' (4×3, then 3 rows), constant_c, zero
// and hm (2 channels) in a 2-layer model; a fixed batch of 4 rows in, 3 rows out.
import { rpn, layer, head, taylorExpansion, identityExpansion, identityReconciliation, zeroRemainder, linearRemainder,
  constantInterdependence, constantCInterdependence, hmParameterizedInterdependence, lphmParameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 3,
      heads: [
        head({
          dataTransformation: taylorExpansion({ d: 2 }),
          instanceInterdependence: constantInterdependence({ b: 4, interdependenceType: 'instance', A: [[1, 0, 0.5], [0, 2, 0], [-1, 0, 0], [0.25, 0.5, 1]] }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
        head({
          channelNum: 2,
          dataTransformation: identityExpansion(),
          instanceInterdependence: hmParameterizedInterdependence({ b: 4, bPrime: 3, p: 2, q: 1, interdependenceType: 'instance_interdependence' }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
        head({
          attributeInterdependence: constantCInterdependence({ b: 4, bPrime: 3, c: 0.5, interdependenceType: 'left' }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
    layer({
      m: 3,
      n: 2,
      heads: [
        head({
          channelNum: 3,
          dataTransformation: taylorExpansion({ d: 2 }),
          instanceInterdependence: lphmParameterizedInterdependence({ b: 3, r: 1, p: 3, q: 1, interdependenceType: 'instance' }),
          parameterFabrication: identityReconciliation(),
          remainder: linearRemainder({ requireParameters: true }),
        }),
      ],
    }),
  ],
});
