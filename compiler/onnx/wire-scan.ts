/**
 * A pre-scan of an ONNX file's protobuf wire format, before anything is decoded.
 *
 * Decoding a ModelProto (protobufjs) builds one JavaScript object per message, string and 64-bit
 * number: a 30 MB file of 15 million empty `node` fields becomes ~2.5 GB of heap and an out-of-memory
 * crash. The scan walks the wire format instead — tags, lengths, nested messages of the ONNX schema,
 * no allocation per field — and counts what decoding would build: operator nodes (in the main graph,
 * in subgraphs held by attributes, in functions and training graphs), messages, and an estimate of
 * the decoded size. It also finds what makes a file not a protobuf at all (a length running past the
 * end of its message, an invalid wire type, a varint longer than 10 bytes), with the byte offset and
 * the path of fields to it.
 *
 * Only the fields onnx-proto decodes are described below (field numbers from onnx.proto); any other
 * field is skipped by the decoder and costs nothing, so the scan skips it too.
 */

/**
 * How a field is decoded: a nested message, a string or bytes, or numbers (`i64`: 64-bit varints, a
 * Long object each; `num`: other varints; `f32`/`f64`: fixed 4/8 bytes); `[]`: a repeated number,
 * packed (one length-delimited field) or not.
 */
type Scalar = 'i64' | 'num' | 'f32' | 'f64';
type FieldKind = { msg: string } | 'str' | Scalar | `${Scalar}[]`;
/** The wire type of each scalar kind: 0 varint, 1 fixed 8 bytes, 5 fixed 4 bytes. */
const SCALAR_WIRE: Record<Scalar, number> = { i64: 0, num: 0, f32: 5, f64: 1 };
type Schema = Record<number, [name: string, kind: FieldKind]>;

const m = (t: string): FieldKind => ({ msg: t });
const ENTRY = m('StringStringEntryProto');

const SCHEMA: Record<string, Schema> = {
  ModelProto: { 1: ['ir_version', 'i64'], 2: ['producer_name', 'str'], 3: ['producer_version', 'str'], 4: ['domain', 'str'], 5: ['model_version', 'i64'], 6: ['doc_string', 'str'], 7: ['graph', m('GraphProto')], 8: ['opset_import', m('OperatorSetIdProto')], 14: ['metadata_props', ENTRY], 20: ['training_info', m('TrainingInfoProto')], 25: ['functions', m('FunctionProto')] },
  GraphProto: { 1: ['node', m('NodeProto')], 2: ['name', 'str'], 5: ['initializer', m('TensorProto')], 15: ['sparse_initializer', m('SparseTensorProto')], 10: ['doc_string', 'str'], 11: ['input', m('ValueInfoProto')], 12: ['output', m('ValueInfoProto')], 13: ['value_info', m('ValueInfoProto')], 14: ['quantization_annotation', m('TensorAnnotation')] },
  NodeProto: { 1: ['input', 'str'], 2: ['output', 'str'], 3: ['name', 'str'], 4: ['op_type', 'str'], 7: ['domain', 'str'], 5: ['attribute', m('AttributeProto')], 6: ['doc_string', 'str'] },
  AttributeProto: { 1: ['name', 'str'], 21: ['ref_attr_name', 'str'], 13: ['doc_string', 'str'], 20: ['type', 'num'], 2: ['f', 'f32'], 3: ['i', 'i64'], 4: ['s', 'str'], 5: ['t', m('TensorProto')], 6: ['g', m('GraphProto')], 22: ['sparse_tensor', m('SparseTensorProto')], 14: ['tp', m('TypeProto')], 7: ['floats', 'f32[]'], 8: ['ints', 'i64[]'], 9: ['strings', 'str'], 10: ['tensors', m('TensorProto')], 11: ['graphs', m('GraphProto')], 23: ['sparse_tensors', m('SparseTensorProto')], 15: ['type_protos', m('TypeProto')] },
  ValueInfoProto: { 1: ['name', 'str'], 2: ['type', m('TypeProto')], 3: ['doc_string', 'str'] },
  TrainingInfoProto: { 1: ['initialization', m('GraphProto')], 2: ['algorithm', m('GraphProto')], 3: ['initialization_binding', ENTRY], 4: ['update_binding', ENTRY] },
  StringStringEntryProto: { 1: ['key', 'str'], 2: ['value', 'str'] },
  TensorAnnotation: { 1: ['tensor_name', 'str'], 2: ['quant_parameter_tensor_names', ENTRY] },
  TensorProto: { 1: ['dims', 'i64[]'], 2: ['data_type', 'num'], 3: ['segment', m('Segment')], 4: ['float_data', 'f32[]'], 5: ['int32_data', 'num[]'], 6: ['string_data', 'str'], 7: ['int64_data', 'i64[]'], 8: ['name', 'str'], 12: ['doc_string', 'str'], 9: ['raw_data', 'str'], 13: ['external_data', ENTRY], 14: ['data_location', 'num'], 10: ['double_data', 'f64[]'], 11: ['uint64_data', 'i64[]'] },
  Segment: { 1: ['begin', 'i64'], 2: ['end', 'i64'] },
  SparseTensorProto: { 1: ['values', m('TensorProto')], 2: ['indices', m('TensorProto')], 3: ['dims', 'i64[]'] },
  TensorShapeProto: { 1: ['dim', m('Dimension')] },
  Dimension: { 1: ['dim_value', 'i64'], 2: ['dim_param', 'str'], 3: ['denotation', 'str'] },
  TypeProto: { 1: ['tensor_type', m('TypeTensor')], 4: ['sequence_type', m('TypeSequence')], 5: ['map_type', m('TypeMap')], 9: ['optional_type', m('TypeSequence')], 8: ['sparse_tensor_type', m('TypeTensor')], 6: ['denotation', 'str'] },
  TypeTensor: { 1: ['elem_type', 'num'], 2: ['shape', m('TensorShapeProto')] },
  TypeSequence: { 1: ['elem_type', m('TypeProto')] },
  TypeMap: { 1: ['key_type', 'num'], 2: ['value_type', m('TypeProto')] },
  OperatorSetIdProto: { 1: ['domain', 'str'], 2: ['version', 'i64'] },
  FunctionProto: { 1: ['name', 'str'], 4: ['input', 'str'], 5: ['output', 'str'], 6: ['attribute', 'str'], 7: ['node', m('NodeProto')], 8: ['doc_string', 'str'], 9: ['opset_import', m('OperatorSetIdProto')], 10: ['domain', 'str'] },
};

