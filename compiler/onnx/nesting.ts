/**
 * Decoding an ONNX ModelProto with protobufjs, whose decoder recurses once per nested message: subgraphs
 * inside subgraphs (If/Loop attributes) or TypeProto sequences of sequences 5,000 deep would overflow the
 * call stack. The nesting is measured first on the wire bytes by the same pre-scan that bounds .onnx files
 * (wire-scan.ts, an explicit stack), and refused past MAX_ONNX_DEPTH.
 */
import onnxProto from 'onnx-proto';
import { MAX_ONNX_DEPTH, scanModelWire, TooDeep } from './wire-scan.js';

/** `onnx.ModelProto.decode(bytes)` after the nesting check; throws Error (the callers' RPN3401) when it nests too deep. */
export function decodeModelProto(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  try {
    scanModelWire(bytes);
  } catch (e) {
    if (e instanceof TooDeep) throw new Error(`its messages nest more than ${MAX_ONNX_DEPTH} deep (subgraphs inside subgraphs, or types inside types); ONNX Runtime refuses such files too`);
    // bytes that are not a protobuf: the decoder says so in its own words
  }
  return onnxProto.onnx.ModelProto.decode(bytes);
}
