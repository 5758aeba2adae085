// expect: exit=1 code=RPN1101 at=4:11
import { rpn, perceptronLayer } from 'rpnc';
const tag = (s: TemplateStringsArray) => s.length;
const m = tag`x`;
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