/**
 * Bytes of JavaScript heap decoding builds, roughly (measured with onnx-proto's decoder on Node 20:
 * 500,000 empty NodeProto take 80 MB, 5,000,000 packed int64 values 300 MB).
 */
const COST = { message: 160, string: 64, i64: 64, number: 16 } as const;

/** A field of the schema, compiled for the scan: the wire type it must have, and what it costs. */
interface Field {
  name: string;
  /** Index into TYPES of a nested message, else -1. */
  msg: number;
  wire: number;
  /** A repeated number that may also come packed (wire type 2). */
  packable: boolean;
  scalar: Scalar | undefined;
  str: boolean;
}
const TYPE_NAMES = Object.keys(SCHEMA);
const TYPES: { name: string; fields: (Field | undefined)[] }[] = TYPE_NAMES.map((name) => {
  const fields: (Field | undefined)[] = [];
  for (const [num, [fname, kind]] of Object.entries(SCHEMA[name])) {
    const scalar = typeof kind === 'string' && kind !== 'str' ? (kind.replace('[]', '') as Scalar) : undefined;
    fields[Number(num)] = {
      name: fname,
      msg: typeof kind === 'object' ? TYPE_NAMES.indexOf(kind.msg) : -1,
      wire: scalar !== undefined ? SCALAR_WIRE[scalar] : 2,
      packable: typeof kind === 'string' && kind.endsWith('[]'),
      scalar,
      str: kind === 'str',
    };
  }
  return { name, fields };
});
const MODEL = TYPE_NAMES.indexOf('ModelProto');
const NODE = TYPE_NAMES.indexOf('NodeProto');

export interface WireCounts {
  /** NodeProto messages anywhere in the model (graphs, subgraphs, functions). */
  nodes: number;
  /** Messages of every type. */
  messages: number;
  /** Estimated JavaScript heap the decoded ModelProto takes, in bytes. */
  decodedBytes: number;
  /** Deepest nesting of messages (ModelProto is 1). */
  depth: number;
  /** Whether the ModelProto has a `graph` field. */
  hasGraph: boolean;
  /** The scan stopped at this byte, its estimate past `stopAtBytes`: the counts are lower bounds. */
  stoppedAt?: number;
}

/** Where the bytes stop being a protobuf: what is wrong, at which byte, under which fields. */
export class WireError extends Error {
  constructor(readonly what: string, readonly offset: number, readonly where: string) {
    super(`${what} at byte ${offset}${where ? ` (in ${where})` : ''}`);
  }
}

