// expect: exit=1 code=RPN2172 at=4:98
// spectral_embedding_manifold_compression: a compression class tinybig cannot evaluate deterministically / statelessly; rpnc refuses it at the factory call.
import { rpn, layer, head, spectralEmbeddingManifoldCompression, identityReconciliation, zeroRemainder } from 'rpnc';
export default rpn({ layers: [layer({ m: 6, n: 3, heads: [head({ m: 6, n: 3, dataTransformation: spectralEmbeddingManifoldCompression({ D: 3 }), parameterFabrication: identityReconciliation(), remainder: zeroRemainder() })] })] });
