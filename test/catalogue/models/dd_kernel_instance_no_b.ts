// An instance-type kernel without b: tinybig asserts A is b×b (b = None fails).
import { rpn, layer, head, identityExpansion, identityReconciliation, zeroRemainder, gaussianRbfKernelInterdependence } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 4,
      n: 3,
      heads: [
        head({
          instanceInterdependence: gaussianRbfKernelInterdependence({ interdependenceType: 'instance' }),
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation(),
          remainder: zeroRemainder(),
        }),
      ],
    }),
  ],
});
