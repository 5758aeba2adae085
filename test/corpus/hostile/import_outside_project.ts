// expect: exit=1 code=RPN1007 at=3:19
import { rpn, perceptronLayer } from 'rpnc';
import { k } from '../../../../tmp/rpnc-outside.ts';
export default rpn({ layers: [perceptronLayer({ m: k, n: 2 })] });
