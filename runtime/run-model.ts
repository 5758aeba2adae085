/**
 * `rpnc run` on any ONNX model: the one input checked against what the model declares (element type,
 * rank, fixed dimensions) before ONNX Runtime runs, and every output given back whatever its rank and
 * element type (runtime/io/model-output.ts prints and writes them).
 *
 * rpnc's models take one float32 (or, built with --io-precision fp16, float16) tensor [batch, m]. A
 * model from another tool may want an int64 or a string input, or several inputs: `rpnc run` reads
 * input files as float32 (.npy '<f8' and '<i8' are converted), so it refuses those (RPN3404) rather
 * than feed values rounded on the way.
 */
import * as ort from 'onnxruntime-node';
import { DiagnosticError, diag, fail } from '../compiler/diagnostics.js';
import { modelOutput, type ModelOutput } from './io/model-output.js';
import { inputTensor, type RpncSession } from './session.js';

/** What ONNX Runtime says of the model's input: name, element type, dimensions (a number, or a symbol like 'batch'). */
export interface InputMeta {
  name: string;
  type: string;
  shape: (number | string)[] | undefined;
}

const dims = (s: (number | string)[]): string => `[${s.join(', ')}]`;

/** The model's one input; RPN3404 for several inputs or an element type rpnc run cannot feed. */
export function runInput(s: RpncSession): InputMeta {
  const names = s.session.inputNames;
  if (names.length !== 1) {
    fail('RPN3404', `the model has ${names.length} inputs${names.length ? ` (${names.map((n) => `'${n}'`).join(', ')})` : ''}; rpnc run feeds exactly one`, { hint: 'run a model with several inputs with ONNX Runtime directly' });
  }
  const meta = s.session.inputMetadata?.[0] as { name?: string; isTensor?: boolean; type?: string; shape?: (number | string)[] } | undefined;
  const type = meta?.isTensor === false ? 'a non-tensor (sequence, map or optional)' : (meta?.type ?? 'float32');
  if (type !== 'float32' && type !== 'float16') {
    fail('RPN3404', `the model's input '${names[0]}' is ${type}${meta?.shape ? ` ${dims(meta.shape)}` : ''}; rpnc run feeds float32 (or float16) tensors only`, {
      hint: 'rpnc run reads input files as float32, which would round integer ids and float64 values: run this model with ONNX Runtime directly',
    });
  }
  return { name: names[0], type, shape: meta?.isTensor === false ? undefined : meta?.shape };
}

/**
 * Check an input of `shape` against the model's input (rank, fixed dimensions). RPN3121 (the input
 * file) when they differ; rank-2 models get rpnc's [batch, m] wording.
 */
export function checkRunInputShape(meta: InputMeta, shape: number[], file: string): void {
  const bad = (message: string, hint: string): never => {
    throw new DiagnosticError(diag('RPN3121', message, { hint }));
  };
  const want = meta.shape;
  if (want === undefined || want.length === 2) {
    if (shape.length !== 2) bad(`input '${file}' has shape ${dims(shape)}, expected [batch, m]`, 'give a 2-D tensor: one row of m features per example');
    const m = want?.[1];
    if (typeof m === 'number' && shape[1] !== m) bad(`input '${file}' has ${shape[1]} features per row, but the model takes m = ${m}`, `give an input of shape [batch, ${m}]`);
    return;
  }
  const expected = dims(want);
  if (shape.length !== want.length) bad(`input '${file}' has shape ${dims(shape)} (rank ${shape.length}), but the model's input '${meta.name}' is ${expected} (rank ${want.length})`, `give an input of shape ${expected}`);
  want.forEach((d, i) => {
    if (typeof d === 'number' && d >= 0 && shape[i] !== d) bad(`input '${file}' has shape ${dims(shape)}, but the model's input '${meta.name}' is ${expected}: dimension ${i} must be ${d}`, `give an input of shape ${expected}`);
  });
}

/** Run the model on `input` and give back all its outputs, in the model's order. */
export async function runModelOutputs(s: RpncSession, meta: InputMeta, input: { shape: number[]; data: Float32Array }): Promise<ModelOutput[]> {
  const feed = inputTensor(meta.type, input);
  let out: ort.InferenceSession.OnnxValueMapType;
  try {
    out = await s.session.run({ [meta.name]: feed });
  } catch (e) {
    throw new DiagnosticError(diag('RPN5003', `ONNX Runtime failed to run the model: ${(e as Error).message.split('\n')[0].trim()}`, { hint: `the model's input '${meta.name}' is ${meta.type}${meta.shape ? ` ${dims(meta.shape)}` : ''}` }));
  }
  return s.session.outputNames.map((name) => {
    const t = out[name] as unknown as { type?: string; dims?: readonly number[]; data?: unknown } | undefined;
    if (!t || t.type === undefined || t.dims === undefined) {
      fail('RPN3404', `the model's output '${name}' is not a tensor (a sequence, map or optional), which rpnc run cannot print or write`, { hint: 'run the model with ONNX Runtime directly' });
    }
    return modelOutput(name, t as { type: string; dims: readonly number[]; data: unknown });
  });
}
