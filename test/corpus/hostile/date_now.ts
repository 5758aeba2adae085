// expect: exit=1 code=RPN1102 at=3:14
import { rpn, perceptronLayer } from 'rpnc';
const seed = Date.now();
export default rpn({ name: String(seed), layers: [perceptronLayer({ m: 2, n: 2 })] });