/** Message levels an ONNX file may nest: protobuf's own default recursion limit, which ONNX Runtime keeps. */
export const MAX_ONNX_DEPTH = 100;

/** The nesting a scan refuses to follow (MAX_ONNX_DEPTH unless told). */
export class TooDeep extends Error {
  constructor(readonly depth: number, readonly where: string) {
    super(`messages nested more than ${depth} deep (in ${where})`);
  }
}

class Stop extends Error {}

/**
 * Scan `bytes` as a ModelProto. Throws WireError when they are not a protobuf, TooDeep past `maxDepth`.
 * The scan stops (`stoppedAt`) once the decoded-size estimate passes `stopAtBytes`: what is known by
 * then is enough to refuse, and a scan of a 2 GB file of empty fields would take a minute.
 */
export function scanModelWire(bytes: Uint8Array, opts: { maxDepth?: number; stopAtBytes?: number } = {}): WireCounts {
  const maxDepth = opts.maxDepth ?? MAX_ONNX_DEPTH;
  const stopAt = opts.stopAtBytes ?? Infinity;
  const c: WireCounts = { nodes: 0, messages: 0, decodedBytes: 0, depth: 0, hasGraph: false };
  const path: string[] = [];
  let pos = 0;
  const fail = (what: string, at = pos): never => {
    throw new WireError(what, at, path.join('.'));
  };
  const varint = (end: number): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) fail('the message ends inside a varint (truncated?)');
      const b = bytes[pos++];
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return v;
    }
    return fail('a varint longer than 10 bytes', pos - 10);
  };
  const scan = (type: number, end: number, depth: number): void => {
    c.messages++;
    c.decodedBytes += COST.message;
    if (type === NODE) c.nodes++;
    if (depth > c.depth) c.depth = depth;
    if (depth > maxDepth) throw new TooDeep(maxDepth, path.join('.'));
    if (c.decodedBytes > stopAt) throw new Stop();
    const fields = TYPES[type].fields;
    while (pos < end) {
      const at = pos;
      const b0 = bytes[at];
      const tag = b0 < 0x80 ? (pos++, b0) : varint(end); // one-byte tags: fields 1-15
      const field = Math.floor(tag / 8);
      const wire = tag & 7;
      if (field === 0 || field >= 2 ** 29) fail(`an invalid field number ${field}`, at);
      if (wire === 3 || wire === 4 || wire > 5) fail(`wire type ${wire}${wire < 5 ? ' (a group, which no ONNX message has)' : ', which protobuf does not have'}`, at);
      const f = fields[field];
      // a field of the schema with a wire type its decoder does not expect would be misread
      if (f !== undefined && wire !== f.wire && !(wire === 2 && f.packable)) fail(`field ${field} (${f.name}) of ${TYPES[type].name} has wire type ${wire}, not ${f.wire}`, at);
      if (wire === 0) {
        varint(end);
        if (f !== undefined) c.decodedBytes += f.scalar === 'i64' ? COST.i64 : COST.number;
      } else if (wire === 1 || wire === 5) {
        pos += wire === 1 ? 8 : 4;
        if (pos > end) fail('the message ends inside a fixed-size field (truncated?)', at);
        if (f !== undefined) c.decodedBytes += COST.number;
      } else {
        const l0 = bytes[pos];
        const len = l0 < 0x80 && pos < end ? (pos++, l0) : varint(end);
        const stop = pos + len;
        if (stop > end) fail(`a field of ${len} bytes runs past the end of its message (truncated?)`, at);
        if (f === undefined) {
          // skipped by the decoder
        } else if (f.msg >= 0) {
          if (type === MODEL && field === 7) c.hasGraph = true;
          path.push(f.name);
          scan(f.msg, stop, depth + 1);
          path.pop();
        } else if (f.str) c.decodedBytes += COST.string + len;
        else if (f.scalar === 'f32' || f.scalar === 'f64') {
          const size = f.scalar === 'f32' ? 4 : 8;
          if (len % size) fail(`a packed list of ${size}-byte numbers of ${len} bytes`, at);
          c.decodedBytes += (len / size) * COST.number;
        } else {
          let n = 0; // packed varints: one per byte below 0x80
          for (let i = pos; i < stop; i++) if (bytes[i] < 0x80) n++;
          if (len && bytes[stop - 1] >= 0x80) fail('a packed list ends inside a varint', stop - 1);
          c.decodedBytes += n * (f.scalar === 'i64' ? COST.i64 : COST.number);
        }
        pos = stop;
      }
    }
  };
  try {
    scan(MODEL, bytes.length, 1);
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    c.stoppedAt = pos;
  }
  return c;
}
