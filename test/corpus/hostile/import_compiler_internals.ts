// expect: exit=1 code=RPN1005
import { rpn, perceptronLayer } from 'rpnc';
import { compileFile } from '../../../compiler/compile.ts';
export default rpn({ name: String(compileFile), layers: [perceptronLayer({ m: 2, n: 2 })] });
