// expect: exit=1 code=RPN2172 at=4:98
// mds_manifold_compression: a compression class tinybig cannot evaluate deterministically / statelessly; rpnc refuses it at the factory call.
import { rpn, layer, head, mdsManifoldCompression, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: 6, n: 3, heads: [head({ m: 6, n: 3, dataTransformation: mdsManifoldCompression({ D: 3 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });
