// expect: exit=1 code=RPN1005 at=3:26
import { rpn, perceptronLayer } from 'rpnc';
import { execSync } from 'child_process';
export default rpn({ name: String(execSync), layers: [perceptronLayer({ m: 2, n: 2 })] });
