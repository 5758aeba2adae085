// expect: exit=1 code=RPN1104 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
const a = Array.from({ length: 5000 }, (_, i) => i);
const b = a.flatMap(() => a);
const c = [...b, ...b];
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
