import { rpn, type Layer } from 'rpnc';

function none(): Layer[] {
  for (let i = 0; i >= 0; i++) {
    if (i < 0) return [];
  }
  return [];
}
export default rpn({ layers: none() });
