/**
 * Chain and graph models (rpn2-topological): the matrices against the spec's hand-derived values (compiler and
 * reference), every lowering form on every n_* golden case, the cost model's choices at scale, and the located
 * refusals of what tinybig itself cannot run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec, loadWeights } from '../../compiler/compile.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import * as R from '../../compiler/dsl/index.js';
import { stepMixPlan } from '../../compiler/lower/chain.js';
import { graphMixPlan } from '../../compiler/lower/graph.js';
import { lowerModel, type LowerOptions } from '../../compiler/lower/index.js';
import { encodeModel, modelProto } from '../../compiler/onnx/emit.js';
import { runPasses } from '../../compiler/passes.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { topologyMatrix, denseFloat32 } from '../../compiler/spec/topology.js';
import type { ModelSpec, TopologySpec } from '../../compiler/spec/types.js';
import { createModel } from '../../ir/graph.js';
import { topologyA } from '../../runtime/reference/topology.js';
import { runReference } from '../../runtime/reference/index.js';
import { createSession, runSession } from '../../runtime/session.js';
import { goldenCases, goldenIo, goldenWeights, modelsDir, root } from '../golden/cases.js';

const here = path.join(root, 'test/topology/models');
const cli = path.join(root, 'dist/cli/main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rpnc-topology-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A chain head's step matrix, from the compiler (sparse, float64) and from the reference (dense, naive). */
function chainA(opts: Partial<R.ChainInterdependenceHeadOptions>): { compiled: number[][]; reference: number[][] } {
  const spec = buildModelSpec(R.chainInterdependenceHead({ m: 2, n: 2, chainLength: 4, ...opts }));
  return both(spec.layers[0].heads[0].stepInterdependence!.topology!);
}
function both(t: TopologySpec): { compiled: number[][]; reference: number[][] } {
  const n = t.size;
  const c = denseFloat32(topologyMatrix(t));
  const r = topologyA(t);
  const rows = (d: ArrayLike<number>) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => d[i * n + j]));
  return { compiled: rows(c), reference: rows(r.data) };
}
function expectMatrix(got: { compiled: number[][]; reference: number[][] }, want: number[][]): void {
  for (const m of [got.compiled, got.reference]) for (let i = 0; i < want.length; i++) for (let j = 0; j < want.length; j++) expect(m[i][j]).toBeCloseTo(want[i][j], 6);
}

