// expect: exit=1 code=RPN1101 at=4:23
import { rpn, perceptronLayer } from 'rpnc';
const o = { m: 2 };
const mutate = () => (o.m = 3);
const x = mutate();
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
