// expect: exit=1 code=RPN1101 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
const o = { m: 2 };
const p = Object.assign(o, { n: 3 });
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
