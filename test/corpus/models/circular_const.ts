// expect: exit=1 code=RPN1106 at=5:10
import { rpn, mlp, kan, cnn, layer, head, perceptronLayer, perceptronHead, identityExpansion, taylorExpansion, bsplineExpansion, fourierExpansion, gaussianRbfExpansion, nestedExpansion, extendedExpansion, combinatorialExpansion, combinatorialNormalExpansion, harrWaveletExpansion, betaWaveletExpansion, identityReconciliation, lorrReconciliation, hmReconciliation, duplicatedPaddingReconciliation, duplicatedDiagonalPaddingReconciliation, maskingReconciliation, hypernetReconciliation, zeroRemainder, identityRemainder, linearRemainder, relu, softmax, batchNorm1d, layerNorm, concatenationFusion, weightedSummationFusion, meanFusion, constantInterdependence, parameterizedInterdependence, gridInterdependenceLayer, gridCompressionLayer, gridInterdependenceHead } from 'rpnc';
const a: number = twice();
function twice(): number {
  return a * 2;
}
export default rpn({ layers: [perceptronLayer({ m: a, n: 2 })] });
