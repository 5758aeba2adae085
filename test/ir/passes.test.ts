/** The PassManager, the pass registry and how compile options select the pipeline (per-pass tests: test/ir/passes/). */
import * as path from 'node:path';
import { describe, expect, test } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { selectPasses } from '../../compiler/passes.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { GraphBuilder } from '../../ir/builder.js';
import { DEFAULT_PASSES, PASS_NAMES, type Pass, PassManager, defaultPipeline, passByName } from '../../ir/passes/index.js';
import { printGraph } from '../../ir/print.js';
import { fromArray } from '../../ir/tensor.js';

const lines = (...ls: string[]): string => ls.join('\n') + '\n';

describe('PassManager', () => {
  function messy() {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 2]);
    const w = b.mul(b.constant(fromArray([[1, 0], [0, 1]]), 'W'), 2);
    const h = b.identity(b.matmul(x, w));
    b.output(b.add(b.relu(h), b.relu(h)), 'y');
    return b.graph;
  }

  test('runs to a fixpoint, records passes, calls afterPass, verifies', () => {
    const g = messy();
    const seen: string[] = [];
    const pm = new PassManager(defaultPipeline(), { afterPass: (name, _g, changed) => seen.push(`${name}:${changed}`) });
    const res = pm.run(g);
    expect(res.changed).toBe(true);
    expect(res.converged).toBe(true);
    expect(res.iterations).toBe(2);
    const changedIn = (it: number) => PASS_NAMES.map((p) => `${p}:${['constant-folding', 'identity-elimination', 'common-subexpression-elimination', 'dead-code-elimination'].includes(p) && it === 1}`);
    expect(seen).toEqual([...changedIn(1), ...changedIn(2)]);
    expect(res.log[0]).toEqual({ iteration: 1, pass: 'constant-folding', changed: true });
    expect(printGraph(g)).toBe(
      lines(
        'input %x: float32[batch,2]',
        '%t1: float32[2,2] = const(2, 0, 0, 2)',
        '%t2: float32[batch,2] = MatMul(%x, %t1)',
        '%t4: float32[batch,2] = Relu(%t2)',
        '%y: float32[batch,2] = Add(%t4, %t4)',
        'output %y',
      ),
    );
    expect(pm.run(g).changed).toBe(false);
  });

  test('a pass that breaks the graph is caught by verify (RPN4001)', () => {
    const breaker: Pass = {
      name: 'breaker',
      run(g) {
        g.nodes.reverse();
        return true;
      },
    };
    const g = messy();
    expect(() => new PassManager([breaker]).run(g)).toThrow(/RPN4001: after pass 'breaker'/);
    try {
      new PassManager([breaker]).run(messy());
    } catch (e) {
      expect((e as DiagnosticError).diagnostics[0].code).toBe('RPN4001');
    }
  });

  test('maxIterations bounds a pass that always reports a change', () => {
    const always: Pass = { name: 'always', run: () => true };
    const res = new PassManager([always], { maxIterations: 3, verify: false }).run(messy());
    expect(res).toMatchObject({ converged: false, iterations: 3 });
  });

  test('passByName', () => {
    expect(passByName('dead-code-elimination').name).toBe('dead-code-elimination');
    expect(() => passByName('nope')).toThrow(/RPN4005: unknown pass 'nope' \(known: constant-folding, identity-elimination, .*gemm-formation, dead-code-elimination\)/);
    for (const p of PASS_NAMES) expect(passByName(p).name).toBe(p);
  });
});

describe('selectPasses (compile options → pipeline)', () => {
  test('default, --no-opt, --no-fold, --passes, --disable-pass', () => {
    expect(selectPasses({ fold: true })).toEqual([...DEFAULT_PASSES]);
    expect(DEFAULT_PASSES).toEqual([
      'constant-folding', 'identity-elimination', 'reshape-cancellation', 'common-subexpression-elimination',
      'head-dedupe', 'linear-fusion-folding', 'batchnorm-folding', 'quadratic-form', 'gemm-formation', 'dead-code-elimination',
    ]);
    expect(selectPasses({ fold: true, opt: false })).toEqual(['constant-folding', 'dead-code-elimination']);
    expect(selectPasses({ fold: false })).toEqual(['dead-code-elimination']);
    expect(selectPasses({ fold: true, passes: ['gemm-formation', 'constant-folding'] })).toEqual(['gemm-formation', 'constant-folding']);
    expect(selectPasses({ fold: false, passes: ['gemm-formation', 'constant-folding'] })).toEqual(['gemm-formation']);
    expect(selectPasses({ fold: true, disablePasses: ['head-dedupe', 'gemm-formation'] })).toEqual(DEFAULT_PASSES.filter((p) => p !== 'head-dedupe' && p !== 'gemm-formation'));
    expect(selectPasses({ fold: true, opt: false, disablePasses: ['dead-code-elimination'] })).toEqual(['constant-folding']);
  });

  test('unknown names in --passes or --disable-pass are RPN4005', () => {
    expect(() => selectPasses({ fold: true, passes: ['constant-folding', 'cse'] })).toThrow(/RPN4005: unknown pass 'cse'/);
    try {
      selectPasses({ fold: true, disablePasses: ['gemm'] });
      expect.unreachable();
    } catch (e) {
      expect((e as DiagnosticError).diagnostics[0].code).toBe('RPN4005');
    }
  });
});

describe('the default pipeline on lowered fixture models (real tinybig weights)', () => {
  const opsOf = (c: string, opts: { disablePasses?: string[] } = {}): string[] => {
    const dir = path.resolve(import.meta.dirname, '../../fixtures');
    const { spec } = loadSpec(path.join(dir, 'models', `${c}.ts`));
    const weights = [path.join(dir, 'golden', c, 'weights.safetensors')];
    return compileSpec(spec, loadWeights(spec, { weights }), opts).model.graph.nodes.map((n) => n.op);
  };

  test('mean of two heads linear in x and in [x, x⊗x]: one MatMul on the Taylor features', () => {
    expect(opsOf('b_width2_mean_fusion')).toEqual(['Unsqueeze', 'Unsqueeze', 'Mul', 'Reshape', 'Concat', 'MatMul']);
    expect(opsOf('b_width2_mean_fusion', { disablePasses: ['linear-fusion-folding'] })).toEqual(['MatMul', 'Unsqueeze', 'Unsqueeze', 'Mul', 'Reshape', 'Concat', 'MatMul', 'Add', 'Div']);
  });

  test('[head] * 2 perceptron layer with BatchNorm and mean fusion: one Gemm and the ReLU', () => {
    expect(opsOf('b_perceptron_layer_width2_shared_heads')).toEqual(['Gemm', 'Relu']);
  });

  test('two layers with a remainder and BatchNorm: each layer is one Gemm', () => {
    expect(opsOf('a_two_layers_output_process')).toEqual(['Unsqueeze', 'Unsqueeze', 'Mul', 'Reshape', 'Concat', 'Gemm', 'Relu', 'Gemm', 'Sigmoid']);
  });

  test('grid layers: the per-position bias and BatchNorm become one Mul and one Add', () => {
    const ops = opsOf('e_cnn_tiny');
    expect(ops.filter((o) => o === 'Sub')).toHaveLength(0);
    expect(ops.filter((o) => o === 'Mul')).toHaveLength(2);
    expect(ops.filter((o) => o === 'Gemm')).toHaveLength(2);
  });
});
