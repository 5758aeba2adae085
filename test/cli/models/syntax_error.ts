import { rpn, layer, head, identityExpansion } from 'rpnc';

export default rpn({
  layers: [
    layer({ m: 3, n: 3, heads: [head({ m: 3, n: 3, dataTransformation: identityExpansion() )] }),
  ],
});
