// Two heads of one layer see the same rows but their instance interdependences disagree on b — refused (RPN2111) at the second b.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, identityInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: identityInterdependence({ b: 4, interdependenceType: 'instance' }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: identityInterdependence({ interdependenceType: 'instance',
            b: 8 }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
