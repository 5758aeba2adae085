// The second layer says h = 5, but the first outputs a 6×6 grid.
import { rpn, gridInterdependenceLayer } from 'rpnc';

export default rpn({
  layers: [
    gridInterdependenceLayer({ h: 6, w: 6, inChannel: 1, outChannel: 2, pH: 1 }),
    gridInterdependenceLayer({ h: 5, outChannel: 3, pH: 1 }),
  ],
});
