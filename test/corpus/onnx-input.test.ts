/**
 * Issue #18, ONNX as input: `rpnc inspect x.onnx` and `rpnc run x.onnx` on files rpnc did not write.
 *
 * 1. Bounded before decoding (compiler/onnx/read-onnx.ts): 15 million empty nodes in 30 MB (was 49 s
 *    and a V8 out-of-memory crash, exit 134) refused by count in seconds with bounded memory; truncated,
 *    garbage, another format, a FIFO, a directory: one diagnostic each, exit 1, no stack trace.
 * 2. Models from other tools, built here by hand with onnx-proto: outputs of every rank and element
 *    type printed and written exactly (the values derived by hand from the input and the ops), or
 *    refused (RPN3404); inputs rpnc run cannot feed refused.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeasuredRun, runRpncMeasured } from '../helpers/rpnc.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { readOnnxFile, checkOnnxBytes, MAX_ONNX_DECODED_BYTES } from '../../compiler/onnx/read-onnx.js';
import { scanModelWire } from '../../compiler/onnx/wire-scan.js';
import { MAX_IR_NODES } from '../../compiler/spec/limits.js';
import { outputsJson, writeModelOutputs, type ModelOutput } from '../../runtime/io/model-output.js';
import { checkRunInputShape, runInput, runModelOutputs } from '../../runtime/run-model.js';
import { createSession } from '../../runtime/session.js';

const { onnx } = onnxProto;
const T = onnx.TensorProto.DataType;
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
let tmp: string;

/** `rpnc <argv>` in the test's temporary folder, timed and with its peak RSS. */
const rpnc = (argv: string[], timeoutMs = 60_000) => runRpncMeasured(tmp, argv, timeoutMs);

/** One error diagnostic with `code`, exit 1, no JavaScript stack trace. */
function expectOneError(r: MeasuredRun, code: string): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr.match(/error RPN\d{4}/g)).toEqual([`error ${code}`]);
  expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)|RPN4000/);
}

// ---- hand-made ONNX models ----------------------------------------------------------------------

type Dim = number | string;
const vi = (name: string, elemType: number, dims: Dim[] | null) => ({
  name,
  type: { tensorType: { elemType, ...(dims ? { shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } : {}) } },
});
const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({ opType, input, output, attribute });
const cast = (input: string, output: string, to: number) => node('Cast', [input], [output], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }]);
const int64s = (name: string, dims: number[], values: bigint[]) => {
  const raw = new Uint8Array(values.length * 8);
  values.forEach((v, i) => new DataView(raw.buffer).setBigInt64(i * 8, v, true));
  return { name, dataType: T.INT64, dims, rawData: raw };
};
const float64s = (name: string, values: number[]) => ({ name, dataType: T.DOUBLE, dims: [], rawData: new Uint8Array(Float64Array.from(values).buffer) });

function model(graph: object, producerName = 'hand-made (test/corpus/onnx-input.test.ts)'): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, producerName, opsetImport: [{ domain: '', version: 17 }], graph: { name: 'g', ...graph } })).finish();
}
function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** The input of the output-type models (float32). */
const X = [[1, -2.5, 1.7, 0.1], [3000, 0.5, -0.1, 2]];
const TWO_53 = 9007199254740992n;

