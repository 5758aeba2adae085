// expect: exit=1 code=RPN1102 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const o = Object.defineProperty({}, 'm', { get: () => 2 });
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
