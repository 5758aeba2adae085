// An instance interdependence (A' ∈ R^{b×b'}) ties the model to one batch size — refused (RPN2002).
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, identityInterdependence } from 'rpnc';

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
          instanceInterdependence: identityInterdependence({ b: 8, m: 4, interdependenceType: 'instance' }),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
