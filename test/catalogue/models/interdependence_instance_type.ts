// An attribute slot holding an instance-type interdependence — refused (RPN2002) at interdependenceType.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, parameterizedInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          m: 4,
          n: 3,
          attributeInterdependence: parameterizedInterdependence({ b: 8, m: 4, bPrime: 8,
            interdependenceType: 'row' }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
