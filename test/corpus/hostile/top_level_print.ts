// expect: exit=1 code=RPN1103 at=4:1
import { rpn, perceptronLayer } from 'rpnc';
declare const console: any;
console.log('PWNED');
export default rpn({ layers: [perceptronLayer({ m: 2, n: 2 })] });
