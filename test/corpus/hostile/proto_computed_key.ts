// expect: exit=1 code=RPN1108 at=3:20
import { rpn, perceptronLayer } from 'rpnc';
const polluted = { ['__pro' + 'to__']: { polluted: true } };
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
