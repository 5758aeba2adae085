/**
 * `rpnc export triton`: for every perf model, config.pbtxt parses against Triton's own
 * model_config.proto (vendored) and agrees with the ONNX graph; batch-coupled models get
 * max_batch_size 0; byte-identical text across runs; the float16 / external-data layouts; the parser
 * refuses what protobuf's TextFormat refuses.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, describe, expect, it } from 'vitest';
import { modelInfo } from '../../compiler/deploy/model-info.js';
import { PbtxtError, parseModelConfig, tritonModelConfigType } from '../../compiler/deploy/pbtxt.js';
import { configProblems, readTritonRepo, writeTritonRepo } from '../../compiler/deploy/triton.js';
import { createSession, runSession } from '../../runtime/session.js';
import { buildGolden, buildPerf, cli, perfDir, perfIo, tmpDir } from './helpers.js';

const dir = tmpDir('triton');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const perfCases = fs.readdirSync(perfDir).filter((f) => /^p_.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();

function rpnc(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a Triton repository for every perf model', () => {
  it.each(perfCases)('%s: config.pbtxt parses against model_config.proto, names and dims equal the ONNX graph, byte-identical twice', (c) => {
    const onnx = buildPerf(c, dir);
    const repo = path.join(dir, 'repo');
    const w = writeTritonRepo(onnx, repo, { preferredBatchSizes: [16, 64], instances: 2 });
    const cfg = parseModelConfig(fs.readFileSync(path.join(repo, c, 'config.pbtxt'), 'utf8'));
    const g = onnxProto.onnx.ModelProto.decode(fs.readFileSync(path.join(repo, c, '1', 'model.onnx'))).graph!;
    const dimsOf = (v: onnxProto.onnx.IValueInfoProto) => v.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? -1 : Number(d.dimValue)));
    const kind = modelInfo(fs.readFileSync(onnx)).kind;
    if (kind !== 'independent') {
      // p_gcn* run on their 2708 graph nodes (fixed); p_cnn_cifar without its checkpoint has BatchNorm on batch statistics (coupled)
      expect(c.startsWith('p_gcn') ? 'fixed' : 'coupled').toBe(kind);
      expect(cfg.max_batch_size ?? 0).toBe(0);
      expect(cfg.dynamic_batching).toBeUndefined();
      expect((cfg.input as { dims: number[] }[])[0].dims).toEqual(dimsOf(g.input![0]));
      expect(configProblems(cfg, modelInfo(fs.readFileSync(onnx)), c)).toEqual([]);
      return;
    }
    expect(cfg).toMatchObject({
      name: c,
      backend: 'onnxruntime',
      max_batch_size: 64,
      input: [{ name: g.input![0].name, data_type: 'TYPE_FP32', dims: dimsOf(g.input![0]).slice(1) }],
      output: [{ name: g.output![0].name, data_type: 'TYPE_FP32', dims: dimsOf(g.output![0]).slice(1) }],
      dynamic_batching: { preferred_batch_size: [16, 64], max_queue_delay_microseconds: 0 },
      instance_group: [{ count: 2, kind: 'KIND_CPU' }],
    });
    expect(dimsOf(g.input![0])[0]).toBe(-1); // the batch axis Triton adds is the graph's free first axis
    expect((cfg.parameters as Record<string, { string_value: string }>).rpnc_batch_kind.string_value).toBe('independent');
    expect((cfg.parameters as Record<string, { string_value: string }>).rpnc_source_sha256.string_value).toMatch(/^[0-9a-f]{64}$/);
    expect(configProblems(cfg, modelInfo(fs.readFileSync(onnx)), c)).toEqual([]);
    const again = writeTritonRepo(onnx, path.join(dir, 'repo2'), { preferredBatchSizes: [64, 16], instances: 2 });
    expect(again.config).toBe(w.config);
    expect(fs.readFileSync(path.join(dir, 'repo2', c, '1', 'model.onnx')).equals(fs.readFileSync(onnx))).toBe(true);
  });

  it('a fixed-batch model (an instance interdependence golden): max_batch_size 0, full dims, no dynamic batching, a comment why', () => {
    const onnx = buildGolden('i_param_instance', dir);
    const info = modelInfo(fs.readFileSync(onnx));
    expect(info.kind).toBe('fixed');
    const w = writeTritonRepo(onnx, path.join(dir, 'repo'), { maxBatch: 32, preferredBatchSizes: [8] });
    const cfg = parseModelConfig(w.config);
    expect(cfg.max_batch_size).toBe(0);
    expect(cfg.dynamic_batching).toBeUndefined();
    expect((cfg.input as { dims: number[] }[])[0].dims).toEqual(info.input.dims);
    expect(info.input.dims[0]).toBeGreaterThan(0);
    expect(w.config).toMatch(/# max_batch_size 0 and no dynamic_batching: the batch is fixed at \d+ rows/);
    expect(configProblems(cfg, info, 'i_param_instance')).toEqual([]);
    // a hand-edited config that batches it is refused by the reader
    const bad = w.config.replace('max_batch_size: 0', 'max_batch_size: 8').replace(/dims: \[ \d+, /g, 'dims: [ ');
    fs.writeFileSync(path.join(w.dir, 'config.pbtxt'), bad);
    expect(() => readTritonRepo(path.join(dir, 'repo'))).toThrow(/RPN7002|max_batch_size is 8/);
    fs.writeFileSync(path.join(w.dir, 'config.pbtxt'), w.config);
  });

  it('float16 with external data: TensorRT FP16 accelerator block, model.onnx + model.onnx.data that ONNX Runtime loads from the repository', async () => {
    const onnx = buildPerf('p_mlp_lorr', path.join(dir), { precision: 'fp16', external: true });
    // rpnc names the data file after its content (model.onnx.<hash>.data, written before the model)
    expect(fs.readdirSync(path.dirname(onnx)).some((f) => f.startsWith(`${path.basename(onnx)}.`) && f.endsWith('.data'))).toBe(true);
    const w = writeTritonRepo(onnx, path.join(dir, 'repo16'), { name: 'lorr16', instanceKind: 'gpu' });
    const cfg = parseModelConfig(w.config);
    expect(cfg).toMatchObject({
      instance_group: [{ kind: 'KIND_GPU', count: 1 }],
      optimization: { execution_accelerators: { gpu_execution_accelerator: [{ name: 'tensorrt', parameters: { precision_mode: 'FP16' } }] } },
    });
    const model = path.join(dir, 'repo16', 'lorr16', '1', 'model.onnx');
    expect(fs.existsSync(`${model}.data`)).toBe(true);
    const io = perfIo('p_mlp_lorr')!;
    const s = await createSession(model);
    const y = await runSession(s, { shape: [4, 784], data: io.input.data.subarray(0, 4 * 784) });
    for (let i = 0; i < 40; i++) expect(Math.abs(y.data[i] - io.output.data[i])).toBeLessThanOrEqual(2e-2 + 2e-2 * Math.abs(io.output.data[i]));
    const [m] = readTritonRepo(path.join(dir, 'repo16'));
    expect(m).toMatchObject({ name: 'lorr16', version: '1', maxBatchSize: 64, instances: 1 });
  });
});

describe('the text-format parser follows Triton\'s schema', () => {
  it('parses a config in the style of Triton\'s documentation (comments, lists, nested messages, maps)', () => {
    const text = `
      # from the model configuration docs
      name: "densenet_onnx"
      platform: "onnxruntime_onnx"
      max_batch_size : 8
      input [ { name: "data_0", data_type: TYPE_FP32, format: FORMAT_NCHW, dims: [ 3, 224, 224 ], reshape { shape: [ 1, 3, 224, 224 ] } } ]
      output [ { name: "fc6_1" data_type: TYPE_FP32 dims: [ 1000 ] label_filename: "densenet_labels.txt" } ]
      dynamic_batching { preferred_batch_size: 4 preferred_batch_size: 8 max_queue_delay_microseconds: 100 }
      instance_group < count: 2 kind: KIND_GPU gpus: [0, 1] >
      parameters: { key: "intra_op_thread_count" value: { string_value: "4" } }
      model_warmup [{ name: "w" batch_size: 1 inputs { key: "data_0" value { data_type: TYPE_FP32 dims: [3, 224, 224] zero_data: true } } }]`;
    const cfg = parseModelConfig(text);
    expect(cfg).toMatchObject({
      name: 'densenet_onnx',
      max_batch_size: 8,
      input: [{ name: 'data_0', format: 'FORMAT_NCHW', dims: [3, 224, 224], reshape: { shape: [1, 3, 224, 224] } }],
      dynamic_batching: { preferred_batch_size: [4, 8] },
      instance_group: [{ count: 2, kind: 'KIND_GPU', gpus: [0, 1] }],
      parameters: { intra_op_thread_count: { string_value: '4' } },
      model_warmup: [{ inputs: { data_0: { zero_data: true } } }],
    });
    expect(Object.keys(tritonModelConfigType().fields)).toContain('dynamic_batching');
  });

  it.each([
    ['name: "m"\nmax_batch: 8', /2:1: message inference.ModelConfig has no field named 'max_batch'/],
    ['input [ { data_type: TYPE_FLOAT32 } ]', /'TYPE_FLOAT32' is not a value of enum DataType/],
    ['max_batch_size: "8"', /expected an integer \(int32\) for 'max_batch_size'/],
    ['max_batch_size: 8\nmax_batch_size: 9', /non-repeated field 'max_batch_size' is given more than once/],
    ['dynamic_batching { }\nsequence_batching { }', /both members of oneof 'scheduling_choice'/],
    ['max_batch_size: 3000000000', /out of range for int32/],
    ['dynamic_batching { max_queue_delay_microseconds: -1 }', /out of range for uint64/],
    ['name: "m', /unterminated string/],
    ['input [ { name: "x" }', /expected '}' before the end of input|expected ',', found 'end of input'/],
    ['name "m"', /expected ':' after scalar field 'name'/],
  ])('refuses %j', (text, msg) => {
    expect(() => parseModelConfig(text)).toThrow(PbtxtError);
    expect(() => parseModelConfig(text)).toThrow(msg);
  });
});

describe('rpnc export triton (CLI)', () => {
  it('writes the repository and says how to serve it; --help lists the flags', () => {
    const onnx = path.join(dir, 'p_mlp_lorr.onnx');
    if (!fs.existsSync(onnx)) buildPerf('p_mlp_lorr', dir);
    const r = rpnc(['export', 'triton', onnx, '--repo', path.join(dir, 'cli-repo'), '--name', 'mlp', '--max-batch', '32', '--preferred-batch', '8,32']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*config\.pbtxt/);
    expect(parseModelConfig(fs.readFileSync(path.join(dir, 'cli-repo', 'mlp', 'config.pbtxt'), 'utf8'))).toMatchObject({ name: 'mlp', max_batch_size: 32, dynamic_batching: { preferred_batch_size: [8, 32] } });
    const help = rpnc(['export', 'triton', '--help']);
    for (const f of ['--repo', '--name', '--instance-kind', '--instances', '--max-batch', '--preferred-batch', '--max-queue-delay-us', '--tensorrt']) expect(help.stdout).toContain(f);
    const serveHelp = rpnc(['serve', '--help']);
    for (const f of ['--name', '--port', '--host', '--workers', '--threads', '--max-batch', '--max-delay-ms', '--preferred-batch', '--no-batching', '--max-queue', '--max-body', '--ep']) expect(serveHelp.stdout).toContain(f);
  });

  it('bad input: one diagnostic, the right exit code, nothing written', () => {
    const onnx = path.join(dir, 'p_mlp_lorr.onnx');
    const repo = path.join(dir, 'bad-repo');
    const cases: [string[], number, RegExp][] = [
      [['export', 'triton', onnx, '--repo', repo, '--name', '../up'], 1, /RPN7004/],
      [['export', 'triton', path.join(dir, 'missing.onnx'), '--repo', repo], 1, /RPN3405/],
      [['export', 'triton', path.join(dir, 'x.ts'), '--repo', repo], 2, /RPN6002.*not an ONNX file/],
      [['export', 'triton', onnx, '--repo', repo, '--preferred-batch', '8,128'], 2, /RPN6002.*outside 1…64/],
      [['export', 'triton', onnx, '--repo', repo, '--instances', '0'], 2, /RPN6002.*--instances/],
      [['export', 'triton', onnx], 2, /RPN6001.*--repo/],
    ];
    for (const [args, code, msg] of cases) {
      const r = rpnc(args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(msg);
    }
    expect(fs.existsSync(path.join(repo, 'p_mlp_lorr', 'config.pbtxt'))).toBe(false);
  });
});
