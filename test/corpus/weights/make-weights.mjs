#!/usr/bin/env node
/**
 * Generates the bad-weights corpus: small safetensors files that are broken in one way each, and
 * expect.json with what `rpnc build model.ts -w <file>` must say about each (exit code, diagnostic
 * code, a text the message must contain). Run: node test/corpus/weights/make-weights.mjs
 *
 * The files are written byte by byte here (not with rpnc's writer) so that they can lie.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const W = 'layers.0.heads.0.w';
const B = 'layers.0.heads.0.b';
const w = [0.5, -0.25, 1, 0.125, -1, 2];
const b = [0.1, -0.2];

const bytesOf = (dtype, values) => {
  const size = { F32: 4, F64: 8, F16: 2, BF16: 2, I32: 4, I64: 8 }[dtype] ?? 4;
  const buf = Buffer.alloc(values.length * size);
  values.forEach((v, i) => {
    if (dtype === 'F64') buf.writeDoubleLE(v, i * 8);
    else if (dtype === 'I32') buf.writeInt32LE(Math.trunc(v), i * 4);
    else if (dtype === 'I64') buf.writeBigInt64LE(BigInt(Math.trunc(v)), i * 8);
    else if (size === 2) buf.writeUInt16LE(0x3c00, i * 2);
    else buf.writeFloatLE(v, i * 4);
  });
  return buf;
};

/** A safetensors file from tensors { name: { dtype, shape, values } }; `header` overrides the JSON text. */
function file(tensors, { header, metadata, lengthField, tail = 0 } = {}) {
  const entries = {};
  const parts = [];
  let offset = 0;
  if (metadata !== undefined) entries.__metadata__ = metadata;
  for (const [name, t] of Object.entries(tensors)) {
    const data = bytesOf(t.dtype ?? 'F32', t.values);
    entries[name] = { dtype: t.dtype ?? 'F32', shape: t.shape, data_offsets: t.offsets ?? [offset, offset + data.length] };
    parts.push(data);
    offset += data.length;
  }
  const json = Buffer.from(header ?? JSON.stringify(entries));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(lengthField ?? BigInt(json.length));
  const out = Buffer.concat([len, json, ...parts]);
  return tail < 0 ? out.subarray(0, out.length + tail) : out;
}

const good = () => ({ [W]: { shape: [1, 6], values: w }, [B]: { shape: [2], values: b } });
const goodJson = JSON.stringify({ [W]: { dtype: 'F32', shape: [1, 6], data_offsets: [0, 24] }, [B]: { dtype: 'F32', shape: [2], data_offsets: [24, 32] } });
const goodData = Buffer.concat([bytesOf('F32', w), bytesOf('F32', b)]);
const raw = (jsonText, data = goodData) => rawBytes(Buffer.from(jsonText), data);
const rawBytes = (json, data = goodData) => {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
};

