// expect: exit=1 code=RPN1103 at=3:1
import { rpn, perceptronLayer } from 'rpnc';
let m = 2;
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
