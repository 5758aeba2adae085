// expect: exit=1 code=RPN1108 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
const o: any = {};
const p = o.__proto__;
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
