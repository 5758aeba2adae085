import { describe, test } from 'vitest';
import { GraphBuilder } from '../../../ir/builder.js';
import { deadCodeElimination } from '../../../ir/passes/index.js';
import { zeros } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, lines } from './helpers.js';

describe('dead-code-elimination', () => {
  test('drops unused nodes and constants (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const a = b.relu(x);
    b.neg(a);
    b.constant(zeros('float32', [3]), 'unused');
    b.output(b.sigmoid(a), 'y');
    checkPass(deadCodeElimination(), b.graph, lines('input %x: float32[batch,2]', '%t0: float32[batch,2] = Relu(%x)', '%y: float32[batch,2] = Sigmoid(%t0)', 'output %y'));
  });

  test('keeps everything an output depends on', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    b.output(b.add(b.relu(x), b.constant(zeros('float32', [2]))), 'y');
    checkUnchanged(deadCodeElimination(), b.graph);
  });
});
