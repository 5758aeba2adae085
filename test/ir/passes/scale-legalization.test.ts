/**
 * scale-legalization: chained scalar scales are merged, so ONNX Runtime's MatMulScaleFusion (1.30, on
 * by default) cannot delete a scale that a FusedMatMul still reads. Checked on IR text, with ir/eval,
 * and by loading the emitted ONNX in a plain default onnxruntime-node session.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { runPasses, selectPasses } from '../../../compiler/passes.js';
import { emitOnnx } from '../../../compiler/onnx/emit.js';
import { GraphBuilder } from '../../../ir/builder.js';
import { runGraph } from '../../../ir/eval.js';
import { createModel, type Value } from '../../../ir/graph.js';
import { checkPassName, scaleLegalization } from '../../../ir/passes/index.js';
import { printGraph } from '../../../ir/print.js';
import { fromArray, tensor } from '../../../ir/tensor.js';
import { checkPass, checkUnchanged, expectAllClose, feedsFor, lines } from './helpers.js';

const W = (b: GraphBuilder): Value => b.constant(fromArray([[0.5, -1], [2, 0.25]]), 'W');

/** The fuzz fixture's pattern: s = x / 2 feeds a MatMul and s · 3, which feeds another MatMul. */
function trigger(shape: 'plain' | 'scalarFirst' | 'twoMatMuls' = 'plain') {
  const b = new GraphBuilder();
  const x = b.input('x', ['batch', 2]);
  const s = b.div(b.relu(x), 2);
  const s2 = shape === 'scalarFirst' ? b.mul(b.constant(fromArray(3)), s) : b.mul(s, 3);
  b.output(b.matmul(s, W(b)), 'y0');
  b.output(b.matmul(s2, W(b)), 'y1');
  if (shape === 'twoMatMuls') b.output(b.matmul(s2, W(b)), 'y2');
  return b.graph;
}

async function ortRun(graph: ReturnType<typeof trigger>, feeds: ReturnType<typeof feedsFor>) {
  const s = await ort.InferenceSession.create(Buffer.from(emitOnnx(createModel(graph))), { logSeverityLevel: 3 }); // ORT's defaults: optimisation level 'all'
  const x = feeds.x;
  const out = await s.run({ x: new ort.Tensor('float32', x.data as Float32Array, x.shape) });
  await s.release();
  return out;
}

