// expect: exit=1 code=RPN1003 at=3:12
import { rpn, perceptronLayer } from 'rpnc';
const fs = require('node:fs');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
