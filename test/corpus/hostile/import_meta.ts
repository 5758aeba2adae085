// expect: exit=1 code=RPN1101 at=3:23
import { rpn, perceptronLayer } from 'rpnc';
const here: unknown = import.meta;
export default rpn({ name: String(here), layers: [perceptronLayer({ m: 2, n: 2 })] });
