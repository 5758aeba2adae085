// expect: exit=1 code=RPN1107 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const a = Array.from({ length: 1e9 }, (_, i) => i);
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
