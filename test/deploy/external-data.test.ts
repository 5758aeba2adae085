/**
 * ONNX external data: `rpnc build --external-data` (or above the threshold, which a test sets
 * low) writes model.onnx + model.onnx.data per the ONNX convention; onnxruntime-node loads the
 * pair from the file path and gives the same outputs as the inline model; a missing or truncated
 * .data file is a clean RPN5002 at `rpnc run`.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { DT, decode, expectNoStackTrace, goldenDir, goldenWeights, modelsDir, rpnc } from './helpers.js';

const c = 'e_resnet_tiny';
const model = path.join(modelsDir, `${c}.ts`);
let tmp: string;
let input: { data: Float32Array; shape: number[] };

async function runFile(file: string): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(file);
  try {
    return (await s.run({ x: new ort.Tensor('float32', input.data, input.shape) })).y.data as Float32Array;
  } finally {
    await s.release();
  }
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-extdata-'));
  const { readTensorFile } = await import('../../runtime/io/tensor-file.js');
  input = readTensorFile(path.join(goldenDir, c, 'io.safetensors'), { name: 'input' });
  fs.writeFileSync(path.join(tmp, 'x.json'), JSON.stringify(Array.from({ length: input.shape[0] }, (_, i) => Array.from(input.data.subarray(i * input.shape[1], (i + 1) * input.shape[1])))));
  expect(rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', 'inline.onnx']).code).toBe(0);
});

/** The external data file of `model` in `dir`: `<model>.<16 hex of its content's sha256>.data` (issue #18), or undefined. */
function dataName(dir: string, model: string): string | undefined {
  const names = fs.readdirSync(dir).filter((n) => new RegExp(`^${model.replace(/\./g, '\\.')}\\.[0-9a-f]{16}\\.data$`).test(n));
  expect(names.length, names.join(', ')).toBeLessThanOrEqual(1);
  return names[0];
}

