// expect: exit=1 code=RPN1005 at=2:22
/// <reference path="/etc/passwd" />
import { rpn, perceptronLayer } from 'rpnc';
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
