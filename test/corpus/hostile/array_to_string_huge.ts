// expect: exit=1 code=RPN1107 at=5:13
import { rpn, perceptronLayer } from 'rpnc';
const twice = (s: string, k: number): string => (k === 0 ? s : twice(s + s, k - 1));
const big = twice('x'.repeat(1000), 13);
const all = String(Array.from({ length: 60 }, () => big));
export default rpn({ name: all, layers: [perceptronLayer({ m: 2, n: 2 })] });
