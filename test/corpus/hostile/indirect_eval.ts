// expect: exit=1 code=RPN1102 at=3:12
import { rpn, perceptronLayer } from 'rpnc';
const e = [eval][0];
const m: number = e('2');
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
