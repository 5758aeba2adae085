// Layer 0 takes the batch of 4 rows to 3; layer 1's instance interdependence expects b = 4 — refused (RPN2111) at its b.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, parameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 3,
      heads: [
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: parameterizedInterdependence({ b: 4, bPrime: 3, interdependenceType: 'instance' }),
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
          dataTransformation: identityExpansion(),
          instanceInterdependence: parameterizedInterdependence({ interdependenceType: 'instance',
            b: 4 }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
