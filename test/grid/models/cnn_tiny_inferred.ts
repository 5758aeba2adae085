// e_cnn_tiny written layer by layer: the conv and pool layers after the first omit h, w and their input
// channels (inferred from the previous grid layer's output grid). Same weights keys as the cnn model.
import { rpn, gridInterdependenceLayer, gridCompressionLayer, perceptronLayer } from 'rpnc';

export default rpn({
  layers: [
    gridInterdependenceLayer({ h: 6, w: 6, inChannel: 1, outChannel: 2, pH: 1, enableBias: true }),
    gridInterdependenceLayer({ outChannel: 3, pH: 1, enableBias: true }),
    gridCompressionLayer({ pH: 0, pHPrime: 1, pW: 0, pWPrime: 1, cdH: 2, cdW: 2, withDropout: true, p: 0.25 }),
    perceptronLayer({ m: 27, n: 8, withBatchNorm: true, withRelu: true, withDropout: true, withSoftmax: false, enableBias: true }),
    perceptronLayer({ m: 8, n: 4, withRelu: false, withDropout: false, withSoftmax: false, enableBias: true }),
  ],
});
