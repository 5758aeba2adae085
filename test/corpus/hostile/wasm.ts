// expect: exit=1 code=RPN1102 at=3:12
import { rpn, perceptronLayer } from 'rpnc';
const w = (globalThis as any).WebAssembly;
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
