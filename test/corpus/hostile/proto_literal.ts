// expect: exit=1 code=RPN1108 at=3:16
import { rpn, perceptronLayer } from 'rpnc';
const evil = { __proto__: { m: 2 } } as any;
export default rpn({ layers: [perceptronLayer({ m: evil.m, n: 2 })] });
