// An instance interdependence with b' ≠ b next to a linear remainder: π(X0) keeps b = 4 rows — refused (RPN2111) at bPrime.
import { rpn, layer, head, identityExpansion, identityReconciliation, linearRemainder, parameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          m: 4,
          n: 3,
          dataTransformation: identityExpansion(),
          instanceInterdependence: parameterizedInterdependence({ b: 4, m: 4, interdependenceType: 'instance',
            bPrime: 3 }),
          parameterFabrication: identityReconciliation(),
          remainder: linearRemainder({ requireParameters: true }),
        }),
      ],
    }),
  ],
});
