import { rpn, layer, head, identityExpansion, type Layer } from 'rpnc';

function layers(n: number): Layer[] {
  return n === 0 ? [] : [...layers(n + 1), layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion() })] })];
}
export default rpn({ layers: layers(3) });
