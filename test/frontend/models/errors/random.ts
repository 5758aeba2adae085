import { rpn, layer, head, taylorExpansion } from 'rpnc';

const d = 1 + Math.floor(Math.random() * 3);
export default rpn({ layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: taylorExpansion({ d }) })] })] });
