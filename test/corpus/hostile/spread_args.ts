// expect: exit=1 code=RPN1107 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
const xs = Array.from({ length: 200000 }, (_, i) => i);
const m = Math.max(...xs);
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
