// expect: exit=1 code=RPN1005 at=3:1
import { rpn, perceptronLayer } from 'rpnc';
import cp = require('child_process');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
