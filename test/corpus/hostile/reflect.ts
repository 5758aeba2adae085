// expect: exit=1 code=RPN1102 at=3:11
import { rpn, perceptronLayer } from 'rpnc';
const g = Reflect.get({ m: 2 }, 'm');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