/** One float32 input x [N, 4], one output per element type and rank (all values derived by hand below). */
function everyTypeModel(): Uint8Array {
  return model({
    node: [
      node('Reshape', ['x', 'shape3'], ['rank3']), // [2, 2, 2]: all 8 values
      cast('x', 'x64', T.INT64),
      node('Add', ['x64', 'big'], ['int64']), // trunc(x) + 2^53: exact only as 64-bit integers
      cast('x', 'xd', T.DOUBLE),
      node('Div', ['xd', 'three'], ['float64']), // x / 3 in float64
      node('Greater', ['x', 'zero'], ['bool']),
      cast('x', 'float16', T.FLOAT16),
      cast('x', 'int32', T.INT32),
      cast('int32', 'int8', T.INT8), // int32 → int8 wraps modulo 256
      cast('int32', 'uint8', T.UINT8),
      node('ReduceMax', ['x'], ['rank0'], [{ name: 'keepdims', type: onnx.AttributeProto.AttributeType.INT, i: 0 }]),
      node('Reshape', ['x', 'flat'], ['rank1']),
    ],
    initializer: [int64s('shape3', [3], [2n, 2n, 2n]), int64s('big', [], [TWO_53]), float64s('three', [3]), { name: 'zero', dataType: T.FLOAT, dims: [], floatData: [0] }, int64s('flat', [1], [-1n])],
    input: [vi('x', T.FLOAT, ['N', 4])],
    output: [
      vi('rank3', T.FLOAT, [2, 2, 2]), vi('int64', T.INT64, ['N', 4]), vi('float64', T.DOUBLE, ['N', 4]), vi('bool', T.BOOL, ['N', 4]), vi('float16', T.FLOAT16, ['N', 4]),
      vi('int32', T.INT32, ['N', 4]), vi('int8', T.INT8, ['N', 4]), vi('uint8', T.UINT8, ['N', 4]), vi('rank0', T.FLOAT, []), vi('rank1', T.FLOAT, [8]),
    ],
  });
}

const f32 = (v: number) => Math.fround(v);
/** The half-precision value nearest to v (round to nearest even), for the normal range used here. */
function half(v: number): number {
  const e = Math.floor(Math.log2(Math.abs(v)));
  const q = 2 ** (e - 10);
  const r = Math.abs(v) / q;
  const n = Math.floor(r);
  const k = r - n > 0.5 || (r - n === 0.5 && n % 2 === 1) ? n + 1 : n;
  return Math.sign(v) * k * q;
}
const xs = X.flat().map(f32);
const truncs = xs.map((v) => Math.trunc(v) + 0); // (+ 0: no -0)
const EXPECTED = {
  rank3: [[[xs[0], xs[1]], [xs[2], xs[3]]], [[xs[4], xs[5]], [xs[6], xs[7]]]],
  float64: [xs.slice(0, 4).map((v) => v / 3), xs.slice(4).map((v) => v / 3)],
  bool: [xs.slice(0, 4).map((v) => v > 0), xs.slice(4).map((v) => v > 0)],
  float16: [xs.slice(0, 4).map(half), xs.slice(4).map(half)],
  rank0: Math.max(...xs),
  rank1: xs,
};

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-onnx-input-'));
  fs.writeFileSync(path.join(tmp, 'x.json'), JSON.stringify(X));
  fs.writeFileSync(path.join(tmp, 'x1.json'), JSON.stringify([X[0]]));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What `rpnc run <file> -i <x>` does, in this process (the CLI itself is spawned for a few cases per test). */
async function runHere(file: string, x: unknown[]): Promise<ModelOutput[]> {
  const shape: number[] = [];
  for (let v: unknown = x; Array.isArray(v); v = v[0]) shape.push(v.length);
  const s = await createSession(file);
  const meta = runInput(s);
  checkRunInputShape(meta, shape, 'x');
  return runModelOutputs(s, meta, { shape, data: Float32Array.from((x as unknown[]).flat(3) as number[]) });
}
/** The diagnostic codes and message of what `f` throws. */
async function thrown(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.message;
    throw e;
  }
  throw new Error('no DiagnosticError');
}

