// expect: exit=1 code=RPN2109 at=4:47
import { cnn } from 'rpnc';
// found by the mutation fuzzer: no convolution layer (tinybig asserts len(layers) >= 1); rpnc answered RPN4102
export default cnn({ h: 4, w: 2, channelNums: [], fcDims: [3, 4], pH: 1 });
