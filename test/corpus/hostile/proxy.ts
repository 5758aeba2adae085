// expect: exit=1 code=RPN1101 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const p = new Proxy({}, { get: () => 2 });
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
