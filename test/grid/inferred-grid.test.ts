/**
 * A grid layer right after another grid layer may omit h, w and its input channels: they are inferred
 * from the previous layer's output grid, and given values are checked against it (RPN2120).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { readTensorFile } from '../../runtime/io/tensor-file.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';

const root = path.resolve(import.meta.dirname, '../..');
const model = (f: string) => path.join(root, 'test/grid/models', f);
const golden = path.join(root, 'fixtures/golden/e_cnn_tiny');

function diagnosticsOf(f: string) {
  try {
    loadSpec(model(f));
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics;
    throw e;
  }
  throw new Error(`${f} was accepted`);
}

describe('grid layers: inferred input grid', () => {
  it('e_cnn_tiny written layer by layer with inferred grids gives tinybig\'s golden output', async () => {
    const { spec } = loadSpec(model('cnn_tiny_inferred.ts'));
    // layer 1: 6×6 grid, 2 channels in (from layer 0); layer 2 pools the 6×6×3 output to 3×3
    expect(spec.layers.map((l) => [l.m, l.n])).toEqual([[36, 72], [72, 108], [108, 27], [27, 8], [8, 4]]);
    expect(spec.layers[1].heads[0].grid?.inChannels).toBe(2);
    expect(spec.layers[2].heads[0].grid?.grid).toEqual([6, 6, 1]);
    const store = loadWeights(spec, { weights: [path.join(golden, 'weights.safetensors')] });
    const res = compileSpec(spec, store);
    const x = readTensorFile(path.join(golden, 'io.safetensors'), { name: 'input' });
    const y = readTensorFile(path.join(golden, 'io.safetensors'), { name: 'output' });
    const s = await createSession(res.onnx, { ep: 'cpu' });
    const out = await runSession(s, x);
    const ref = runReference(spec, store, { rows: x.shape[0], cols: x.shape[1], data: x.data });
    for (let i = 0; i < y.data.length; i++) {
      expect(Math.abs(out.data[i] - y.data[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(y.data[i]));
      expect(Math.abs(ref.data[i] - y.data[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(y.data[i]));
    }
  });

  it('a given value that contradicts the previous grid is refused at that option', () => {
    const [d] = diagnosticsOf('grid_inferred_contradiction.ts');
    expect(d.code).toBe('RPN2120');
    expect(d.message).toContain('h = 5, but the previous layer outputs a 6×6×1 grid with 2 channels (h = 6)');
    expect(d.span).toMatchObject({ line: 7, col: 35 });
    expect(d.hint).toContain('set h: 6');
  });

  it('the first grid layer cannot omit its grid', () => {
    const [d] = diagnosticsOf('grid_first_layer_no_grid.ts');
    expect(d.code).toBe('RPN2120');
    expect(d.message).toContain('h, w, inChannel not given');
    expect(d.span?.line).toBe(6);
  });
});
