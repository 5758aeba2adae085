// expect: exit=1 code=RPN1101 at=4:18
import { rpn, perceptronLayer } from 'rpnc';
const name: string = ['node', 'fs'].join(':');
const mod: any = import(name);
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
