// A kernel-based instance interdependence without a kernel name (tinybig takes a Python callable) — refused (RPN2150), the component named.
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 3,
      n: 3,
      heads: [
        head({
          dataTransformation: identityExpansion(),
          instanceInterdependence: { kind: 'interdependence', type: 'numerical_kernel_based_interdependence', options: { b: 4, m: 3, interdependenceType: 'instance' } },
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
