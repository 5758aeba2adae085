// expect: exit=1 code=RPN1107 at=5:52
import { rpn, mlp, kan, cnn, layer, head, perceptronLayer, perceptronHead, identityExpansion, taylorExpansion, bsplineExpansion, fourierExpansion, gaussianRbfExpansion, nestedExpansion, extendedExpansion, combinatorialExpansion, combinatorialNormalExpansion, harrWaveletExpansion, betaWaveletExpansion, identityReconciliation, lorrReconciliation, hmReconciliation, duplicatedPaddingReconciliation, duplicatedDiagonalPaddingReconciliation, maskingReconciliation, hypernetReconciliation, zeroRemainder, identityRemainder, linearRemainder, relu, softmax, batchNorm1d, layerNorm, concatenationFusion, weightedSummationFusion, meanFusion, constantInterdependence, parameterizedInterdependence, gridInterdependenceLayer, gridCompressionLayer, gridInterdependenceHead } from 'rpnc';
const dims = [8, 4];
const d: any = dims[5];
export default rpn({ layers: [perceptronLayer({ m: d.value, n: 2 })] });
