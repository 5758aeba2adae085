// expect: exit=1 code=RPN2171 at=4:98
// incremental_PCA_based_compression: a compression class tinybig cannot evaluate deterministically / statelessly; rpnc refuses it at the factory call.
import { rpn, layer, head, incrementalPCABasedCompression, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: 6, n: 3, heads: [head({ m: 6, n: 3, dataTransformation: incrementalPCABasedCompression({ D: 3 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });
