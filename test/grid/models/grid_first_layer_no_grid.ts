// The first grid layer has nothing to infer its input grid from.
import { rpn, gridInterdependenceLayer } from 'rpnc';

export default rpn({
  layers: [
    gridInterdependenceLayer({ outChannel: 3, pH: 1 }),
  ],
});
