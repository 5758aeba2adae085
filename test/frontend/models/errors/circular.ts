import { rpn } from 'rpnc';

const a: number = next();
function next(): number {
  return a + 1;
}
export default rpn({ name: String(a), layers: [] });
