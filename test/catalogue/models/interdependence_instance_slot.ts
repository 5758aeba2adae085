// An attribute-type function (the default interdependenceType) in the instanceInterdependence slot — refused (RPN2002).
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, parameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 3,
      heads: [
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: parameterizedInterdependence({ b: 4 }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
