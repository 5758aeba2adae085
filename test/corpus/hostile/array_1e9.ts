// expect: exit=1 code=RPN1107 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const a = Array(1e9);
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
