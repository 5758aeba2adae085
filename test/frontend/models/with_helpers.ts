import { rpn } from 'rpnc';
import stack, { taylorLayer } from './lib/helpers.ts';
import * as H from './lib/helpers.js';

const dims = [4, 8, 3] as const;

export default rpn({
  name: `rank${H.DEFAULT_RANK}`,
  layers: [...stack(dims), taylorLayer(dims[dims.length - 1], 2, 2)],
});
