import { rpn, layer, head, taylorExpansion } from 'rpnc';

const common = {
  m: 3,
  n: 3,
  dataTransfromation: taylorExpansion(),
};

export default rpn({ layers: [layer({ m: 3, n: 3, heads: [head({ ...common, dataTransformation: taylorExpansion() })] })] });
