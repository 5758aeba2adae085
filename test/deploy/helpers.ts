/** Shared helpers of the deployment tests: golden cases, the CLI, ONNX decoding. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { root } from '../golden/cases.js';

export { goldenCases, goldenDir, goldenWeights, modelsDir, root } from '../golden/cases.js';
export const cli = path.join(root, 'dist/cli/main.js');

export function rpnc(cwd: string, args: string[], env: Record<string, string> = {}) {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npx tsc -p .` first');
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export const decode = (bytes: Uint8Array): onnxProto.onnx.ModelProto => onnxProto.onnx.ModelProto.decode(bytes);
export const DT = onnxProto.onnx.TensorProto.DataType;

export function expectNoStackTrace(stderr: string): boolean {
  return !/\n\s+at .*\(.*:\d+:\d+\)/.test(stderr);
}
