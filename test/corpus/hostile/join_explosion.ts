// expect: exit=1 code=RPN1104 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const a = Array.from({ length: 1000 }, () => 'x'.repeat(9000));
const s = a.concat(a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a).join('');
export default rpn({ name: s, layers: [perceptronLayer({ m: 2, n: 2 })] });