/** name -> [bytes, expectation] */
const cases = {
  good: [file(good()), { exit: 0 }],
  empty: [Buffer.alloc(0), { exit: 1, code: 'RPN3002' }],
  seven_bytes: [Buffer.from([1, 2, 3, 4, 5, 6, 7]), { exit: 1, code: 'RPN3002' }],
  header_length_lies_longer: [file(good(), { lengthField: 4096n }), { exit: 1, code: 'RPN3003', contains: 'truncated' }],
  header_length_huge: [file(good(), { lengthField: 2n ** 63n }), { exit: 1, code: 'RPN3003', contains: 'absurd' }],
  header_length_200mb: [file(good(), { lengthField: 200_000_000n }), { exit: 1, code: 'RPN3003' }],
  header_length_lies_shorter: [file(good(), { lengthField: 10n }), { exit: 1, code: 'RPN3004' }],
  truncated_data: [file(good(), { tail: -5 }), { exit: 1, code: 'RPN3007', contains: B }],
  truncated_in_header: [file(good()).subarray(0, 40), { exit: 1, code: 'RPN3003' }],
  header_not_utf8: [rawBytes(Buffer.concat([Buffer.from('{"a": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')])), { exit: 1, code: 'RPN3004', contains: 'UTF-8' }],
  header_not_json: [raw('{layers: nope}'), { exit: 1, code: 'RPN3004', contains: 'JSON' }],
  header_array: [raw('[1, 2, 3]'), { exit: 1, code: 'RPN3004', contains: 'object' }],
  header_string: [raw('"weights"'), { exit: 1, code: 'RPN3004' }],
  header_null: [raw('null'), { exit: 1, code: 'RPN3004' }],
  header_number: [raw('42'), { exit: 1, code: 'RPN3004' }],
  metadata_not_object: [file(good(), { metadata: 'torch' }), { exit: 1, code: 'RPN3004', contains: '__metadata__' }],
  metadata_value_number: [file(good(), { metadata: { format: 1 } }), { exit: 1, code: 'RPN3004', contains: 'format' }],
  duplicate_key: [raw(goodJson.replace('{', `{"${W}": {"dtype": "F32", "shape": [1, 6], "data_offsets": [0, 24]}, `)), { exit: 1, code: 'RPN3005', contains: W }],
  duplicate_field: [raw(goodJson.replace('"dtype":"F32"', '"dtype":"F32","dtype":"F64"')), { exit: 1, code: 'RPN3005', contains: 'dtype' }],
  entry_not_object: [raw(JSON.stringify({ [W]: [1, 6], [B]: { dtype: 'F32', shape: [2], data_offsets: [24, 32] } })), { exit: 1, code: 'RPN3006', contains: W }],
  missing_dtype: [raw(goodJson.replace('"dtype":"F32",', '')), { exit: 1, code: 'RPN3006', contains: 'dtype' }],
  missing_shape: [raw(goodJson.replace('"shape":[1,6],', '')), { exit: 1, code: 'RPN3006', contains: 'shape' }],
  missing_offsets: [raw(goodJson.replace(',"data_offsets":[0,24]', '')), { exit: 1, code: 'RPN3006', contains: 'data_offsets' }],
  dtype_not_string: [raw(goodJson.replace('"dtype":"F32"', '"dtype":32')), { exit: 1, code: 'RPN3006' }],
  shape_negative: [raw(goodJson.replace('[1,6]', '[-1,6]')), { exit: 1, code: 'RPN3006', contains: 'dimension' }],
  shape_fraction: [raw(goodJson.replace('[1,6]', '[0.5,12]')), { exit: 1, code: 'RPN3006' }],
  shape_string: [raw(goodJson.replace('[1,6]', '"1x6"')), { exit: 1, code: 'RPN3006' }],
  shape_huge: [raw(goodJson.replace('[1,6]', '[1000000000,1000000000]')), { exit: 1, code: 'RPN3007' }],
  offsets_reversed: [raw(goodJson.replace('[0,24]', '[24,0]')), { exit: 1, code: 'RPN3007', contains: 'end before begin' }],
  offsets_out_of_range: [raw(goodJson.replace('[24,32]', '[1024,1032]')), { exit: 1, code: 'RPN3007', contains: 'beyond' }],
  offsets_overlap: [raw(goodJson.replace('[24,32]', '[16,24]')), { exit: 1, code: 'RPN3007', contains: 'overlap' }],
  offsets_size_mismatch: [raw(goodJson.replace('[24,32]', '[24,28]')), { exit: 1, code: 'RPN3007', contains: 'needs 8 bytes' }],
  offsets_three_numbers: [raw(goodJson.replace('[0,24]', '[0,12,24]')), { exit: 1, code: 'RPN3006' }],
  offsets_negative: [raw(goodJson.replace('[0,24]', '[-24,0]')), { exit: 1, code: 'RPN3006' }],
  dtype_f64: [file({ [W]: { dtype: 'F64', shape: [1, 6], values: w }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3008', contains: 'F64' }],
  dtype_i32: [file({ [W]: { dtype: 'I32', shape: [1, 6], values: w }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3008', contains: 'I32' }],
  dtype_bf16: [file({ [W]: { dtype: 'BF16', shape: [1, 6], values: w }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3008', contains: 'BF16' }],
  dtype_f16: [file({ [W]: { dtype: 'F16', shape: [1, 6], values: w }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3008', contains: 'F16' }],
  dtype_unknown: [raw(goodJson.replace('"dtype":"F32"', '"dtype":"F33"')), { exit: 1, code: 'RPN3008', contains: 'F33' }],
  value_nan: [file({ [W]: { shape: [1, 6], values: [0, 1, NaN, 3, 4, 5] }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3009', contains: `'${W}' contains NaN at index 2` }],
  value_inf: [file({ [W]: { shape: [1, 6], values: w }, [B]: { shape: [2], values: [0, Infinity] } }), { exit: 1, code: 'RPN3009', contains: `'${B}' contains Infinity` }],
  value_neg_inf: [file({ [W]: { shape: [1, 6], values: [-Infinity, 0, 0, 0, 0, 0] }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3009', contains: '-Infinity' }],
  missing_bias: [file({ [W]: { shape: [1, 6], values: w } }), { exit: 1, code: 'RPN3101', contains: B }],
  missing_everything: [file({}), { exit: 1, code: 'RPN3101', contains: W }],
  wrong_prefix: [file({ 'heads.0.w': { shape: [1, 6], values: w }, 'heads.0.b': { shape: [2], values: b } }), { exit: 1, code: 'RPN3101', contains: W }],
  wrong_shape: [file({ [W]: { shape: [2, 3], values: w }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3102', contains: '[1,6]' }],
  transposed_shape: [file({ [W]: { shape: [6, 1], values: w }, [B]: { shape: [2], values: b } }), { exit: 1, code: 'RPN3102', contains: W }],
  unknown_key: [file({ ...good(), 'layers.0.heads.0.w_remainder': { shape: [2, 3], values: w } }), { exit: 1, code: 'RPN3103', contains: 'w_remainder' }],
  // two files holding the same key (the expectation lists both files)
  duplicate_across_files: [file(good()), { exit: 1, code: 'RPN3010', weights: ['good.safetensors', 'duplicate_across_files.safetensors'] }],
};

const expect = {};
for (const [name, [bytes, expectation]] of Object.entries(cases)) {
  fs.writeFileSync(path.join(here, `${name}.safetensors`), bytes);
  expect[`${name}.safetensors`] = expectation;
}
fs.writeFileSync(path.join(here, 'expect.json'), JSON.stringify(expect, null, 2) + '\n');
console.log(`${Object.keys(cases).length} weight files written to ${path.relative(process.cwd(), here)}`);
