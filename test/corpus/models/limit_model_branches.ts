// expect: exit=1 code=RPN2301 at=4:16
import { rpn, perceptronLayer } from 'rpnc';
// 20 layers of 1,000 heads: each layer is within the 1,024 heads of a layer, the model is not
export default rpn({ layers: Array.from({ length: 20 }, () => perceptronLayer({ m: 4, n: 4, width: 1000 })) });
