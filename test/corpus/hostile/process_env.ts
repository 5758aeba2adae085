// expect: exit=1 code=RPN1101 at=5:18
import { rpn, perceptronLayer } from 'rpnc';
declare const require: any;
declare const process: any;
const m = Number(process.env.M ?? 2);
export default rpn({ layers: [perceptronLayer({ m, n: 2 })] });
