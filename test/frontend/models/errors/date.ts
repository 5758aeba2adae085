import { rpn, layer, head, identityExpansion } from 'rpnc';

function name() {
  return `model-${Date.now()}`;
}
export default rpn({ name: name(), layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion() })] })] });
