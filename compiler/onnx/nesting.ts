/**
 * How deep an ONNX file's messages nest, measured on the wire bytes with an explicit stack before protobufjs
 * decodes them: its decoder recurses once per nested message, so subgraphs inside subgraphs (If/Loop
 * attributes) or TypeProto sequences of sequences 5,000 deep would overflow the call stack. Only the
 * messages that can contain themselves are followed (graph → node → attribute → graph, type → type);
 * the others cannot nest deeper than the schema.
 */
import onnxProto from 'onnx-proto';

/** Message levels an ONNX file may nest (protobuf's own default recursion limit, which ONNX Runtime keeps). */
export const MAX_ONNX_NESTING = 100;

type Msg = 'model' | 'training' | 'function' | 'graph' | 'node' | 'attribute' | 'valueInfo' | 'type' | 'typeElem' | 'typeMap';
/** field number → the message it holds, for the fields that lead to a self-containing message (onnx.proto). */
const CHILDREN: Record<Msg, Record<number, Msg>> = {
  model: { 7: 'graph', 20: 'training', 25: 'function' },
  training: { 1: 'graph', 2: 'graph' },
  function: { 7: 'node' },
  graph: { 1: 'node', 11: 'valueInfo', 12: 'valueInfo', 13: 'valueInfo' },
  node: { 5: 'attribute' },
  attribute: { 6: 'graph', 11: 'graph', 14: 'type', 15: 'type' },
  valueInfo: { 2: 'type' },
  type: { 4: 'typeElem', 5: 'typeMap', 9: 'typeElem' }, // sequence_type, map_type, optional_type
  typeElem: { 1: 'type' },
  typeMap: { 2: 'type' },
};

/**
 * The nesting depth of the self-containing messages of a ModelProto's bytes, stopping once past `limit`
 * (returns limit + 1 then). Malformed bytes end the scan early: the decoder reports them.
 */
export function onnxNesting(bytes: Uint8Array, limit = MAX_ONNX_NESTING): number {
  const stack: { msg: Msg; end: number }[] = [{ msg: 'model', end: bytes.length }];
  let deepest = 1;
  let pos = 0;
  const varint = (): number | undefined => {
    let v = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) return undefined;
      const b = bytes[pos++]!;
      v += (b & 127) * scale;
      if (b < 128) return v;
      scale *= 128;
    }
    return undefined;
  };
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (pos >= top.end) {
      stack.pop();
      continue;
    }
    const tag = varint();
    if (tag === undefined) return deepest;
    const wire = tag % 8;
    const field = Math.floor(tag / 8);
    if (wire === 0) {
      if (varint() === undefined) return deepest;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const len = varint();
      if (len === undefined || len > top.end - pos) return deepest;
      const child = CHILDREN[top.msg][field];
      if (child) {
        stack.push({ msg: child, end: pos + len });
        if (stack.length > deepest) deepest = stack.length;
        if (deepest > limit) return deepest;
      } else pos += len;
    } else return deepest; // groups (3, 4) and unknown wire types: not ONNX, the decoder says so
  }
  return deepest;
}

/** `onnx.ModelProto.decode(bytes)` after the nesting check; throws Error (the callers' RPN3401) when it nests too deep. */
export function decodeModelProto(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  if (onnxNesting(bytes) > MAX_ONNX_NESTING) throw new Error(`its messages nest more than ${MAX_ONNX_NESTING} deep (subgraphs inside subgraphs, or types inside types); ONNX Runtime refuses such files too`);
  return onnxProto.onnx.ModelProto.decode(bytes);
}
