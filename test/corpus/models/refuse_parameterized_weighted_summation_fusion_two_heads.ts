// expect: exit=1 code=RPN2173 at=4:63
// parameterized_weighted_summation_fusion of 2 heads: tinybig's forward asserts one input (AssertionError).
import { rpn, layer, head, parameterizedWeightedSummationFusion, identityExpansion, identityReconciliation } from 'rpnc';
export default rpn({ layers: [layer({ m: 4, n: 4, headFusion: parameterizedWeightedSummationFusion(), heads: [head({ m: 4, n: 4, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation() }), head({ m: 4, n: 4, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation() })] })] });
