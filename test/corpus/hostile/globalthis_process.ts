// expect: exit=1 code=RPN1102 at=3:12
import { rpn, perceptronLayer } from 'rpnc';
const p = (globalThis as any)['process'];
const m: number = p.exit(0);
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
