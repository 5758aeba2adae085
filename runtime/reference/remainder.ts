/**
 * Remainders π (rpn-semantics §9), applied to the processed head input X0 (b×m); result b×n,
 * or undefined when nothing is added (zero remainder / no remainder).
 * The remainder's activation list is applied to its result.
 */
import type { HeadParams, WeightSource } from '../../compiler/spec/params.js';
import type { RemainderSpec } from '../../compiler/spec/types.js';
import { fromFloat32, linear, map, zeros, type Mat } from './matrix.js';
import { applyProcessList } from './processing.js';

export function remainder(spec: RemainderSpec, x0: Mat, params: HeadParams, ws: WeightSource): Mat | undefined {
  const { m, n } = spec;
  let pi: Mat;
  switch (spec.type) {
    case 'none':
    case 'zero_remainder':
      return undefined;
    case 'identity_remainder':
      pi = x0;
      break;
    case 'linear_remainder':
      if (spec.weight) {
        const W = fromFloat32(n, m, params.wRemainder!);
        pi = linear(x0, W, spec.bias ? params.bRemainder : undefined);
      } else {
        pi = x0; // requireParameters: false → x
      }
      break;
    case 'constant_remainder':
    case 'one_remainder': {
      const c = spec.type === 'one_remainder' ? 1 : ((spec.options.c as number | undefined) ?? 1);
      pi = map(zeros(x0.rows, n), () => c);
      break;
    }
    default:
      throw new Error(`reference: remainder '${spec.type}' is not implemented`);
  }
  return applyProcessList(spec.act, pi, ws);
}