describe('rpnc build --external-data', () => {
  it('a model and its data never mismatch: a failed second write leaves the old pair intact (issue #18)', async () => {
    const { writeOnnxModel } = await import('../../compiler/onnx/external-data.js');
    const { compileFile } = await import('../../compiler/compile.js');
    const dir = fs.mkdtempSync(path.join(tmp, 'unit-'));
    const out = path.join(dir, 'm.onnx');
    const first = compileFile(model, { weights: goldenWeights(c) });
    const w1 = writeOnnxModel(out, first.proto, { external: true });
    const before = fs.readFileSync(out);
    // a different model (seeded weights) whose data is written but whose model write fails (the path is a directory)
    const second = compileFile(model, { seed: 7 });
    fs.rmSync(out);
    fs.mkdirSync(out); // the model write now fails (EISDIR) after the data file is written
    expect(() => writeOnnxModel(out, second.proto, { external: true })).toThrow();
    fs.rmdirSync(out);
    fs.writeFileSync(out, before);
    // the old model still names its own data file, untouched
    const loc = decode(before).graph!.initializer!.find((t) => t.dataLocation === 1)!.externalData!.find((e) => e.key === 'location')!.value;
    expect(path.join(dir, loc!)).toBe(w1.files[1]);
    expect(createHash('sha256').update(fs.readFileSync(w1.files[1]!)).digest('hex').slice(0, 16)).toBe(/\.([0-9a-f]{16})\.data$/.exec(loc!)![1]);
  });

  it('writes model.onnx + model.onnx.<hash>.data with EXTERNAL tensors at 4096-aligned offsets', () => {
    const r = rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', 'ext.onnx', '--external-data']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote ext\.onnx \(\d+ bytes \+ ext\.onnx\.[0-9a-f]{16}\.data \(\d+ bytes\)/);
    const m = decode(fs.readFileSync(path.join(tmp, 'ext.onnx')));
    const name = dataName(tmp, 'ext.onnx')!;
    const data = fs.readFileSync(path.join(tmp, name));
    // the name carries the hash of the content
    expect(name).toBe(`ext.onnx.${createHash('sha256').update(data).digest('hex').slice(0, 16)}.data`);
    const inline = decode(fs.readFileSync(path.join(tmp, 'inline.onnx')));
    const ext = m.graph!.initializer!.filter((t) => t.dataLocation === 1);
    expect(ext.length).toBeGreaterThan(0);
    for (const t of ext) {
      const kv = Object.fromEntries(t.externalData!.map((e) => [e.key, e.value]));
      expect(kv.location).toBe(name);
      expect(Number(kv.offset) % 4096).toBe(0);
      expect(t.rawData?.length ?? 0).toBe(0);
      // The bytes in the data file are the tensor's bytes of the inline model.
      const same = inline.graph!.initializer!.find((u) => u.name === t.name)!;
      expect(Buffer.from(data.subarray(Number(kv.offset), Number(kv.offset) + Number(kv.length))).equals(Buffer.from(same.rawData!))).toBe(true);
    }
    // Small tensors (shapes) stay inline.
    expect(m.graph!.initializer!.some((t) => t.dataType === DT.INT64 && t.dataLocation !== 1)).toBe(true);
  });

  it('onnxruntime-node loads the pair from the file path and matches the inline model', async () => {
    const a = await runFile(path.join(tmp, 'inline.onnx'));
    const b = await runFile(path.join(tmp, 'ext.onnx'));
    expect(Array.from(b)).toEqual(Array.from(a));
    const r = rpnc(tmp, ['run', 'ext.onnx', '-i', 'x.json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).flat()).toEqual(Array.from(a));
  });

  it('is deterministic (both files byte-identical on a rebuild)', () => {
    for (const d of ['a', 'b']) {
      fs.mkdirSync(path.join(tmp, d), { recursive: true });
      expect(rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', `${d}/ext.onnx`, '--external-data']).code).toBe(0);
    }
    expect(dataName(path.join(tmp, 'a'), 'ext.onnx')).toBe(dataName(path.join(tmp, 'b'), 'ext.onnx'));
    for (const f of ['ext.onnx', dataName(path.join(tmp, 'a'), 'ext.onnx')!]) {
      expect(fs.readFileSync(path.join(tmp, 'a', f)).equals(fs.readFileSync(path.join(tmp, 'b', f))), f).toBe(true);
    }
  });

  it('is automatic above the threshold (--external-data-threshold, $RPNC_EXTERNAL_DATA_THRESHOLD)', () => {
    const inlineSize = fs.statSync(path.join(tmp, 'inline.onnx')).size;
    let r = rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', 'auto.onnx', '--external-data-threshold', '100']);
    expect(r.code).toBe(0);
    expect(dataName(tmp, 'auto.onnx')).toBeDefined();
    expect(fs.statSync(path.join(tmp, 'auto.onnx')).size).toBeLessThan(inlineSize);
    // Above the threshold: inline again, and the stale .data file is gone.
    r = rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', 'auto.onnx', '--external-data-threshold', String(10 * inlineSize)]);
    expect(r.code).toBe(0);
    expect(dataName(tmp, 'auto.onnx')).toBeUndefined();
    expect(fs.statSync(path.join(tmp, 'auto.onnx')).size).toBe(inlineSize);
    r = rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', 'env.onnx'], { RPNC_EXTERNAL_DATA_THRESHOLD: '100' });
    expect(r.code).toBe(0);
    expect(dataName(tmp, 'env.onnx')).toBeDefined();
    r = rpnc(tmp, ['build', model, '-o', 'bad.onnx', '--external-data-threshold', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--external-data-threshold');
  });

  it('a missing or truncated .data file is a clean RPN5002 at rpnc run', () => {
    expect(rpnc(tmp, ['build', model, ...goldenWeights(c).flatMap((w) => ['-w', w]), '-o', 'lost.onnx', '--external-data']).code).toBe(0);
    const lost = dataName(tmp, 'lost.onnx')!;
    fs.rmSync(path.join(tmp, lost));
    let r = rpnc(tmp, ['run', 'lost.onnx', '-i', 'x.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error RPN5002: .*external data file '.*lost\.onnx\.[0-9a-f]{16}\.data' .* is missing/);
    expect(r.stderr).toContain(`hint: keep '${lost}' next to 'lost.onnx'`);
    expect(expectNoStackTrace(r.stderr)).toBe(true);
    fs.writeFileSync(path.join(tmp, lost), new Uint8Array(10));
    r = rpnc(tmp, ['run', 'lost.onnx', '-i', 'x.json']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/RPN5002: .*is shorter \(10 bytes\)/);
  });

  it('createSession refuses the bytes of a model with external data (it needs the file path)', async () => {
    const { createSession } = await import('../../runtime/session.js');
    await expect(createSession(fs.readFileSync(path.join(tmp, 'ext.onnx')))).rejects.toMatchObject({
      diagnostics: [expect.objectContaining({ code: 'RPN5002', message: expect.stringContaining(`external data (${dataName(tmp, 'ext.onnx')})`) })],
    });
    const s = await createSession(path.join(tmp, 'ext.onnx'));
    expect(s.inputName).toBe('x');
  });
});
