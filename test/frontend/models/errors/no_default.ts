import { rpn, layer, head, identityExpansion } from 'rpnc';

export const model = rpn({ layers: [layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: identityExpansion() })] })] });