describe('an .onnx file is bounded before it is decoded', () => {
  it('15 million empty nodes (30 MB): refused by count (RPN3402) in seconds, in bounded memory, by inspect and run', async () => {
    const n = 15_000_000;
    const graph = Buffer.alloc(2 * n).fill(Buffer.from([0x0a, 0x00])); // GraphProto.node (field 1), empty, n times
    const len: number[] = [];
    for (let x = graph.length; ; x = Math.floor(x / 128)) {
      if (x < 128) { len.push(x); break; }
      len.push((x & 127) | 128);
    }
    const file = write('nodes.onnx', Buffer.concat([Buffer.from([0x08, 0x08, 0x3a, ...len]), graph])); // ir_version 8, graph (field 7)
    const [inspect, run] = await Promise.all([rpnc(['inspect', file]), rpnc(['run', file, '-i', 'x.json'])]);
    for (const r of [inspect, run]) {
      expectOneError(r, 'RPN3402');
      expect(r.stderr).toContain(`'${file}' has 15,000,000 operator nodes; rpnc reads ONNX models of at most ${MAX_IR_NODES.toLocaleString('en-US')} nodes`);
      expect(r.stderr).toContain('hint:');
      expect(r.ms).toBeLessThan(20_000); // (was 49 s, then a crash); ~2 s alone, both together on a loaded runner
      expect(r.peakRssKb).toBeLessThan(400_000); // decoding it takes > 2.5 GB
    }
  }, 60_000);

  it('a truncated model, a text file, garbage, an empty file: RPN3401 with the byte; a FIFO, a directory: RPN3403', async () => {
    const good = everyTypeModel();
    const truncated = write('truncated.onnx', good.subarray(0, good.length >> 1));
    const fifo = path.join(tmp, 'pipe.onnx');
    if (process.platform !== 'win32') execFileSync('mkfifo', [fifo]);
    const [t, p] = await Promise.all([rpnc(['run', truncated, '-i', 'x.json']), process.platform !== 'win32' ? rpnc(['inspect', fifo], 30_000) : Promise.resolve(undefined)]);
    expectOneError(t, 'RPN3401');
    expect(t.stderr).toMatch(new RegExp(`'${truncated}' is not an ONNX model: not a valid protobuf: a field of \\d+ bytes runs past the end of its message \\(truncated\\?\\) at byte \\d+; the file has ${good.length >> 1} bytes`));
    if (p) {
      expectOneError(p, 'RPN3403'); // (a blocked open would be killed: code null)
      expect(p.stderr).toContain(`'${fifo}' is not an ONNX file: it is a FIFO (named pipe)`);
    }
    const text = write('readme.onnx', new TextEncoder().encode('# not a model\nhello\n'));
    expect(await thrown(() => readOnnxFile(text))).toBe(`RPN3401: '${text}' is not an ONNX model: not a valid protobuf: wire type 3 (a group, which no ONNX message has) at byte 0; the file has 20 bytes`); // '#' = 0x23: field 4, wire type 3
    const dir = path.join(tmp, 'dir.onnx');
    fs.mkdirSync(dir);
    expect(await thrown(() => readOnnxFile(dir))).toBe(`RPN3403: '${dir}' is not an ONNX file: it is a directory`);
    expect(await thrown(() => readOnnxFile(path.join(tmp, 'none.onnx')))).toMatch(/^RPN3405: ONNX file '.*none.onnx' not found$/);
    for (const [bytes, msg] of [
      [new Uint8Array(0), 'is not an ONNX model: it is empty'],
      [Uint8Array.from([0x08, 0x08]), 'is not an ONNX model: it has no graph'],
      [Uint8Array.from([0x3a, 0x01, 0x0a]), 'the message ends inside a varint (truncated?) at byte 3 (in graph)'],
      [Uint8Array.from([0x3a, 0x02, 0x08, 0x01]), 'field 1 (node) of GraphProto has wire type 0, not 2 at byte 2 (in graph)'],
    ] as const) {
      const e = (() => { try { checkOnnxBytes(bytes, 'm'); } catch (err) { return err; } })();
      expect(e).toBeInstanceOf(DiagnosticError);
      expect((e as DiagnosticError).diagnostics.map((g) => g.code)).toEqual(['RPN3401']);
      expect((e as DiagnosticError).message).toContain(msg);
    }
  }, 60_000);

  it('limits below the node count: nesting (RPN3402), memory to decode (RPN3402); the scan counts nested graphs', () => {
    // a node whose attribute holds a graph whose node holds a graph ... 60 graphs deep: 181 messages deep
    let g = onnx.GraphProto.create({ name: 'leaf' });
    for (let i = 0; i < 60; i++) g = onnx.GraphProto.create({ node: [{ opType: 'If', attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g }] }] });
    const deep = onnx.ModelProto.encode({ graph: g }).finish();
    const c = scanModelWire(deep, { maxDepth: 1000 });
    expect([c.nodes, c.depth]).toEqual([60, 182]);
    expect(() => checkOnnxBytes(deep, 'deep')).toThrow(/RPN3402: deep has protobuf messages nested more than 100 deep \(graph(\.node\.attribute\.g)+\)/);
    // 20 million packed int64 values in 20 MB: 1.3 GB of Long objects once decoded
    const field = (tag: number, body: Uint8Array) => Buffer.concat([Buffer.from([tag, ...varint(body.length)]), body]);
    const ints = field(0x3a, new Uint8Array(20_000_000).fill(1)); // TensorProto.int64_data (field 7), packed
    const bytes = field(0x3a, field(0x2a, ints)); // ModelProto.graph → GraphProto.initializer
    expect(scanModelWire(bytes).decodedBytes).toBe(3 * 160 + 20_000_000 * 64);
    expect(() => checkOnnxBytes(bytes, 'ints')).toThrow(/RPN3402: ints would take about 1280 MB of memory to decode \(3 messages, and lists of numbers stored one by one\), beyond rpnc's limit of 1074 MB/);
    // a real model passes: the scan agrees with the decoder
    const every = everyTypeModel();
    const m = onnx.ModelProto.decode(every);
    expect(scanModelWire(every).nodes).toBe(m.graph!.node!.length);
    expect(Buffer.from(readOnnxFile(write('every.onnx', every))).equals(Buffer.from(every))).toBe(true);
  });
});

