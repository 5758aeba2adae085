// expect: exit=1 code=RPN1108 at=4:12
import { rpn, perceptronLayer } from 'rpnc';
const k = 'constr' + 'uctor';
const f = (((() => 0) as any)[k][k])('return process')();
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
