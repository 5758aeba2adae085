import { rpn, layer, head, taylorExpansion } from 'rpnc';

export default rpn({
  layers: [
    layer({
      m: 'five',
      n: 3,
      heads: [head({ m: 5, n: 3, dataTransformation: taylorExpansion() })],
    }),
  ],
});
