// expect: exit=1 code=RPN1005 at=3:22
import { rpn, perceptronLayer } from 'rpnc';
import { make } from '../../../compiler/dsl/component.ts';
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
