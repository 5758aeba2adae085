/**
 * Lowering of processing functions (torch.nn modules in tinybig's processing slots) to IR.
 * Inputs are (batch, width) matrices; "feature axis" = the last axis.
 */
import type { GraphBuilder } from '../../ir/builder.js';
import type { Value } from '../../ir/graph.js';
import { float32s } from '../../ir/tensor.js';
import { fail } from '../diagnostics.js';
import { batchNormParams, layerNormParams, type WeightSource } from '../spec/params.js';
import type { ProcessSpec } from '../spec/types.js';

export function lowerProcessList(b: GraphBuilder, x: Value, list: ProcessSpec[], ws: WeightSource): Value {
  for (const p of list) x = b.scoped(`process[${p.type}]`, () => lowerProcess(b, x, p, ws));
  return x;
}

export function lowerProcess(b: GraphBuilder, x: Value, p: ProcessSpec, ws: WeightSource): Value {
  const o = p.options;
  switch (p.type) {
    case 'Identity':
    case 'Dropout': // inference: identity
      return x;
    case 'ReLU':
      return b.relu(x);
    case 'Sigmoid':
      return b.sigmoid(x);
    case 'Tanh':
      return b.tanh(x);
    case 'exp':
      return b.exp(x);
    case 'SiLU':
      return b.mul(x, b.sigmoid(x));
    case 'GELU':
      if (o.approximate === 'tanh') {
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        const inner = b.mul(b.add(x, b.mul(b.mul(b.mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
        return b.mul(b.mul(x, 0.5), b.add(b.tanh(inner), 1));
      }
      return b.mul(b.mul(x, 0.5), b.add(b.erf(b.mul(x, Math.SQRT1_2)), 1));
    case 'LeakyReLU':
      return b.leakyRelu(x, o.negativeSlope as number);
    case 'ELU':
      return b.elu(x, o.alpha as number);
    case 'CELU':
      return b.celu(x, o.alpha as number);
    case 'Softplus': {
      // torch: x where β·x > threshold, else log(1 + exp(β·x)) / β
      const beta = o.beta as number;
      const bx = beta === 1 ? x : b.mul(x, beta);
      const soft = beta === 1 ? b.softplus(bx) : b.div(b.softplus(bx), beta);
      return b.where(b.less(b.constant(float32s([o.threshold as number], [])), bx), x, soft);
    }
    case 'Softmax':
      return b.softmax(x, -1);
    case 'LogSoftmax':
      return b.logSoftmax(x, -1);
    case 'BatchNorm1d': {
      const bn = batchNormParams(p, ws);
      if (bn.mode === 'eval') {
        // (x − μ)/√(σ² + ε)·γ + β, with μ, σ², γ, β constants (folded at compile time).
        const scale = b.div(bn.weight ? b.constant(float32s([...bn.weight]), `${p.prefix}weight`) : b.constant(float32s(Array(p.width).fill(1))), b.sqrt(b.add(b.constant(float32s([...bn.runningVar!]), `${p.prefix}running_var`), bn.eps)));
        const shifted = b.sub(x, b.constant(float32s([...bn.runningMean!]), `${p.prefix}running_mean`));
        const y = b.mul(shifted, scale);
        return bn.bias ? b.add(y, b.constant(float32s([...bn.bias]), `${p.prefix}bias`)) : y;
      }
      // tinybig's list-held BatchNorm: batch statistics over the rows, biased variance, γ=1, β=0.
      const d = b.sub(x, b.reduceMean(x, [0], true));
      const v = b.reduceMean(b.mul(d, d), [0], true);
      return b.div(d, b.sqrt(b.add(v, bn.eps)));
    }
    case 'LayerNorm': {
      const ln = layerNormParams(p, ws);
      const d = b.sub(x, b.reduceMean(x, [-1], true));
      const v = b.reduceMean(b.mul(d, d), [-1], true);
      let y = b.div(d, b.sqrt(b.add(v, ln.eps)));
      if (ln.weight) y = b.mul(y, b.constant(float32s([...ln.weight]), `${p.prefix}weight`));
      if (ln.bias) y = b.add(y, b.constant(float32s([...ln.bias]), `${p.prefix}bias`));
      return y;
    }
    default:
      return fail('RPN4101', `no lowering for processing function ${p.type}`);
  }
}
