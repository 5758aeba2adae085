// expect: exit=1 code=RPN1005 at=3:16
import { rpn, perceptronLayer } from 'rpnc';
import fs from 'node:fs';
export default rpn({ name: String(fs), layers: [perceptronLayer({ m: 2, n: 2 })] });