function varint(x: number): number[] {
  const a: number[] = [];
  for (; x >= 128; x = Math.floor(x / 128)) a.push((x & 127) | 128);
  a.push(x);
  return a;
}

/** .npy: descr, shape and raw data bytes (read here independently of rpnc's reader). */
function readNpy(file: string): { descr: string; shape: number[]; data: DataView } {
  const b = fs.readFileSync(file);
  const hlen = b.readUInt16LE(8);
  const header = b.subarray(10, 10 + hlen).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)![1];
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { descr, shape, data: new DataView(b.buffer, b.byteOffset + 10 + hlen, b.length - 10 - hlen) };
}

describe('outputs of any rank and element type (models from other tools)', () => {
  it('printed exactly: rank 0-3, float32/16/64, int64 beyond 2^53, int32/8, uint8, bool; written as .safetensors with their own dtypes', async () => {
    const file = write('every.onnx', everyTypeModel());
    const st = path.join(tmp, 'every.safetensors');
    const [r, w] = await Promise.all([rpnc(['run', file, '-i', 'x.json']), rpnc(['run', file, '-i', 'x.json', '-o', st])]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['rank3', 'int64', 'float64', 'bool', 'float16', 'int32', 'int8', 'uint8', 'rank0', 'rank1']);
    expect(out.rank3).toEqual(EXPECTED.rank3);
    expect(out.float64).toEqual(EXPECTED.float64);
    expect(out.float64[0][0]).toBe(1 / 3); // float64 precision, not float32's 0.3333333432674408
    expect(out.bool).toEqual(EXPECTED.bool);
    expect(out.rank0).toBe(EXPECTED.rank0);
    expect(out.rank1).toEqual(EXPECTED.rank1);
    expect(out.int32).toEqual([truncs.slice(0, 4), truncs.slice(4)]);
    expect(out.int8).toEqual([[1, -2, 1, 0], [-72, 0, 0, 2]]); // 3000 = 0x0bb8 → 0xb8, wrapped
    expect(out.uint8).toEqual([[1, 254, 1, 0], [184, 0, 0, 2]]); // -2 mod 256, 3000 mod 256
    expect(out.float16).toEqual(EXPECTED.float16);
    expect(out.float16[0].slice(2)).toEqual([1.7001953125, 0.0999755859375]); // half(1.7), half(0.1)
    // int64 as exact decimal literals: trunc(x) + 2^53 (JSON.parse would round them to doubles)
    const int64Text = /"int64":(\[\[[^\]]*\],\[[^\]]*\]\])/.exec(r.stdout)![1];
    expect(int64Text).toBe(`[${[truncs.slice(0, 4), truncs.slice(4)].map((row) => `[${row.map((t) => (TWO_53 + BigInt(t)).toString()).join(',')}]`).join(',')}]`);
    expect(int64Text).toContain('9007199254740993'); // 2^53 + 1: not a double
    // .npy holds one array: the model has 10 outputs
    expect(await thrown(async () => writeModelOutputs(path.join(tmp, 'y.npy'), await runHere(file, X)))).toContain("RPN3404: cannot write '" + path.join(tmp, 'y.npy') + "': the model has 10 outputs");
    // safetensors: each output under its name, with its own dtype and exact bytes
    expect(w.code, w.stderr).toBe(0);
    const b = fs.readFileSync(st);
    const hlen = Number(b.readBigUInt64LE(0));
    const header = JSON.parse(b.subarray(8, 8 + hlen).toString('utf8'));
    const body = b.subarray(8 + hlen);
    const at = (k: string) => body.subarray(header[k].data_offsets[0], header[k].data_offsets[1]);
    expect(Object.fromEntries(Object.entries(header).map(([k, v]) => [k, [(v as { dtype: string }).dtype, (v as { shape: number[] }).shape]]))).toEqual({
      rank3: ['F32', [2, 2, 2]], int64: ['I64', [2, 4]], float64: ['F64', [2, 4]], bool: ['BOOL', [2, 4]], float16: ['F32', [2, 4]],
      int32: ['I32', [2, 4]], int8: ['I8', [2, 4]], uint8: ['U8', [2, 4]], rank0: ['F32', []], rank1: ['F32', [8]],
    });
    const i64 = at('int64');
    expect(Array.from({ length: 8 }, (_, i) => i64.readBigInt64LE(i * 8))).toEqual(truncs.map((t) => TWO_53 + BigInt(t)));
    expect(Array.from(at('bool'))).toEqual(EXPECTED.bool.flat().map(Number));
    const f64 = at('float64');
    expect(Array.from({ length: 8 }, (_, i) => f64.readDoubleLE(i * 8))).toEqual(EXPECTED.float64.flat());
    expect(at('rank0').readFloatLE(0)).toBe(EXPECTED.rank0);
    const f16 = at('float16');
    expect(Array.from({ length: 8 }, (_, i) => f16.readFloatLE(i * 4))).toEqual(EXPECTED.float16.flat());
  }, 60_000);

  it('one int64 / bool / string output: .npy with its own descr, .json exact; string refused by .npy (RPN3404); Infinity printed as a token on stdout, refused in a .json file (RPN3209)', async () => {
    const one = (name: string, out: number, nodes: object[], init: object[] = []) =>
      write(name, model({ node: nodes, initializer: init, input: [vi('x', T.FLOAT, [1, 4])], output: [vi('y', out, null)] }));
    const i64 = one('i64.onnx', T.INT64, [cast('x', 'c', T.INT64), node('Add', ['c', 'big'], ['y'])], [int64s('big', [], [TWO_53])]);
    const str = one('str.onnx', T.STRING, [cast('x', 'y', T.STRING)]);
    const zero = { name: 'zero', dataType: T.FLOAT, dims: [], floatData: [0] };
    const bool = one('bool.onnx', T.BOOL, [node('Greater', ['x', 'zero'], ['y'])], [zero]);
    const inf = one('inf.onnx', T.FLOAT, [node('Div', ['x', 'zero'], ['y'])], [zero]);
    const [a, c] = await Promise.all([rpnc(['run', i64, '-i', 'x1.json', '-o', 'y64.npy']), rpnc(['run', str, '-i', 'x1.json'])]);
    for (const r of [a, c]) expect(r.code, r.stderr).toBe(0);
    const y = readNpy(path.join(tmp, 'y64.npy'));
    expect([y.descr, y.shape]).toEqual(['<i8', [1, 4]]);
    expect(Array.from({ length: 4 }, (_, i) => y.data.getBigInt64(i * 8, true))).toEqual(truncs.slice(0, 4).map((t) => TWO_53 + BigInt(t)));
    expect(JSON.parse(c.stdout)).toEqual([['1', '-2.5', '1.7', '0.1']]); // ONNX Runtime's own float → string
    const x1 = [X[0]];
    writeModelOutputs(path.join(tmp, 'y64.json'), await runHere(i64, x1));
    expect(fs.readFileSync(path.join(tmp, 'y64.json'), 'utf8')).toBe(`[\n  [${truncs.slice(0, 4).map((t) => TWO_53 + BigInt(t)).join(',')}]\n]\n`);
    const strings = await runHere(str, x1);
    expect(await thrown(() => writeModelOutputs(path.join(tmp, 'ys.npy'), strings))).toContain("RPN3404: cannot write '" + path.join(tmp, 'ys.npy') + "': output 'y' holds string values, which .npy cannot store");
    writeModelOutputs(path.join(tmp, 'yb.npy'), await runHere(bool, x1));
    const yb = readNpy(path.join(tmp, 'yb.npy'));
    expect([yb.descr, yb.shape, Array.from(new Uint8Array(yb.data.buffer, yb.data.byteOffset, 4))]).toEqual(['|b1', [1, 4], [1, 0, 1, 1]]);
    // x / 0 = ±Infinity: JSON has no form for it (it used to print null)
    const infs = await runHere(inf, x1);
    expect(Array.from(infs[0].data as Float32Array)).toEqual([Infinity, -Infinity, Infinity, Infinity]);
    expect(await thrown(() => outputsJson(infs, 'the output'))).toContain("RPN3209: cannot write the output as JSON: element 0 of output 'y' is Infinity, which JSON cannot represent");
    // printed on stdout: the tokens Python's json module writes and reads; a .json file refuses them
    const [p, f] = await Promise.all([rpnc(['run', inf, '-i', 'x1.json']), rpnc(['run', inf, '-i', 'x1.json', '-o', 'yinf.json'])]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toBe('[[Infinity,-Infinity,Infinity,Infinity]]\n');
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('RPN3209');
    expect(fs.existsSync(path.join(tmp, 'yinf.json'))).toBe(false);
  }, 60_000);

  it('inputs rpnc run cannot feed: int64, two inputs (RPN3404); a rank-3 input of the wrong shape (RPN3121)', async () => {
    const ints = write('int-in.onnx', model({ node: [node('Identity', ['ids'], ['y'])], input: [vi('ids', T.INT64, ['N', 4])], output: [vi('y', T.INT64, ['N', 4])] }));
    const two = write('two-in.onnx', model({ node: [node('Add', ['a', 'b'], ['y'])], input: [vi('a', T.FLOAT, [1, 4]), vi('b', T.FLOAT, [1, 4])], output: [vi('y', T.FLOAT, [1, 4])] }));
    const rank3 = write('rank3-in.onnx', model({ node: [node('Identity', ['x'], ['y'])], input: [vi('x', T.FLOAT, ['N', 2, 3])], output: [vi('y', T.FLOAT, ['N', 2, 3])] }));
    const a = await rpnc(['run', ints, '-i', 'x.json']);
    expectOneError(a, 'RPN3404');
    expect(a.stderr).toContain("the model's input 'ids' is int64 [N, 4]; rpnc run feeds float32 (or float16) tensors only");
    expect(await thrown(() => runHere(two, [X[0]]))).toBe("RPN3404: the model has 2 inputs ('a', 'b'); rpnc run feeds exactly one");
    expect(await thrown(() => runHere(rank3, X))).toBe("RPN3121: input 'x' has shape [2, 4] (rank 2), but the model's input 'x' is [N, 2, 3] (rank 3)");
    expect(await thrown(() => runHere(rank3, [[[1, 2], [3, 4]]]))).toBe("RPN3121: input 'x' has shape [1, 2, 2], but the model's input 'x' is [N, 2, 3]: dimension 2 must be 3");
    expect(outputsJson(await runHere(rank3, [[[1, 2, 3], [4, 5, 6]]]), 'y')).toBe('[[[1,2,3],[4,5,6]]]');
  }, 60_000);
});
