/**
 * `rpnc inspect` end to end (the built CLI): parameter counts against numbers derived by hand from the
 * models' dims, against `parameterManifest` and the golden safetensors; FLOPs by hand; the operator
 * histogram against the emitted ONNX decoded independently; `--dot` as a digraph; `--json`; .onnx files
 * from rpnc and from torch.onnx.export.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSpec, loadWeights } from '../../compiler/compile.js';
import { inspectModel, inspectOnnx } from '../../compiler/inspect.js';
import { parameterManifest } from '../../compiler/spec/params.js';
import { runRpnc } from '../helpers/rpnc.js';

const { onnx } = onnxProto;
const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli/main.js');
const model = (c: string) => path.join(root, 'fixtures/models', `${c}.ts`);
const weights = (c: string) => path.join(root, 'fixtures/golden', c, 'weights.safetensors');
const torchOnnx = path.join(root, 'fixtures/onnx/p_taylor_torch_export.onnx');
let tmp: string;

const rpnc = (...args: string[]) => runRpnc(tmp, args);
interface Head {
  m: number;
  D: number;
  n: number;
  l: number;
  channels: number;
  reconciliation: string | null;
  expansion: string;
  paramsBefore: number;
  paramsAfter: number;
  flopsPerSample: number;
  form: string;
}
interface Report {
  ok: boolean;
  kind: string;
  producer: { name: string; rpnc: boolean };
  layers: { heads: Head[]; fusionParamsBefore: number; fusionParamsAfter: number; fusionFlopsPerSample: number }[];
  inputs: { name: string; dtype: string; shape: (number | string)[] }[];
  outputs: { name: string; dtype: string; shape: (number | string)[] }[];
  operators: Record<string, number>;
  nodeCount: number;
  initializers: { count: number; elements: number; bytes: number };
  metadata: Record<string, string>;
  totals: { paramsBefore: number; paramsAfter: number; flopsPerSample: number; graphFlopsPerSample: number; onnxBytes: number };
  graph?: unknown;
}
function inspectJson(...args: string[]): Report {
  const r = rpnc('inspect', ...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}
/** Op histogram and initializer sizes of an ONNX file, decoded here with onnx-proto. */
function decode(file: string) {
  const m = onnx.ModelProto.decode(fs.readFileSync(file));
  const ops: Record<string, number> = {};
  for (const n of m.graph!.node!) ops[n.opType!] = (ops[n.opType!] ?? 0) + 1;
  const inits = m.graph!.initializer ?? [];
  const elements = inits.reduce((a, t) => a + (t.dims ?? []).reduce((x: number, d) => x * Number(d), 1), 0);
  return { ops, nodes: m.graph!.node!.length, initCount: inits.length, elements, producer: m.producerName };
}
/** Shapes per key of a safetensors file, from its JSON header (read here, not with rpnc's reader). */
function safetensorsShapes(file: string): Map<string, number[]> {
  const b = fs.readFileSync(file);
  const header = JSON.parse(b.subarray(8, 8 + Number(b.readBigUInt64LE(0))).toString('utf8')) as Record<string, { shape: number[] }>;
  return new Map(Object.entries(header).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, v.shape]));
}
/** Scalars per key of a safetensors file. */
function safetensorsSizes(file: string): Map<string, number> {
  return new Map([...safetensorsShapes(file)].map(([k, s]) => [k, s.reduce((x, d) => x * d, 1)]));
}
const safetensorsElements = (file: string, skip = (_k: string) => false) => [...safetensorsSizes(file)].reduce((a, [k, n]) => a + (skip(k) ? 0 : n), 0);

beforeAll(() => {
  if (!fs.existsSync(cli)) throw new Error('dist/cli/main.js is missing: run `npm run build` first');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-inspect-'));
});

