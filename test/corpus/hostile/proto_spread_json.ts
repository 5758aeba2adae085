// expect: exit=1 code=RPN1102 at=3:16
import { rpn, perceptronLayer } from 'rpnc';
const o = { ...JSON.parse('{"__proto__": {"m": 2}}') };
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
