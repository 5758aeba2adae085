import { describe, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { identityElimination } from '../../../ir/passes/index.js';
import { checkPass, checkUnchanged, lines } from './helpers.js';

describe('identity-elimination', () => {
  test('removes Identity chains (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    b.output(b.sigmoid(b.identity(b.identity(b.relu(x)))), 'y');
    checkPass(identityElimination(), b.graph, lines('input %x: float32[batch,2]', '%t0: float32[batch,2] = Relu(%x)', '%y: float32[batch,2] = Sigmoid(%t0)', 'output %y'));
  });

  test('an Identity feeding a graph output: the producer is renamed; from a graph input it stays', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    b.output(b.identity(b.relu(x)), 'y');
    b.output(x, 'x_copy');
    checkPass(identityElimination(), b.graph, lines('input %x: float32[2]', '%y: float32[2] = Relu(%x)', '%x_copy: float32[2] = Identity(%x)', 'output %y', 'output %x_copy'));
  });

  test('leaves Reshape and Transpose to reshape-cancellation', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2, 3]);
    b.output(b.relu(b.reshape(b.transpose(x, [0, 1, 2]), [0, 2, 3])), 'y');
    checkUnchanged(identityElimination(), b.graph);
  });
});
