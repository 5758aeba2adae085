// expect: exit=1 code=RPN1003 at=4:173
import { rpn, layer, perceptronHead, lphmParameterizedConcatenationFusion } from 'rpnc';
// tinybig's lphm_parameterized_concatenation_fusion(r, p, q=None) has no default for r or p
export default rpn({ layers: [layer({ m: 4, n: 4, heads: [perceptronHead({ m: 4, n: 4 }), perceptronHead({ m: 4, n: 4 })], headFusion: lphmParameterizedConcatenationFusion({ p: 2 }) })] });
