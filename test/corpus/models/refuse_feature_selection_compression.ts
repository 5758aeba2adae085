// expect: exit=1 code=RPN2171 at=4:98
// feature_selection_compression: a compression class tinybig cannot evaluate deterministically / statelessly; rpnc refuses it at the factory call.
import { rpn, layer, head, featureSelectionCompression, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: 6, n: 3, heads: [head({ m: 6, n: 3, dataTransformation: featureSelectionCompression({ D: 3 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });
