import { rpn } from 'rpnc';

function grow(xs: number[]) {
  xs.push(1);
  return xs;
}
export default rpn({ name: String(grow([])), layers: [] });
