// expect: exit=1 code=RPN2170 at=4:98
// naive_laplace_probabilistic_compression: a compression class tinybig cannot evaluate deterministically / statelessly; rpnc refuses it at the factory call.
import { rpn, layer, head, naiveLaplaceProbabilisticCompression, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: 6, n: 3, heads: [head({ m: 6, n: 3, dataTransformation: naiveLaplaceProbabilisticCompression({ k: 3 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });
