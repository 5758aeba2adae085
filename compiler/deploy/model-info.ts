/**
 * What serving needs to know about an ONNX model, read from the file alone: its input and output
 * (names, element types, shapes) and how its batch axis may be used.
 *
 * Batch kinds (the metadata keys rpnc writes, compiler/compile.ts; other producers can set them too):
 *
 * - `fixed`: the input's first dimension is a number, or metadata `rpnc.fixed_batch` is present (an
 *   instance interdependence mixes the rows: the model runs on exactly b rows and may output another
 *   number of rows). Never merged with other requests; Triton gets `max_batch_size: 0` and full dims.
 * - `coupled`: a free batch axis whose rows still depend on each other (attention over the batch, a
 *   graph whose node set is the batch), declared by metadata `rpnc.rows_independent = "false"`. Any
 *   batch size is accepted, but one request is one run: never merged.
 * - `independent`: row i of the output depends on row i of the input only — an rpnc model (metadata
 *   `rpnc.version`) with neither key above, or any model with `rpnc.rows_independent = "true"`. Only
 *   these are dynamically batched. An ONNX file without rpnc metadata is treated as `coupled` (the
 *   safe side) unless it says `rpnc.rows_independent = "true"`.
 */
import onnxProto from 'onnx-proto';
import { DiagnosticError, diag } from '../diagnostics.js';
import { decodeModelProto } from '../onnx/nesting.js';

const { onnx } = onnxProto;
const DT = onnx.TensorProto.DataType;

/** How a model's batch axis may be used: merged across requests (`independent`) or never (`coupled`, `fixed`). */
export type BatchKind = 'independent' | 'coupled' | 'fixed';

/** A tensor of the interface: name, element type, and dims (−1 for a free dimension). */
export interface TensorSig {
  name: string;
  /** KServe v2 / Triton datatype name without prefix: `FP32`, `FP16`, … */
  datatype: 'FP32' | 'FP16';
  dims: number[];
}

/** The serving view of an ONNX model: its one input and output, and its batch kind with the reason. */
export interface ModelInfo {
  input: TensorSig;
  output: TensorSig;
  kind: BatchKind;
  /** For `fixed`: the rows of the input and of the output. */
  fixedBatch?: number;
  rowsOut?: number;
  /** Why the batch is what it is, for comments, metadata and error messages. */
  reason: string;
  /** The ONNX metadata_props, as a record. */
  metadata: Record<string, string>;
  precision: 'fp32' | 'fp16';
}

/** Metadata key: `"false"` marks a free-batch model whose rows depend on each other; `"true"` an independent one. */
export const ROWS_INDEPENDENT_KEY = 'rpnc.rows_independent';
/** Metadata key written by rpnc for models with an instance interdependence: `"<b> (…; outputs <b'> rows)"`. */
export const FIXED_BATCH_KEY = 'rpnc.fixed_batch';

const DATATYPES: Record<number, TensorSig['datatype']> = { [DT.FLOAT]: 'FP32', [DT.FLOAT16]: 'FP16' };

function sig(v: onnxProto.onnx.IValueInfoProto, what: string): TensorSig {
  const t = v.type?.tensorType;
  const datatype = DATATYPES[t?.elemType ?? -1];
  const dims = (t?.shape?.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1));
  if (!datatype || dims.length < 1) {
    throw new DiagnosticError(diag('RPN7001', `the model's ${what} '${v.name}' is not a float32 or float16 tensor of rank ≥ 1 (element type ${t?.elemType ?? 'none'}, rank ${dims.length})`, { hint: 'serve and export ONNX files built by `rpnc build`' }));
  }
  return { name: v.name ?? '', datatype, dims };
}

/** The serving view of an ONNX model (bytes, or a decoded ModelProto). Throws RPN7001 / RPN3401. */
export function modelInfo(model: Uint8Array | onnxProto.onnx.IModelProto): ModelInfo {
  let m: onnxProto.onnx.IModelProto;
  if (model instanceof Uint8Array) {
    try {
      m = decodeModelProto(model);
    } catch (e) {
      throw new DiagnosticError(diag('RPN3401', `not an ONNX model: ${(e as Error).message}`, { hint: 'pass an .onnx file written by `rpnc build`' }));
    }
  } else m = model;
  const g = m.graph;
  if (!g) throw new DiagnosticError(diag('RPN3401', 'not an ONNX model: it has no graph', { hint: 'pass an .onnx file written by `rpnc build`' }));
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const inputs = (g.input ?? []).filter((v) => !inits.has(v.name));
  const outputs = g.output ?? [];
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new DiagnosticError(diag('RPN7001', `the model has ${inputs.length} input(s) and ${outputs.length} output(s); rpnc serves models with one input and one output`, { hint: 'serve and export ONNX files built by `rpnc build`' }));
  }
  const input = sig(inputs[0], 'input');
  const output = sig(outputs[0], 'output');
  const metadata: Record<string, string> = {};
  for (const p of m.metadataProps ?? []) metadata[p.key ?? ''] = p.value ?? '';
  const precision = (metadata['rpnc.precision'] ?? '').startsWith('fp16') ? 'fp16' : 'fp32';
  const fixedMeta = metadata[FIXED_BATCH_KEY];
  const rowsFlag = metadata[ROWS_INDEPENDENT_KEY]?.trim().toLowerCase();
  if (input.dims[0] > 0 || fixedMeta !== undefined) {
    const b = input.dims[0] > 0 ? input.dims[0] : Number(/^\s*(\d+)/.exec(fixedMeta ?? '')?.[1] ?? NaN);
    const rowsOut = output.dims[0] > 0 ? output.dims[0] : Number(/outputs (\d+) rows/.exec(fixedMeta ?? '')?.[1] ?? b);
    return { input, output, kind: 'fixed', fixedBatch: b, rowsOut, reason: `the batch is fixed at ${b} rows (an instance interdependence mixes the rows of the batch; outputs ${rowsOut} rows)`, metadata, precision };
  }
  if (rowsFlag === 'false') {
    return { input, output, kind: 'coupled', reason: `the rows of a batch depend on each other (metadata ${ROWS_INDEPENDENT_KEY} = "false")`, metadata, precision };
  }
  if (rowsFlag === 'true' || metadata['rpnc.version'] !== undefined) {
    return { input, output, kind: 'independent', reason: 'each output row depends only on its own input row', metadata, precision };
  }
  return { input, output, kind: 'coupled', reason: `the ONNX file has no rpnc metadata saying its rows are independent (${ROWS_INDEPENDENT_KEY})`, metadata, precision };
}