describe('rpnc inspect model.ts: parameters and FLOPs', () => {
  it('an lorr head (m=5, n=4, r=2, identity expansion D=5): l = r(n+D) = 18, dense W = n·D = 20, 2·n·D FLOPs', () => {
    const r = inspectJson(model('a_lorr_r2'), '--no-opt');
    const h = r.layers[0].heads[0];
    expect([h.m, h.D, h.n, h.channels]).toEqual([5, 5, 4, 1]);
    expect(h.reconciliation).toBe('lorr_reconciliation');
    expect(h.l).toBe(2 * (4 + 5));
    expect(h.paramsBefore).toBe(18);
    expect(h.form).toBe('dense');
    expect(h.paramsAfter).toBe(4 * 5);
    expect(h.flopsPerSample).toBe(2 * 4 * 5);
    // measured on the graph: the one folded W is the only initializer, its MatMul does 2·5·4 per sample
    expect(r.initializers).toMatchObject({ count: 1, elements: 20, bytes: 80 });
    expect(r.totals.graphFlopsPerSample).toBe(40);
    // the checkpoint side: parameterManifest and the golden (tinybig) safetensors agree
    const { spec } = loadSpec(model('a_lorr_r2'));
    expect(r.totals.paramsBefore).toBe(parameterManifest(spec).reduce((a, p) => a + p.shape.reduce((x, d) => x * d, 1), 0));
    expect(r.totals.paramsBefore).toBe(safetensorsElements(weights('a_lorr_r2')));
  });

  it('--optimize size stores no more than dense, and what it says it stores is what the graph holds', () => {
    const r = inspectJson(model('a_lorr_r2'), '--optimize', 'size');
    const h = r.layers[0].heads[0];
    // the smallest forms store r(n+D) = 18 < n·D = 20: lorr-factored (A n×r and B r×D, two thin MatMuls:
    // 2·r·(n+D) FLOPs) or the unfolded row w (l = 18) rebuilt at run time
    expect(['lorr-factored', 'runtime-fabricated']).toContain(h.form);
    expect(h.paramsAfter).toBe(18);
    if (h.form === 'lorr-factored') expect(h.flopsPerSample).toBe(36);
    expect(r.initializers.elements).toBe(h.paramsAfter);
    expect(r.totals.graphFlopsPerSample).toBe(h.flopsPerSample);
  });

  it('taylor d=3 on m=3 (D = 3+9+27 = 39) with lorr r=2, n=2: l = 82, golden checkpoint', () => {
    const r = inspectJson(model('a_taylor_d3_lorr'), '-w', weights('a_taylor_d3_lorr'), '--no-opt');
    const h = r.layers[0].heads[0];
    expect([h.m, h.D, h.n, h.l]).toEqual([3, 39, 2, 2 * (2 + 39)]);
    expect(h.paramsBefore).toBe(82);
    expect(h.paramsBefore).toBe(safetensorsElements(weights('a_taylor_d3_lorr')));
    expect(h.paramsAfter).toBe(2 * 39);
    expect(h.flopsPerSample).toBe(2 * 2 * 39);
    expect(r.totals.graphFlopsPerSample).toBe(2 * 2 * 39);
  });

  it('bias and linear remainder (m=5, n=3): 15 + 3 + 15 + 3 parameters, 2·3·5 + 2·3·5 FLOPs', () => {
    const c = 'a_linear_remainder_bias';
    const r = inspectJson(model(c), '-w', weights(c));
    const h = r.layers[0].heads[0];
    expect(h.paramsBefore).toBe(15 + 3 + 15 + 3);
    expect(h.paramsBefore).toBe(safetensorsElements(weights(c)));
    expect(h.paramsAfter).toBe(15 + 3 + 15 + 3);
    expect(h.flopsPerSample).toBe(2 * 3 * 5 + 2 * 3 * 5);
  });

  it('two heads with a parameterized concatenation head fusion: per head and fusion, totals = the checkpoint', () => {
    const c = 'b_width2_lorr_param_concat_fusion';
    const r = inspectJson(model(c), '-w', weights(c), '--no-opt');
    const [h0, h1] = r.layers[0].heads;
    // identity expansion 4→4, identity reconciliation n=3: l = 12; chebyshev (d=2) 4→8: l = 24
    expect([h0.D, h0.l, h0.paramsBefore, h0.paramsAfter, h0.flopsPerSample]).toEqual([4, 12, 12, 12, 24]);
    expect([h1.D, h1.l, h1.paramsBefore, h1.paramsAfter, h1.flopsPerSample]).toEqual([8, 24, 24, 24, 48]);
    // lowrank fusion of the concatenated 3+3 → 3: w_head_fusion (1, 9) fabricates a 3×6 matrix
    expect(r.layers[0].fusionParamsBefore).toBe(9);
    expect(r.layers[0].fusionParamsAfter).toBe(18);
    expect(r.totals.paramsBefore).toBe(safetensorsElements(weights(c)));
    expect(r.totals.paramsAfter).toBe(12 + 24 + 18);
    expect(r.totals.flopsPerSample).toBe(24 + 48 + 36);
    expect(r.totals.graphFlopsPerSample).toBe(24 + 48 + 36);
  });

  it('a checkpoint with BatchNorm statistics: every tensor counts; shared heads ([head] * 2) count once', () => {
    const c = 'a_two_layers_output_process';
    const r = inspectJson(model(c), '-w', weights(c));
    expect(r.totals.paramsBefore).toBe(safetensorsElements(weights(c)));
    expect(r.totals.paramsBefore).toBe(68 + 4 * 5 + 4 + 4 * 4 + 1 + 12 + 3); // w, remainder, BN (γ, β, mean, var, step), layer 2
    const s = 'b_perceptron_layer_width2_shared_heads';
    const shared = inspectJson(model(s), '-w', weights(s));
    expect(shared.totals.paramsBefore).toBe(safetensorsElements(weights(s), (k) => k.startsWith('layers.0.heads.1.')));
    expect(shared.totals.paramsBefore).toBeLessThan(safetensorsElements(weights(s)));
  });

  it('a grid head (4×5 grid, 2 → 3 channels, 3×3 cuboid patch): W is 3 × (2·9), applied at 20 positions', () => {
    const r = inspectJson(model('c_cuboid_plain'), '--no-opt');
    const h = r.layers[0].heads[0];
    expect([h.D, h.l]).toEqual([2 * 9, 3 * 2 * 9]);
    expect(h.paramsBefore).toBe(54);
    expect(h.flopsPerSample).toBe(2 * 3 * 18 * 20);
    // the Conv the grid head lowers to does exactly that many multiply-adds
    expect(r.operators.Conv).toBe(1);
    expect(r.totals.graphFlopsPerSample).toBe(2 * 3 * 18 * 20);
  });
});

