// expect: exit=1 code=RPN1101 at=3:37
import { rpn, perceptronLayer } from 'rpnc';
const load = (name: string): any => import(name);
const m = load('node:child_process');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
