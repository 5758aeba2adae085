// expect: exit=1 code=RPN1104 at=3:62
import { rpn, perceptronLayer } from 'rpnc';
const fib = (k: number): number => (k < 2 ? k : fib(k - 1) + fib(k - 2));
export default rpn({ layers: [perceptronLayer({ m: fib(60), n: 2 })] });
