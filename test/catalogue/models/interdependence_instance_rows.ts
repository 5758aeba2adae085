// One head takes 4 rows to 3, its sibling keeps 4 rows: the head fusion cannot add them — refused (RPN2111) at bPrime.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, oneInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 3,
      heads: [
        head({
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: oneInterdependence({ b: 4, interdependenceType: 'instance',
            bPrime: 3 }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
