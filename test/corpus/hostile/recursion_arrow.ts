// expect: exit=1 code=RPN1105 at=3:34
import { rpn, perceptronLayer } from 'rpnc';
const f = (k: number): number => f(k) + 1;
export default rpn({ layers: [perceptronLayer({ m: f(0), n: 2 })] });