describe('chain matrices (rpn2-topological §3.1, L = 4, hand-derived)', () => {
  it('plain uni-directional with self dependence: I + S', () => expectMatrix(chainA({}), [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]]));
  it('bi-directional without self dependence: S + Sᵀ', () => expectMatrix(chainA({ biDirectional: true, selfDependence: false }), [[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]]));
  it('self scaling 0.5 on the diagonal', () => expectMatrix(chainA({ selfScaling: 0.5 }), [[0.5, 1, 0, 0], [0, 0.5, 1, 0], [0, 0, 0.5, 1], [0, 0, 0, 0.5]]));
  it('multihop h = 2 ignores self scaling (tinybig does not forward it)', () => expectMatrix(chainA({ withMultihop: true, h: 2, selfScaling: 0.25 }), [[1, 2, 1, 0], [0, 1, 2, 1], [0, 0, 1, 2], [0, 0, 0, 1]]));
  it('multihop h = 0 is I; accumulative h = 0 is M (tinybig\'s accumulative_matrix_power starts from M¹)', () => {
    expectMatrix(chainA({ withMultihop: true, h: 0 }), [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    expectMatrix(chainA({ withMultihop: true, h: 0, accumulative: true }), [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1], [0, 0, 0, 1]]);
  });
  it('multihop h = 5 is M⁵ (by squaring, as tinybig\'s matrix_power); h = 2^50 on a uni-directional chain without self loops is 0 (nilpotent), computed in ~100 products', () => {
    // M = I + S on L = 4: (I + S)^5 = I + 5S + 10S² + 10S³ (S⁴ = 0)
    expectMatrix(chainA({ withMultihop: true, h: 5 }), [[1, 5, 10, 10], [0, 1, 5, 10], [0, 0, 1, 5], [0, 0, 0, 1]]);
    const t = performance.now();
    expectMatrix(chainA({ withMultihop: true, h: 2 ** 50, selfDependence: false }), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
    expect(performance.now() - t).toBeLessThan(2000);
  });
  it('accumulative multihop beyond 10,000 hops is refused (RPN2301: h matrix products, in tinybig too)', () => {
    expect(() => buildModelSpec(R.chainInterdependenceHead({ m: 2, n: 2, chainLength: 4, withMultihop: true, h: 10_001, accumulative: true }))).toThrow(/RPN2301: an accumulative multi-hop sum of h = 10001 hops/);
  });
  it('multihop h = 2 accumulative: M + M² (no k = 0 term)', () => expectMatrix(chainA({ withMultihop: true, h: 2, accumulative: true }), [[2, 3, 1, 0], [0, 2, 3, 1], [0, 0, 2, 3], [0, 0, 0, 2]]));
  it('multihop h = 2 accumulative bi-directional: column-normalized, column 0 = [3, 3, 1, 0] / 7', () => {
    const a = chainA({ withMultihop: true, h: 2, accumulative: true, biDirectional: true });
    for (const m of [a.compiled, a.reference]) expect(m.map((r) => r[0])).toEqual([3 / 7, 3 / 7, 1 / 7, 0].map((v) => expect.closeTo(v, 6)));
  });
  it('inverse approximation, uni-directional: (I − S)⁻¹ = upper triangle of ones (self loops dropped)', () => expectMatrix(chainA({ withInverseApprox: true, selfScaling: 3 }), [[1, 1, 1, 1], [0, 1, 1, 1], [0, 0, 1, 1], [0, 0, 0, 1]]));
  it('inverse approximation, bi-directional: colnorm(Σ_{k=1}^{3} B^k), columns [1,3,1,1]/6 and [3,2,4,1]/10', () => {
    const a = chainA({ withInverseApprox: true, biDirectional: true });
    for (const m of [a.compiled, a.reference]) {
      expect(m.map((r) => r[0])).toEqual([1, 3, 1, 1].map((v) => expect.closeTo(v / 6, 6)));
      expect(m.map((r) => r[1])).toEqual([3, 2, 4, 1].map((v) => expect.closeTo(v / 10, 6)));
    }
  });
  it('exponential approximation, uni-directional: expm(S) has 1/k! on the k-th superdiagonal', () => expectMatrix(chainA({ withExponentialApprox: true }), [[1, 1, 1 / 2, 1 / 6], [0, 1, 1, 1 / 2], [0, 0, 1, 1], [0, 0, 0, 1]]));
});

describe('graph matrices (rpn2-topological §2.1, §3.2, hand-derived)', () => {
  const g = (o: Partial<R.GraphInterdependenceHeadOptions>) => both(buildModelSpec(R.graphInterdependenceHead({ m: 2, n: 2, ...o } as R.GraphInterdependenceHeadOptions)).layers[0].heads[0].instanceInterdependence!.topology!);
  it("'row_column' is sequential (rows by √rowsum, then columns by √colsum of that), not D^-½·A·D^-½: 2^-¼ ≈ 0.8409, not 1/√2", () => {
    const a = g({ nodes: [0, 1, 2], links: [[0, 1], [0, 2]], directed: true, selfDependence: false, normalizationMode: 'row_column' });
    expectMatrix(a, [[0, 2 ** -0.25, 2 ** -0.25], [0, 0, 0], [0, 0, 0]]);
  });
  it('string ids, a self loop (1 + s on the diagonal), duplicates collapse, a link from an unknown source is dropped', () => {
    const a = g({ nodes: ['a', 'b', 'c'], links: [['a', 'b'], ['b', 'a'], ['b', 'b'], ['z', 'a']], normalization: false });
    expectMatrix(a, [[1, 1, 0], [1, 2, 0], [0, 0, 1]]);
  });
  it('a graph object\'s directed flag wins over the head\'s', () => {
    const a = g({ graph: R.graph({ nodes: [0, 1], links: [[0, 1]], directed: true }), directed: false, normalization: false, selfDependence: false });
    expectMatrix(a, [[0, 1], [0, 0]]);
  });
  it('PageRank drops self loops: c·(I − (1−c)·A)⁻¹ for A = [[0,1],[1,0]], c = 0.5 → [[2/3, 1/3], [1/3, 2/3]]', () => {
    const a = g({ nodes: [0, 1], links: [[0, 1]], withPagerank: true, c: 0.5, normalization: false });
    expectMatrix(a, [[2 / 3, 1 / 3], [1 / 3, 2 / 3]]);
  });
});

/** Lower with a forced mixing form, run the passes, emit. */
function build(spec: ModelSpec, weights: string[], opts: LowerOptions): Uint8Array {
  const graph = lowerModel(spec, loadWeights(spec, { weights }), opts);
  runPasses(graph, { fold: true, opt: true });
  return encodeModel(modelProto(createModel(graph, {})));
}

describe('every mixing form matches tinybig on every chain / graph golden', () => {
  const cases = goldenCases.filter((c) => c.startsWith('n_'));
  it('has the 37 n_* cases of ../shared/golden that tinybig can run', () => expect(cases.length).toBe(37));
  for (const c of cases) {
    it(c, async () => {
      const { spec } = loadSpec(path.join(modelsDir, `${c}.ts`));
      const { input, output } = goldenIo(c);
      const chain = spec.layers.some((l) => l.heads.some((h) => h.steps));
      for (const mixForm of chain ? (['banded', 'dense'] as const) : (['sparse', 'dense'] as const)) {
        const s = await createSession(build(spec, goldenWeights(c), { mixForm }));
        const y = await runSession(s, input);
        for (let i = 0; i < output.data.length; i++) {
          if (!(Math.abs(y.data[i] - output.data[i]) <= 1e-5 + 1e-4 * Math.abs(output.data[i]))) expect.fail(`${c} ${mixForm}: element ${i}: ${y.data[i]} vs golden ${output.data[i]}`);
        }
      }
    });
  }
});

describe('the cost model at scale', () => {
  it('a 150-step plain chain (p_rnn) mixes its steps with shifted slices, not a 150×150 MatMul', () => {
    const { spec } = loadSpec(path.join(root, 'fixtures/perf/p_rnn.ts'));
    const chainHead = spec.layers[1].heads[0];
    const plan = stepMixPlan(chainHead.stepInterdependence!, 128, { batchHint: 64 });
    expect(plan.form).toBe('banded');
    expect(plan.costs.dense / plan.costs.banded).toBeGreaterThan(10);
  });
  it('an exponential chain is dense in every diagonal: one MatMul', () => {
    const spec = buildModelSpec(R.chainInterdependenceHead({ m: 8, n: 8, chainLength: 40, withExponentialApprox: true }));
    expect(stepMixPlan(spec.layers[0].heads[0].stepInterdependence!, 8, { batchHint: 64 }).form).toBe('dense');
  });
  it('p_gcn (2708 nodes, 5429 links): the ELL sparse product, far cheaper than 2708² dense', () => {
    const { spec } = loadSpec(path.join(root, 'fixtures/perf/p_gcn_file.ts'));
    const ii = spec.layers[0].heads[0].instanceInterdependence!;
    const plan = graphMixPlan(ii, 16);
    expect(plan.form).toBe('sparse');
    expect(plan.nnz).toBe(2 * 5429 + 2708 - 0); // undirected links both ways plus self loops (the generator has no duplicates or self loops)
    expect(plan.costs.dense / plan.costs.sparse).toBeGreaterThan(50);
    expect(spec.batch).toBe(2708);
  });
  it('p_gcn from 5429 literal links and from graphFilePath give the same spec', () => {
    const a = loadSpec(path.join(root, 'fixtures/perf/p_gcn.ts')).spec.layers[0].heads[0].instanceInterdependence!.topology!;
    const b = loadSpec(path.join(root, 'fixtures/perf/p_gcn_file.ts')).spec.layers[0].heads[0].instanceInterdependence!.topology!;
    expect(a.links).toEqual(b.links);
    expect([a.size, a.directed]).toEqual([b.size, b.directed]);
  });
});

function cliRun(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: tmp, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}
function refused(file: string): DiagnosticError['diagnostics'] {
  try {
    loadSpec(path.join(here, file));
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics;
    throw e;
  }
  throw new Error(`${file} was not refused`);
}

describe('what tinybig cannot run is refused with a located diagnostic', () => {
  const cases: [string, string, string, RegExp][] = [
    ['chain_batch_norm.ts', 'RPN2130', 'withBatchNorm', /RuntimeError/],
    ['chain_channels2.ts', 'RPN2130', 'channelNum', /AssertionError/],
    ['chain_length1.ts', 'RPN2130', 'chainLength', /IndexError/],
    ['rnn_batch_norm.ts', 'RPN2130', 'withBatchNorm', /RuntimeError/],
    ['graph_unknown_target.ts', 'RPN2131', 'links', /KeyError: 9/],
    ['graph_no_links.ts', 'RPN2131', 'links', /IndexError/],
    ['graph_duplicate_nodes.ts', 'RPN2131', 'nodes', /appears twice/],
    ['graph_no_graph.ts', 'RPN2131', '', /needs a graph/],
    ['graph_attribute_size.ts', 'RPN2131', '', /mixes the 4 features.*3 nodes/],
    ['graph_bad_b.ts', 'RPN2131', 'b', /b = 5 but the graph has 3 nodes/],
    ['graph_file_missing.ts', 'RPN2132', 'graphFilePath', /does not exist/],
    ['graph_file_pickle.ts', 'RPN2132', 'graphFilePath', /a pickle rpnc refuses to read \(RPN351\d/],
    ['graph_file_hostile.ts', 'RPN2132', 'graphFilePath', /RPN3511.*os\.system|os\.system.*RPN3511|RPN3511/],
    ['graph_file_notjson.ts', 'RPN2132', 'graphFilePath', /not valid JSON/],
    ['graph_file_badlinks.ts', 'RPN2132', 'graphFilePath', /link 1 is not a \[source, target\] pair/],
    ['graph_file_outside.ts', 'RPN2132', 'graphFilePath', /outside the model's project/],
  ];
  for (const [file, code, option, message] of cases) {
    it(`${file}: ${code}${option ? ` at ${option}` : ''}`, () => {
      const [d] = refused(file);
      expect(d.code).toBe(code);
      expect(d.message).toMatch(message);
      expect(d.span?.file).toBe(path.join(here, file));
      const text = fs.readFileSync(path.join(here, file), 'utf8').split('\n');
      const line = text[d.span!.line - 1];
      if (option) expect(line.slice(0, d.span!.col - 1).trimEnd().endsWith(`${option}:`), `${line} at column ${d.span!.col}`).toBe(true); // the option's value
    });
  }
  it('rpnc build exits 1 and writes nothing', () => {
    const out = path.join(tmp, 'x.onnx');
    const r = cliRun('build', path.join(here, 'graph_unknown_target.ts'), '-o', out);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/RPN2131/);
    expect(r.stderr).toMatch(/graph_unknown_target\.ts:\d+:\d+/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('graph models run on exactly their N nodes', () => {
  it('the ONNX input is [N, m] and rpnc run refuses another batch (n_graph_head_batch_mismatch: tinybig asserts)', () => {
    const out = path.join(tmp, 'g.onnx');
    const model = path.join(modelsDir, 'n_graph_head_defaults.ts');
    const built = cliRun('build', model, '-w', goldenWeights('n_graph_head_defaults')[0], '-o', out);
    expect(built.status, built.stderr).toBe(0);
    expect(built.stdout + built.stderr).toMatch(/\[6, 4\]/);
    const five = path.join(tmp, 'five.json');
    fs.writeFileSync(five, JSON.stringify(Array.from({ length: 5 }, () => [0.1, 0.2, 0.3, 0.4])));
    const r = cliRun('run', out, '-i', five);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/6/);
    expect(r.stderr).toMatch(/5/);
  });
});

describe("tinybig's own pickled graph file (graph.save), read by the restricted unpickler", () => {
  it('gives the golden n_graph_head_graph_file_path (the pickle\'s directed flag wins) in ORT and the reference', async () => {
    const { spec } = loadSpec(path.join(here, 'graph_file_tinybig_pickle.ts'));
    const t = spec.layers[0].heads[0].instanceInterdependence!.topology!;
    expect([t.size, t.directed]).toEqual([6, true]);
    const weights = goldenWeights('n_graph_head_graph_file_path');
    const { input, output } = goldenIo('n_graph_head_graph_file_path');
    const s = await createSession(build(spec, weights, {}));
    const y = await runSession(s, input);
    const ref = runReference(spec, loadWeights(spec, { weights }), { rows: input.shape[0], cols: input.shape[1], data: input.data });
    for (let i = 0; i < output.data.length; i++) {
      expect(Math.abs(y.data[i] - output.data[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(output.data[i]));
      expect(Math.abs(ref.data[i] - output.data[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(output.data[i]));
    }
  });
});

describe("the README's graph examples", () => {
  it('are in README.md verbatim, build, and give the same model from literal links and from the graph file', async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const outs: Float32Array[] = [];
    for (const f of ['gcn-literal.ts', 'gcn-file.ts']) {
      const text = fs.readFileSync(path.join(root, 'examples', f), 'utf8');
      expect(readme).toContain(text);
      const out = path.join(tmp, f.replace('.ts', '.onnx'));
      const r = cliRun('build', path.join(root, 'examples', f), '-o', out, '--seed', '3');
      expect(r.status, r.stderr).toBe(0);
      const s = await createSession(fs.readFileSync(out));
      outs.push((await runSession(s, { shape: [5, 8], data: Float32Array.from({ length: 40 }, (_, i) => Math.sin(i)) })).data);
    }
    expect(Array.from(outs[0])).toEqual(Array.from(outs[1]));
  });

  it("rpnc.source_sha256 covers the graph file: another graph.json gives another hash", () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'hash-'));
    fs.copyFileSync(path.join(root, 'examples', 'gcn-file.ts'), path.join(dir, 'gcn-file.ts'));
    const hash = () => {
      const r = loadSpec(path.join(dir, 'gcn-file.ts'));
      return r.sourceSha256;
    };
    fs.writeFileSync(path.join(dir, 'graph.json'), '{ "nodes": [0, 1, 2, 3, 4], "links": [[0, 1], [1, 2]], "directed": false }');
    const a = hash();
    fs.writeFileSync(path.join(dir, 'graph.json'), '{ "nodes": [0, 1, 2, 3, 4], "links": [[0, 1], [1, 3]], "directed": false }');
    const b = hash();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).not.toBe(a);
  });
});