describe('the library', () => {
  it('inspectModel(spec + weights) = inspectModel(path) = the CLI; inspectOnnx of the compiled bytes agrees; nothing printed', () => {
    const c = 'b_width2_lorr_param_concat_fusion';
    const writes: string[] = [];
    const [o, e] = [process.stdout.write, process.stderr.write];
    process.stdout.write = process.stderr.write = ((s: string) => void writes.push(s) || true) as typeof process.stdout.write;
    try {
      const { spec, sourceText } = loadSpec(model(c));
      const a = inspectModel({ spec, weights: loadWeights(spec, { weights: [weights(c)] }), sourceText }, { opt: false });
      const b = inspectModel(model(c), { weights: [weights(c)], opt: false });
      expect(a.layers).toEqual(b.layers);
      expect(a.operators).toEqual(b.operators);
      expect(a.totals).toEqual(b.totals);
      const cliReport = inspectJson(model(c), '-w', weights(c), '--no-opt');
      expect(cliReport.layers).toEqual(JSON.parse(JSON.stringify(b.layers)));
      expect(cliReport.totals).toEqual(b.totals);
      const onnxSide = inspectOnnx(compileBytes(c));
      expect(onnxSide.operators).toEqual(inspectModel(model(c), { weights: [weights(c)] }).operators);
    } finally {
      process.stdout.write = o;
      process.stderr.write = e;
    }
    expect(writes).toEqual([]);
  });
});

