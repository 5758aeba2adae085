import { rpn, layer, head, taylorExpansion } from 'rpnc';

const degree = 3 - 3;
export default rpn({ layers: [layer({ m: 3, n: 3, heads: [head({ m: 3, n: 3, dataTransformation: taylorExpansion({ d: degree }) })] })] });
