// expect: exit=1 code=RPN2172 at=4:98
// tsne_manifold_compression: a compression class tinybig cannot evaluate deterministically / statelessly; rpnc refuses it at the factory call.
import { rpn, layer, head, tsneManifoldCompression, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: 6, n: 3, heads: [head({ m: 6, n: 3, dataTransformation: tsneManifoldCompression({ D: 3, perplexity: 2 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });
