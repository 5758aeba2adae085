// expect: exit=1 code=RPN1101 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
declare const setTimeout: any;
const t = setTimeout(() => 0, 0);
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
