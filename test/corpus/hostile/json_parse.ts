// expect: exit=1 code=RPN1102 at=3:13
import { rpn, perceptronLayer } from 'rpnc';
const cfg = JSON.parse('{"m": 2}');
export default rpn({ layers: [perceptronLayer({ m: cfg.m, n: 2 })] });
