// hm_parameterized_interdependence with p not dividing m — refused (RPN2104).
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, hmParameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          attributeInterdependence: hmParameterizedInterdependence({ p: 3, mPrime: 3 }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
