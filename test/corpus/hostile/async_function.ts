// expect: exit=1 code=RPN1101 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const f = async () => 2;
const p = f();
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
