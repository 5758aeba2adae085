// expect: exit=1 code=RPN1102 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const m = Math.random() < 2 ? 2 : 3;
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
