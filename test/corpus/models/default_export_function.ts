// expect: exit=1 code=RPN1107 at=3:1
import { rpn, mlp, kan, cnn, layer, head, perceptronLayer, perceptronHead, identityExpansion, taylorExpansion, bsplineExpansion, fourierExpansion, gaussianRbfExpansion, nestedExpansion, extendedExpansion, combinatorialExpansion, combinatorialNormalExpansion, harrWaveletExpansion, betaWaveletExpansion, identityReconciliation, lorrReconciliation, hmReconciliation, duplicatedPaddingReconciliation, duplicatedDiagonalPaddingReconciliation, maskingReconciliation, hypernetReconciliation, zeroRemainder, identityRemainder, linearRemainder, relu, softmax, batchNorm1d, layerNorm, concatenationFusion, weightedSummationFusion, meanFusion, constantInterdependence, parameterizedInterdependence, gridInterdependenceLayer, gridCompressionLayer, gridInterdependenceHead } from 'rpnc';
export default function model() {
  return rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
}
