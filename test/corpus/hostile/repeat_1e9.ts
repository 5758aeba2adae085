// expect: exit=1 code=RPN1107 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const s = 'x'.repeat(1e9);
export default rpn({ name: s, layers: [perceptronLayer({ m: 2, n: 2 })] });
