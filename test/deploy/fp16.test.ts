/**
 * `--precision fp16`: float16 weights and compute with a float32 interface. The conversion is
 * checked bit by bit (hand-derived binary16 encodings), structurally (every initializer and
 * interface type of the file, ONNX Runtime loading it), and numerically: ONNX Runtime 1.30's CPU EP
 * runs these graphs (its own float16 kernels or its inserted casts), so the fp16 models of golden
 * fixtures are compared with real tinybig's outputs and with the reference interpreter at the
 * fp16 tolerance, and so is the float32 graph with weights rounded to float16.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSpec, loadSpec, loadWeights } from '../../compiler/compile.js';
import { encodeModel } from '../../compiler/onnx/emit.js';
import { FP16_TOLERANCE, fromHalfBits, modelPrecision, roundToHalf, toHalfBits } from '../../compiler/onnx/fp16.js';
import { compareOutputs } from '../../runtime/compare.js';
import { readTensorFile } from '../../runtime/io/tensor-file.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';
import { DT, decode, expectNoStackTrace, goldenDir, goldenWeights, modelsDir, root, rpnc } from './helpers.js';

const atol = Number(FP16_TOLERANCE.atol);
const rtol = Number(FP16_TOLERANCE.rtol);

function compileCase(c: string, precision: 'fp32' | 'fp16', ioPrecision?: 'fp32' | 'fp16') {
  const { spec, sourceText } = loadSpec(path.join(modelsDir, `${c}.ts`));
  const store = loadWeights(spec, { weights: goldenWeights(c) });
  return { spec, store, res: compileSpec(spec, store, { sourceText, precision, ioPrecision }) };
}

describe('float32 -> float16 bits', () => {
  it('matches hand-derived binary16 encodings (round to nearest even)', () => {
    const cases: [number, number][] = [
      [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65520, 0x7c00], [-Infinity, 0xfc00],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -26, 0x0000], [0.1, 0x2e66], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02],
      [1 / 3, 0x3555], [0, 0], [-0, 0x8000],
    ];
    for (const [v, h] of cases) expect(toHalfBits(v).toString(16), String(v)).toBe(h.toString(16));
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
    expect(fromHalfBits(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(Array.from(roundToHalf(Float32Array.of(0.1, 3, 70000)))).toEqual([fromHalfBits(0x2e66), 3, Infinity]);
  });
});

describe('the fp16 ONNX file', () => {
  it('stores float weights as float16, keeps the float32 interface, and ONNX Runtime loads it', async () => {
    const { res } = compileCase('a_taylor_d3_lorr', 'fp16');
    const m = decode(res.onnx);
    expect(modelPrecision(m)).toBe('fp16');
    const g = m.graph!;
    expect(g.initializer!.length).toBeGreaterThan(0);
    for (const t of g.initializer!) expect([DT.FLOAT16, DT.INT64, DT.BOOL], t.name!).toContain(t.dataType);
    expect(g.initializer!.some((t) => t.dataType === DT.FLOAT16)).toBe(true);
    expect(g.input!.map((v) => v.type!.tensorType!.elemType)).toEqual([DT.FLOAT]);
    expect(g.output!.map((v) => v.type!.tensorType!.elemType)).toEqual([DT.FLOAT]);
    const first = g.node![0];
    const last = g.node![g.node!.length - 1];
    expect([first.opType, first.input, Number(first.attribute![0].i)]).toEqual(['Cast', ['x'], DT.FLOAT16]);
    expect([last.opType, last.output, Number(last.attribute![0].i)]).toEqual(['Cast', ['y'], DT.FLOAT]);
    // No Cast back to float32 inside the graph: the computation really is float16.
    const inner = g.node!.slice(1, -1).filter((n) => n.opType === 'Cast' && Number(n.attribute![0].i) === DT.FLOAT);
    expect(inner).toEqual([]);
    // Exactly half the weight bytes of the float32 model.
    const floatBytes = (ts: typeof g.initializer, type: number) => ts!.filter((t) => t.dataType === type).reduce((s, t) => s + t.rawData!.length, 0);
    expect(2 * floatBytes(g.initializer, DT.FLOAT16)).toBe(floatBytes(compileCase('a_taylor_d3_lorr', 'fp32').res.proto.graph!.initializer, DT.FLOAT));
    const s = await ort.InferenceSession.create(Buffer.from(res.onnx));
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
  });

  it('is deterministic', () => {
    expect(Buffer.from(compileCase('a_lorr_r2', 'fp16').res.onnx).equals(Buffer.from(compileCase('a_lorr_r2', 'fp16').res.onnx))).toBe(true);
  });
});

const NUMERIC_CASES = ['a_taylor_d3_lorr', 'a_linear_remainder_silu', 'a_meyer_wavelet', 'a_normal', 'a_hypernet', 'b_width2_concat_fusion', 'c_cuboid_densest_bn_relu', 'e_resnet_tiny', 'm_pgm'].filter((c) =>
  fs.existsSync(path.join(goldenDir, c, 'io.safetensors')),
);

describe('fp16 numerics against real tinybig and the reference interpreter (ORT CPU)', () => {
  it('has the cases', () => expect(NUMERIC_CASES.length).toBeGreaterThanOrEqual(7));
  for (const c of NUMERIC_CASES) {
    it(c, async () => {
      const io = path.join(goldenDir, c, 'io.safetensors');
      const input = readTensorFile(io, { name: 'input' });
      const golden = readTensorFile(io, { name: 'output' });
      const { spec, store, res } = compileCase(c, 'fp16');
      const y16 = (await runSession(await createSession(res.onnx), input)).data;
      const ref = runReference(spec, store, { rows: input.shape[0], cols: input.shape[1], data: input.data }).data;
      for (const [name, other] of [['golden', golden.data], ['reference', ref]] as const) {
        const a = compareOutputs('fp16', y16, name, other, atol, rtol);
        expect(a.ok, `${c} fp16 vs ${name}: max abs ${a.maxAbs}`).toBe(true);
      }
      // Not vacuous: the fp16 model differs from the float32 one, by float16-sized amounts.
      const y32 = (await runSession(await createSession(compileCase(c, 'fp32').res.onnx), input)).data;
      const diff = Math.max(...y16.map((v, i) => Math.abs(v - y32[i])));
      expect(diff).toBeGreaterThan(1e-6);

      // The float32 graph with every weight rounded to float16 agrees with the reference too.
      const rounded = structuredClone(compileCase(c, 'fp32').res.proto);
      for (const t of rounded.graph!.initializer!) {
        if (t.dataType !== DT.FLOAT) continue;
        const raw = t.rawData!;
        t.rawData = new Uint8Array(roundToHalf(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))).buffer);
      }
      const yr = (await runSession(await createSession(encodeModel(rounded)), input)).data;
      expect(compareOutputs('rounded', yr, 'reference', ref, atol, rtol).ok).toBe(true);
    }, 60_000);
  }

  it('--io-precision fp16: input and output are float16 tensors', async () => {
    const c = 'a_taylor_d3_lorr';
    const io = path.join(goldenDir, c, 'io.safetensors');
    const input = readTensorFile(io, { name: 'input' });
    const golden = readTensorFile(io, { name: 'output' });
    const { res } = compileCase(c, 'fp16', 'fp16');
    const g = decode(res.onnx).graph!;
    expect([g.input![0].type!.tensorType!.elemType, g.output![0].type!.tensorType!.elemType]).toEqual([DT.FLOAT16, DT.FLOAT16]);
    expect(g.node!.filter((n) => n.opType === 'Cast')).toEqual([]);
    const s = await ort.InferenceSession.create(Buffer.from(res.onnx));
    const x = new ort.Tensor('float16', Uint16Array.from(input.data, toHalfBits), input.shape);
    const out = (await s.run({ x })).y;
    expect(out.type).toBe('float16');
    const y = Float32Array.from(out.data as Uint16Array, fromHalfBits);
    expect(compareOutputs('fp16 io', y, 'golden', golden.data, atol, rtol).ok).toBe(true);
  });
});

describe('rpnc with --precision fp16', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-fp16-'));
  });

  it('check --precision fp16 uses the float16 tolerances and passes', () => {
    const c = 'a_taylor_d3_lorr';
    const r = rpnc(tmp, ['check', path.join(modelsDir, `${c}.ts`), ...goldenWeights(c).flatMap((w) => ['-w', w]), '--golden', path.join(goldenDir, c, 'io.safetensors'), '--precision', 'fp16']);
    expect(r.stderr + r.stdout).toContain(`tolerance |a−b| ≤ ${atol} + ${rtol}·|b|`);
    expect(r.stdout).not.toContain('MISMATCH');
    expect(r.code).toBe(0);
  });

  it('build --precision fp16 writes a float16 model that `rpnc run` runs', () => {
    const out = path.join(tmp, 'm16.onnx');
    const b = rpnc(tmp, ['build', path.join(root, 'fixtures/example.ts'), '-o', out, '--precision', 'fp16']);
    expect(b.code).toBe(0);
    expect(b.stderr).toContain('fp16, input x float32');
    expect(modelPrecision(decode(fs.readFileSync(out)))).toBe('fp16');
    fs.writeFileSync(path.join(tmp, 'x.json'), JSON.stringify([[0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8]]));
    const r = rpnc(tmp, ['run', out, '-i', 'x.json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)[0]).toHaveLength(3);
  });

  it('`rpnc run` runs a model built with --io-precision fp16 (float16 in and out), agreeing with the float32 build to the fp16 tolerance', () => {
    const x = [[0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8], [-0.5, 0.25, 0.125, -1, 0.9, 0.3, -0.2, 0.6]];
    fs.writeFileSync(path.join(tmp, 'x2.json'), JSON.stringify(x));
    const outs: number[][][] = [];
    for (const [file, flags] of [['io16.onnx', ['--precision', 'fp16', '--io-precision', 'fp16']], ['io32.onnx', []]] as const) {
      const b = rpnc(tmp, ['build', path.join(root, 'fixtures/example.ts'), '-o', path.join(tmp, file), ...flags]);
      expect(b.code, b.stderr).toBe(0);
      const r = rpnc(tmp, ['run', path.join(tmp, file), '-i', 'x2.json']);
      expect(r.code, r.stderr).toBe(0);
      outs.push(JSON.parse(r.stdout));
    }
    expect(outs[0]).toHaveLength(2);
    outs[0].flat().forEach((v, i) => expect(Math.abs(v - outs[1].flat()[i])).toBeLessThanOrEqual(atol + rtol * Math.abs(outs[1].flat()[i])));
  });

  it('build --json reports the interface dtypes the written file declares (float16 with --io-precision fp16)', () => {
    const names: Record<number, string> = { [DT.FLOAT]: 'float32', [DT.FLOAT16]: 'float16' };
    for (const io of ['fp16', 'fp32'] as const) {
      const out = path.join(tmp, `json-io-${io}.onnx`);
      const b = rpnc(tmp, ['build', path.join(root, 'fixtures/example.ts'), '-o', out, '--precision', 'fp16', '--io-precision', io, '--json']);
      expect(b.code, b.stderr).toBe(0);
      const doc = JSON.parse(b.stdout) as { inputs: { dtype: string }[]; outputs: { dtype: string }[] };
      const g = decode(fs.readFileSync(out)).graph!;
      const fileTypes = [g.input![0], g.output![0]].map((v) => names[v.type!.tensorType!.elemType!]);
      expect(fileTypes).toEqual(io === 'fp16' ? ['float16', 'float16'] : ['float32', 'float32']);
      expect([doc.inputs[0].dtype, doc.outputs[0].dtype]).toEqual(fileTypes);
    }
  });

  it('--io-precision fp16 without --precision fp16 is a usage error', () => {
    const r = rpnc(tmp, ['build', path.join(root, 'fixtures/example.ts'), '-o', path.join(tmp, 'bad.onnx'), '--io-precision', 'fp16']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--io-precision fp16 needs --precision fp16');
    expect(fs.existsSync(path.join(tmp, 'bad.onnx'))).toBe(false);
  });

  it('a float16 model that ORT CPU cannot load is refused with a message naming the precision', async () => {
    // Celu has no float16 in ONNX itself; rpnc never emits it (portable subgraph), a foreign file may.
    const { res } = compileCase('a_taylor_d2', 'fp16');
    const m = structuredClone(res.proto);
    const n = m.graph!.node!;
    n.splice(n.length - 1, 0, { name: 'celu', opType: 'Celu', domain: '', input: [n[n.length - 1].input![0]], output: ['celu_out'], attribute: [] });
    n[n.length - 1].input = ['celu_out'];
    const file = path.join(tmp, 'bad16.onnx');
    fs.writeFileSync(file, encodeModel(m));
    await expect(createSession(file)).rejects.toMatchObject({ diagnostics: [expect.objectContaining({ code: 'RPN5002', message: expect.stringContaining('(float16) on the CPU execution provider') })] });
    fs.writeFileSync(path.join(tmp, 'x1.json'), JSON.stringify([Array(readWidth(res.proto)).fill(0.1)]));
    const r = rpnc(tmp, ['run', file, '-i', 'x1.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('use --ep cuda, or build with --precision fp32');
    expect(expectNoStackTrace(r.stderr)).toBe(true);
  });
});

function readWidth(m: { graph?: { input?: { type?: { tensorType?: { shape?: { dim?: { dimValue?: unknown }[] } } } }[] } | null }): number {
  return Number(m.graph!.input![0].type!.tensorType!.shape!.dim![1].dimValue);
}
