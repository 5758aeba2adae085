/**
 * A model with an instance interdependence has a fixed batch b (A' ∈ R^{b×b'} mixes the rows): the rpnc
 * commands end to end (built dist/cli/main.js). `build` says the batch is fixed, `check` uses b rows for its
 * random input and refuses another --batch (usage, exit 2), `run` refuses an input with other rows (RPN5003,
 * exit 3, naming b) and writes nothing; with b rows it gives b' rows equal to the reference interpreter.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, loadWeights } from '../../compiler/compile.js';
import { runReference } from '../../runtime/reference/index.js';
import { runRpnc } from '../helpers/rpnc.js';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const c = 'i_param_instance_bprime3_channels2'; // b = 4 → b' = 3, m = 3, n = 2
const modelFile = path.join(root, 'fixtures/models', `${c}.ts`);
const weights = path.join(root, 'fixtures/golden', c, 'weights.safetensors');
let tmp: string;

function rpnc(...args: string[]) {
  const r = runRpnc(tmp, args);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
  return r;
}

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npx tsc -p .` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-instance-'));
});

describe('a model with a fixed batch on the command line', () => {
  it('build reports input [4, 3] -> output [3, 2] and that the batch is fixed; run gives the reference numbers', () => {
    const out = path.join(tmp, 'm.onnx');
    const b = rpnc('build', modelFile, '-w', weights, '-o', out);
    expect(b.code).toBe(0);
    expect(b.stderr).toContain('input x float32 [4, 3] -> output y float32 [3, 2]');
    expect(b.stderr).toMatch(/the batch is fixed: .*exactly 4 rows \(and outputs 3\)/);

    const rows = [[0.5, -0.2, 0.1], [0.3, 0.9, -0.7], [-0.4, 0.0, 0.8], [1.0, -1.0, 0.25]];
    fs.writeFileSync(path.join(tmp, 'x4.json'), JSON.stringify(rows));
    const r = rpnc('run', out, '-i', 'x4.json');
    expect(r.code).toBe(0);
    const y = JSON.parse(r.stdout) as number[][];
    const { spec } = loadSpec(modelFile);
    const ref = runReference(spec, loadWeights(spec, { weights: [weights] }), { rows: 4, cols: 3, data: Float32Array.from(rows.flat()) });
    expect([y.length, y[0].length]).toEqual([3, 2]);
    y.flat().forEach((v, i) => expect(Math.abs(v - ref.data[i]), `[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref.data[i])));
  });

  it('run with another batch: RPN5003 naming the fixed batch, exit 3, no output file', () => {
    const out = path.join(tmp, 'm.onnx');
    if (!fs.existsSync(out)) expect(rpnc('build', modelFile, '-w', weights, '-o', out).code).toBe(0);
    fs.writeFileSync(path.join(tmp, 'x3.json'), JSON.stringify([[1, 2, 3], [4, 5, 6], [7, 8, 9]]));
    const r = rpnc('run', out, '-i', 'x3.json', '-o', 'y.json');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("error RPN5003: the model has a fixed batch of 4 rows (an instance interdependence mixes the rows of the batch), but input 'x3.json' has 3 rows");
    expect(r.stderr).toContain('hint: give an input of shape [4, 3]');
    expect(fs.existsSync(path.join(tmp, 'y.json'))).toBe(false);
  });

  it('check without --batch uses the fixed batch of 4 rows; --batch 4 is accepted', () => {
    for (const extra of [[], ['--batch', '4']]) {
      const r = rpnc('check', modelFile, '-w', weights, ...extra);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('input [4, 3], output [3, 2]');
      expect(r.stdout).toMatch(/onnxruntime \(cpu\) vs reference .* ok/);
    }
  });

  it('check --batch 5: a usage error (RPN6002, exit 2) naming the fixed batch', () => {
    const r = rpnc('check', modelFile, '--batch', '5');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error RPN6002: --batch 5: ${c}.ts has a fixed batch of 4 rows (an instance interdependence mixes the rows of the batch)`);
    expect(r.stderr).toContain('hint: omit --batch, or use --batch 4');
  });

  it('check --golden compares with tinybig (4 rows in, 3 out)', () => {
    const r = rpnc('check', modelFile, '-w', weights, '-g', path.join(root, 'fixtures/golden', c, 'io.safetensors'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('input [4, 3], output [3, 2]');
    expect(r.stdout).toMatch(/reference\s+vs golden .* ok/);
  });
});
