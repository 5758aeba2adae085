// expect: exit=1 code=RPN1101 at=3:18
import { rpn, perceptronLayer } from 'rpnc';
const o = { ...{ get m() { return 2; } } };
export default rpn({ layers: [perceptronLayer({ m: o.m, n: 2 })] });