describe('scale-legalization', () => {
  test('merges Mul(Div(x, 2), 3) into Mul(x, 1.5); the inner scale stays for its other consumer (golden)', () => {
    checkPass(
      scaleLegalization(),
      trigger(),
      lines(
        'input %x: float32[batch,2]',
        '%t1: float32[] = const(2)',
        '%W: float32[2,2] = const(0.5, -1, 2, 0.25)',
        '%W_1: float32[2,2] = const(0.5, -1, 2, 0.25)',
        '%t7: float32[] = const(1.5)',
        '%t0: float32[batch,2] = Relu(%x)',
        '%t2: float32[batch,2] = Div(%t0, %t1)',
        '%t4: float32[batch,2] = Mul(%t0, %t7)',
        '%y0: float32[batch,2] = MatMul(%t2, %W)',
        '%y1: float32[batch,2] = MatMul(%t4, %W_1)',
        'output %y0',
        'output %y1',
      ),
    );
  });

  test('collapses a chain of scales (scalar first, Div after Div); dead inner scales and factors are removed (golden)', () => {
    const b = new GraphBuilder();
    const x = b.input('x', ['batch', 3]);
    const a = b.div(b.div(b.mul(b.constant(fromArray(4)), x), 2), 5);
    b.output(b.matmul(a, b.constant(fromArray([[1], [2], [3]]), 'W')), 'y');
    b.output(b.div(b.div(x, 2), 3), 'z');
    checkPass(
      scaleLegalization(),
      b.graph,
      lines(
        'input %x: float32[batch,3]',
        '%W: float32[3,1] = const(1, 2, 3)',
        '%t12: float32[] = const(0.4)',
        '%t13: float32[] = const(6)',
        '%t5: float32[batch,3] = Mul(%x, %t12)',
        '%y: float32[batch,1] = MatMul(%t5, %W)',
        '%z: float32[batch,3] = Div(%x, %t13)',
        'output %y',
        'output %z',
      ),
    );
  });

  test('leaves non-scalar factors, broadcasting scalars, scalar numerators and division by zero alone', () => {
    const b = new GraphBuilder();
    const x = b.input('x', [2]);
    b.output(b.mul(b.div(x, 2), b.constant(fromArray([1, 3]))), 'vector');
    b.output(b.mul(b.div(x, 2), b.constant(tensor('float32', [1, 1], [3]))), 'broadcast');
    b.output(b.mul(b.div(b.constant(fromArray(2)), x), 3), 'numerator');
    b.output(b.mul(b.div(x, 0), 3), 'byZero');
    b.output(b.relu(b.mul(b.relu(x), 3)), 'single');
    checkUnchanged(scaleLegalization(), b.graph);
  });

  test('always runs after the pipeline (--no-fold, --no-opt, --passes), is accepted by --after, cannot be disabled', () => {
    for (const opts of [{ fold: false }, { fold: true, opt: false }, { fold: true, passes: [] }, { fold: true }]) {
      const g = trigger();
      runPasses(g, opts);
      expect(printGraph(g)).toMatch(/%t4: float32\[batch,2\] = Mul\(%t0, %t\d+\)/);
    }
    expect(() => checkPassName('scale-legalization')).not.toThrow();
    expect(() => selectPasses({ fold: true, disablePasses: ['scale-legalization'] })).toThrow(/RPN4005: pass 'scale-legalization' is a legalization/);
  });

  test('ONNX Runtime 1.30 with default options refuses the trigger graph; legalized, it loads and agrees with ir/eval', async () => {
    const plain = trigger();
    await expect(ortRun(plain, feedsFor(plain))).rejects.toThrow(/is not a graph input, initializer, or output of a previous node/);
    for (const shape of ['plain', 'scalarFirst', 'twoMatMuls'] as const) {
      const g = trigger(shape);
      const feeds = feedsFor(g, 4);
      const want = runGraph(g, feeds);
      expect(scaleLegalization().run(g)).toBe(true);
      const got = await ortRun(g, feeds);
      for (const [k, t] of Object.entries(want)) expectAllClose(tensor('float32', t.shape, got[k].data as Float32Array), t);
    }
  });
});

describe('scale-legalization on the command line (built dist/cli/main.js)', () => {
  const root = path.resolve(import.meta.dirname, '../../..');
  const fixture = path.join(root, 'test/fuzz/fixtures/ort_matmul_scale_fusion.ts');
  const rpnc = (...args: string[]) => spawnSync(process.execPath, [path.join(root, 'dist/cli/main.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('--no-fold --emit ir --after scale-legalization: the fixture\'s Mul reads the unscaled sum, not Div(t6, 2)', () => {
    expect(fs.existsSync(path.join(root, 'dist/cli/main.js'))).toBe(true);
    const r = rpnc('build', fixture, '--no-fold', '--emit', 'ir', '--after', 'scale-legalization');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('%t8: float32[batch,2] = Div(%t6, %t7)');
    expect(r.stdout).toMatch(/%t13: float32\[batch,2\] = Mul\(%t6, %t\d+\)/);
  });

  test('--disable-pass scale-legalization is RPN4005, exit 2, nothing written', () => {
    const out = path.join(root, 'test/fuzz/fixtures/ort_matmul_scale_fusion.onnx');
    const r = rpnc('build', fixture, '--disable-pass', 'scale-legalization');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("RPN4005: pass 'scale-legalization' is a legalization");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  });
});