function compileBytes(c: string): Uint8Array {
  const out = path.join(tmp, `${c}.lib.onnx`);
  expect(rpnc('build', model(c), '-w', weights(c), '-o', out).code).toBe(0);
  return fs.readFileSync(out);
}

describe('rpnc inspect: operators, --dot, --json, the table', () => {
  const c = 'b_width2_lorr_param_concat_fusion';

  it('the operator histogram equals the ops of the emitted ONNX, and inspect of that .onnx agrees', () => {
    const out = path.join(tmp, `${c}.onnx`);
    expect(rpnc('build', model(c), '-w', weights(c), '-o', out).code).toBe(0);
    const d = decode(out);
    const fromTs = inspectJson(model(c), '-w', weights(c));
    expect(fromTs.operators).toEqual(d.ops);
    expect(fromTs.nodeCount).toBe(d.nodes);
    expect(fromTs.initializers.count).toBe(d.initCount);
    expect(fromTs.initializers.elements).toBe(d.elements);
    expect(fromTs.totals.onnxBytes).toBe(fs.statSync(out).size);
    const fromOnnx = inspectJson(out);
    expect(fromOnnx.kind).toBe('onnx');
    expect(fromOnnx.producer.rpnc).toBe(true);
    expect(fromOnnx.operators).toEqual(d.ops);
    expect(fromOnnx.initializers).toEqual(fromTs.initializers);
    expect(fromOnnx.metadata['rpnc.model_type']).toBe('rpn');
    expect(fromOnnx.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 4] }]);
    expect(fromOnnx.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 3] }]);
    expect(fromOnnx.totals.onnxBytes).toBe(fs.statSync(out).size);
    expect(fromTs.graph).toBeUndefined(); // the graph is for --dot, not part of --json
  });

  it('--dot: a digraph with one box per op, the graph input and output, edges between declared nodes', () => {
    const r = rpnc('inspect', model(c), '-w', weights(c), '--dot');
    expect(r.code).toBe(0);
    const { nodes, edges, boxes } = parseDot(r.stdout);
    const ops = decode(path.join(tmp, `${c}.onnx`)).nodes;
    expect(boxes).toBe(ops);
    expect(nodes.size).toBe(ops + 2);
    for (const [a, b] of edges) expect(nodes.has(a) && nodes.has(b), `${a} -> ${b}`).toBe(true);
    expect(r.stdout).toMatch(/label="MatMul\\n.*\[4,3\]/); // op and shapes in the label
    // deterministic, and to a file with --dot FILE (the table still goes to stdout)
    const file = path.join(tmp, 'g.dot');
    const r2 = rpnc('inspect', model(c), '-w', weights(c), '--dot', file);
    expect(r2.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe(r.stdout);
    expect(r2.stdout).toContain('operators (');
  });

  it('the table shows each head with its components, widths, counts and form', () => {
    const r = rpnc('inspect', model('a_taylor_d3_lorr'), '-w', weights('a_taylor_d3_lorr'), '--no-opt');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+0\s+taylor\s+lorr \(l=82\)\s+zero\s+3→39→2\s+1\s+82\s+78\s+156\s+dense/m);
    expect(r.stdout).toMatch(/operators \(\d+ nodes\): .*MatMul 1/);
    expect(r.stdout).toMatch(/totals: 82 parameters in the checkpoint, 78 after folding; 156 FLOPs\/sample/);
  });

  it('a fixed batch (instance interdependence, b = 4 → 3 rows): the header shows the golden input/output shapes, as the input/output lines do', () => {
    const r = rpnc('inspect', model('i_two_layers'), '-w', weights('i_two_layers'));
    expect(r.code, r.stderr).toBe(0);
    const io = safetensorsShapes(path.join(root, 'fixtures/golden/i_two_layers/io.safetensors')); // tinybig's x [4, 3], y [3, 2]
    const [x, y] = [io.get('input')!, io.get('output')!];
    expect(r.stdout.split('\n')[0]).toBe(`i_two_layers.ts: rpn (model), x [${x.join(', ')}] → y [${y.join(', ')}]`);
    expect(r.stdout).toContain(`inputs:  x float32[${x.join(', ')}]`);
    expect(r.stdout).toContain(`outputs: y float32[${y.join(', ')}]`);
    // a model without an instance interdependence keeps the symbolic batch
    expect(rpnc('inspect', model('a_taylor_d3_lorr')).stdout.split('\n')[0]).toMatch(/x \[batch, 3\] → y \[batch, 2\]$/);
  });

  it('an .onnx from torch.onnx.export (p_taylor): not rpnc, operators as decoded, inputs and initializers', () => {
    const r = inspectJson(torchOnnx);
    const d = decode(torchOnnx);
    expect(r.producer).toMatchObject({ name: 'pytorch', rpnc: false });
    expect(r.operators).toEqual(d.ops);
    expect(r.nodeCount).toBe(d.nodes);
    expect(r.initializers.count).toBe(d.initCount);
    expect(r.initializers.elements).toBe(d.elements);
    expect(r.initializers.bytes).toBe(4 * d.elements); // float32 initializers
    expect(r.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: ['batch', 64] }]);
    const table = rpnc('inspect', torchOnnx);
    expect(table.stdout).toContain('produced by pytorch 1.13.0 (not rpnc)');
    const dot = parseDot(rpnc('inspect', torchOnnx, '--dot').stdout);
    expect(dot.boxes).toBe(d.nodes);
  });

  it('bad inputs: not ONNX (1), missing .onnx (1), neither .ts nor .onnx (2), --dot to stdout with --json (2)', () => {
    const junk = path.join(tmp, 'junk.onnx');
    fs.writeFileSync(junk, 'this is not a protobuf \xff\xff\xff');
    const a = rpnc('inspect', junk);
    expect(a.code).toBe(1);
    expect(a.stderr).toContain('RPN3401');
    expect(a.stdout).toBe('');
    const b = rpnc('inspect', path.join(tmp, 'missing.onnx'));
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('RPN3405');
    const c2 = rpnc('inspect', path.join(tmp, 'model.txt'));
    expect(c2.code).toBe(2);
    expect(c2.stderr).toContain('RPN6002');
    const d = rpnc('inspect', model(c), '--dot', '--json');
    expect(d.code).toBe(2);
    expect(JSON.parse(d.stdout)).toMatchObject({ ok: false, diagnostics: [{ code: 'RPN6002' }] });
    for (const r of [a, b, c2]) expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });
});

/** A small parser for the Graphviz subset `graphToDot` writes: node statements and `a -> b` edges. */
function parseDot(text: string): { nodes: Set<string>; edges: [string, string][]; boxes: number } {
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^digraph "[^"]*" \{$/);
  expect(lines[lines.length - 1]).toBe('}');
  const nodes = new Set<string>();
  const edges: [string, string][] = [];
  let boxes = 0;
  for (const l of lines.slice(1, -1)) {
    const edge = /^\s*(\w+) -> (\w+);$/.exec(l);
    const node = /^\s*(\w+) \[(shape=(\w+), )?label="(?:[^"\\]|\\.)*"\];$/.exec(l);
    if (edge) edges.push([edge[1], edge[2]]);
    else if (node) {
      expect(nodes.has(node[1]), `node ${node[1]} declared twice`).toBe(false);
      nodes.add(node[1]);
      if (node[3] === 'box') boxes++;
    } else expect(l, 'a graph attribute statement').toMatch(/^\s*(rankdir=\w+|node \[.*\]);$/);
  }
  return { nodes, edges, boxes };
}
