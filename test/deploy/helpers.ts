/** Shared helpers of the deployment tests: golden cases, the CLI, ONNX decoding. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { root } from '../golden/cases.js';
import { runRpnc } from '../helpers/rpnc.js';

export { goldenCases, goldenDir, goldenWeights, modelsDir, root } from '../golden/cases.js';
export const cli = path.join(root, 'dist/cli/main.js');

export const rpnc = (cwd: string, args: string[], env: Record<string, string> = {}) => runRpnc(cwd, args, env);

export const decode = (bytes: Uint8Array): onnxProto.onnx.ModelProto => onnxProto.onnx.ModelProto.decode(bytes);
export const DT = onnxProto.onnx.TensorProto.DataType;

export function expectNoStackTrace(stderr: string): boolean {
  return !/\n\s+at .*\(.*:\d+:\d+\)/.test(stderr);
}
