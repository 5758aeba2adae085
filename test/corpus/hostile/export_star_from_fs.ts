// expect: exit=1 code=RPN1005 at=3:15
import { rpn, perceptronLayer } from 'rpnc';
export * from 'node:fs';
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
