/**
 * `--ep` on a machine without the CUDA provider (the CI machines): `cuda` is strict (one message
 * naming the missing library and how to install it, exit 3, nothing written), `auto` falls back
 * to the CPU and says so on stderr, for `run` and for `check`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CUDA_PROVIDER_LIB, ortBinaryDir } from '../../runtime/session.js';
import { expectNoStackTrace, root, rpnc } from './helpers.js';

const hasCuda = fs.existsSync(path.join(ortBinaryDir(), CUDA_PROVIDER_LIB));
let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-ep-'));
  expect(rpnc(tmp, ['build', path.join(root, 'fixtures/example.ts'), '-o', 'm.onnx']).code).toBe(0);
  fs.writeFileSync(path.join(tmp, 'x.json'), JSON.stringify([[0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8]]));
});

describe.skipIf(hasCuda)('execution providers without the CUDA provider installed', () => {
  it('run --ep cuda: one RPN5001 naming the library and the install command, exit 3, no output file', () => {
    const r = rpnc(tmp, ['run', 'm.onnx', '-i', 'x.json', '--ep', 'cuda', '-o', 'y.json']);
    expect(r.code).toBe(3);
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error RPN5001: the CUDA execution provider cannot be loaded: .*libonnxruntime_providers_cuda\.so/);
    expect(r.stderr).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(r.stderr).toContain('--ep cpu');
    expect(expectNoStackTrace(r.stderr)).toBe(true);
    expect(fs.existsSync(path.join(tmp, 'y.json'))).toBe(false);
  });

  it('check --ep cuda is strict too', () => {
    const r = rpnc(tmp, ['check', path.join(root, 'fixtures/example.ts'), '--ep', 'cuda']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('RPN5001');
  });

  it('run --ep auto falls back to the CPU, says so on stderr, and gives the CPU result', () => {
    const cpu = rpnc(tmp, ['run', 'm.onnx', '-i', 'x.json', '--ep', 'cpu']);
    const auto = rpnc(tmp, ['run', 'm.onnx', '-i', 'x.json', '--ep', 'auto']);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toMatch(/note: CUDA execution provider unavailable \(.*libonnxruntime_providers_cuda\.so.*\); running on CPU/);
    expect(auto.stdout).toBe(cpu.stdout);
    expect(cpu.stderr).not.toContain('CUDA');
  });

  it('check --ep auto falls back and reports onnxruntime (cpu)', () => {
    const r = rpnc(tmp, ['check', path.join(root, 'fixtures/example.ts'), '--ep', 'auto']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('running on CPU');
    expect(r.stdout).toContain('onnxruntime (cpu) vs reference');
  });
});
