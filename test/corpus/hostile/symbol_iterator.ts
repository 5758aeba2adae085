// expect: exit=1 code=RPN1102 at=3:12
import { rpn, perceptronLayer } from 'rpnc';
const it = Symbol.iterator;
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
