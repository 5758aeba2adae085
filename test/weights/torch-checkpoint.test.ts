/**
 * torch.save checkpoints and tinybig graph pickles, read as they are (issue #15), against real files
 * made by torch 1.13 and tinybig (fixtures/torch/make_fixtures.py): every value equals what torch.load
 * reads back (fixtures/torch/expect.json, written by torch itself) and the golden weights; the golden
 * models built from the checkpoints give byte-identical ONNX to the safetensors builds and tinybig's outputs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFile } from '../../compiler/compile.js';
import { parseSafetensors, readWeightFile } from '../../compiler/weights/safetensors.js';
import { parseTorchCheckpoint, readTinybigGraphPickle, sniffFile } from '../../compiler/weights/torch-checkpoint.js';
import { createSession, runSession } from '../../runtime/session.js';
import { goldenDir, goldenIo, modelsDir, root } from '../golden/cases.js';
import { expectDiag } from './helpers.js';

const dir = path.join(root, 'fixtures/torch');
const fx = (f: string) => path.join(dir, f);
const read = (f: string) => fs.readFileSync(fx(f));
type Expect = Record<string, Record<string, { shape: number[]; dtype: string; values: number[] }>>;
const expected = JSON.parse(fs.readFileSync(fx('expect.json'), 'utf8')) as Expect;
const golden = (c: string) => parseSafetensors(fs.readFileSync(path.join(goldenDir, c, 'weights.safetensors')), c).tensors;

describe('real torch.save files (torch 1.13, tinybig save_ckpt)', () => {
  it('recognises files by content', () => {
    expect(sniffFile(read('m_mlp_taylor_lorr_checkpoint'))).toBe('torch-zip');
    expect(sniffFile(read('mlp_legacy_checkpoint'))).toBe('torch-legacy');
    expect(sniffFile(read('g6_directed.pkl'))).toBe('pickle');
    expect(sniffFile(fs.readFileSync(path.join(goldenDir, 'm_kan/weights.safetensors')))).toBe('safetensors');
    expect(sniffFile(Buffer.from('not a checkpoint'))).toBe('other');
    // a safetensors header of 0x0280 bytes starts with 0x80 0x02, like a pickle's PROTO 2: still safetensors
    const st = Buffer.alloc(8 + 0x280 + 8, 0x20);
    st.writeBigUInt64LE(0x280n);
    st.write('{"__metadata__":{}}', 8);
    expect([st[0], st[1]]).toEqual([0x80, 0x02]);
    expect(sniffFile(st)).toBe('safetensors');
    expect(readWeightFile.length).toBe(1);
  });

  const zips = Object.keys(expected).filter((f) => f !== 'mlp_legacy_checkpoint');
  it.each(zips)('%s: every tensor equals what torch.load reads', (f) => {
    const ck = parseTorchCheckpoint(read(f), f);
    const want = expected[f]!;
    const floats = Object.keys(want).filter((k) => want[k]!.dtype !== 'int64');
    expect([...ck.tensors.keys()]).toEqual(floats);
    expect(ck.skipped).toEqual(Object.keys(want).filter((k) => want[k]!.dtype === 'int64'));
    for (const k of floats) {
      const t = ck.tensors.get(k)!;
      expect(t.shape, k).toEqual(want[k]!.shape);
      expect(Array.from(t.data), k).toEqual(want[k]!.values.map(Math.fround));
    }
    expect(ck.entries.map((e) => e.key)).toEqual(Object.keys(want));
    expect(ck.entries.map((e) => e.dtype)).toEqual(Object.values(want).map((w) => w.dtype));
  });

  it('tinybig checkpoints hold exactly the golden weights (bitwise)', () => {
    for (const [f, c] of [['m_mlp_taylor_lorr_checkpoint', 'm_mlp_taylor_lorr'], ['b_perceptron_layer_width2_shared_heads__bnbatch_checkpoint', 'b_perceptron_layer_width2_shared_heads__bnbatch']] as const) {
      const ck = parseTorchCheckpoint(read(f), f).tensors;
      const g = golden(c);
      expect([...ck.keys()].sort()).toEqual([...g.keys()].sort());
      for (const [k, t] of g) {
        expect(ck.get(k)!.shape, k).toEqual(t.shape);
        expect(Buffer.from(ck.get(k)!.data.buffer, ck.get(k)!.data.byteOffset, ck.get(k)!.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)), k).toBe(true);
      }
    }
  });

  it('[head] * width: the aliased keys are one storage in the file, two equal tensors here', () => {
    const ck = parseTorchCheckpoint(read('b_perceptron_layer_width2_shared_heads__bnbatch_checkpoint'), 'shared');
    const a = ck.tensors.get('layers.0.heads.0.w')!.data;
    const b = ck.tensors.get('layers.0.heads.1.w')!.data;
    expect(a.buffer).toBe(b.buffer);
    expect(a.byteOffset).toBe(b.byteOffset); // the same bytes of the file: no copy
  });

  it('float64 / float16 / bfloat16 become float32 with a warning naming the keys; float32 gives none', () => {
    expect(parseTorchCheckpoint(read('m_mlp_taylor_lorr_checkpoint'), 'x').warnings).toEqual([]);
    for (const [f, dt] of [['mlp_f64_checkpoint', 'float64'], ['mlp_f16_checkpoint', 'float16'], ['mlp_bf16_checkpoint', 'bfloat16']]) {
      const w = parseTorchCheckpoint(read(f!), f!).warnings;
      expect(w.map((d) => [d.code, d.severity])).toEqual([['RPN3522', 'warning']]);
      expect(w[0]!.message).toContain(`'layers.0.heads.0.w' (${dt})`);
    }
  });

  it('zero-size tensors, scalars, slices at an offset and strided columns of one storage', () => {
    const ck = parseTorchCheckpoint(read('odd_checkpoint'), 'odd');
    expect(ck.tensors.get('empty')).toMatchObject({ shape: [2, 0] });
    expect(ck.tensors.get('empty')!.data.length).toBe(0);
    expect(Array.from(ck.tensors.get('scalar')!.data)).toEqual([2.5]);
    expect(Array.from(ck.tensors.get('slice')!.data)).toEqual([5, 6, 7, 8, 9, 10].map((v) => v / 4));
    expect(Array.from(ck.tensors.get('column')!.data)).toEqual([1, 5, 9].map((v) => v / 4));
    expect(ck.skipped).toEqual(['bn.num_batches_tracked']);
  });

  it('the legacy format, a nested dict and a pickled model are refused with what to do', () => {
    expectDiag(() => readWeightFile(fx('mlp_legacy_checkpoint')), 'RPN3523', 'legacy', 'torch.save(torch.load(');
    expectDiag(() => readWeightFile(fx('mlp_nested_checkpoint')), 'RPN3521', "'model' is a dict of", "torch.save(ckpt['model'], path)");
    // torch.save(model): the first name the pickle mentions is tinybig's class; refused before any import
    expectDiag(() => readWeightFile(fx('mlp_whole_model_checkpoint')), 'RPN3511', "global 'tinybig.", 'nothing was imported', 'state_dict()');
    expectDiag(() => readWeightFile(fx('g6_directed.pkl')), 'RPN3524', 'graphFilePath');
  });
});

describe('golden models built from torch.save checkpoints', () => {
  const cases: [string, string, string[]][] = [
    ['m_mlp_taylor_lorr', 'm_mlp_taylor_lorr', ['m_mlp_taylor_lorr_checkpoint', 'mlp_parameters_checkpoint', 'mlp_views_checkpoint', 'mlp_f64_checkpoint']],
    ['b_perceptron_layer_width2_shared_heads__bnbatch', 'b_perceptron_layer_width2_shared_heads__bnbatch', ['b_perceptron_layer_width2_shared_heads__bnbatch_checkpoint']],
  ];
  it.each(cases)('%s: byte-identical ONNX to the safetensors build, and tinybig\'s output', async (c, g, ckpts) => {
    const model = path.join(modelsDir, `${c}.ts`);
    const ref = compileFile(model, { weights: [path.join(goldenDir, g, 'weights.safetensors')] }).onnx;
    const { input, output } = goldenIo(g);
    for (const f of ckpts) {
      const res = compileFile(model, { weights: [fx(f)] });
      expect(Buffer.from(res.onnx).equals(Buffer.from(ref)), f).toBe(true);
      expect(res.diagnostics.filter((d) => d.code === 'RPN3522').length, f).toBe(f.includes('f64') ? 1 : 0);
    }
    const y = await runSession(await createSession(compileFile(model, { weights: [fx(ckpts[0]!)] }).onnx), input);
    let worst = 0;
    for (let i = 0; i < output.data.length; i++) worst = Math.max(worst, Math.abs(y.data[i]! - output.data[i]!) / (1e-5 + 1e-4 * Math.abs(output.data[i]!)));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('float16 weights build (rounded) and warn; a torch checkpoint and a safetensors file merge', () => {
    const model = path.join(modelsDir, 'm_mlp_taylor_lorr.ts');
    const res = compileFile(model, { weights: [fx('mlp_f16_checkpoint')] });
    expect(res.diagnostics.map((d) => d.code)).toContain('RPN3522');
    // a key in both kinds of file is named with both files
    expectDiag(() => compileFile(model, { weights: [fx('m_mlp_taylor_lorr_checkpoint'), path.join(goldenDir, 'm_mlp_taylor_lorr/weights.safetensors')] }), 'RPN3010', 'm_mlp_taylor_lorr_checkpoint', 'weights.safetensors');
  });
});

describe("tinybig's graph pickles (graph.save)", () => {
  it('the n_graph_head_graph_file_path graph: nodes in index order, out-neighbour links, the stored directed flag', () => {
    expect(readTinybigGraphPickle(read('g6_directed.pkl'), 'g6')).toEqual({
      nodes: [0, 1, 2, 3, 4, 5],
      links: [[0, 1], [1, 2], [1, 4], [2, 0], [2, 3], [3, 4], [4, 5], [5, 3]],
      directed: true,
    });
  });
  // tinybig's own A for this graph (../shared/golden/n_graph_head_graph_file_path, from the same graph.save):
  // column-normalised Adj + I (rpn2-topological.md §2.1, §6.1 defaults) built from what the reader returns
  const sharedCase = path.resolve(root, '../shared/golden/n_graph_head_graph_file_path/extras.safetensors');
  it.skipIf(!fs.existsSync(sharedCase))('gives the adjacency tinybig built from its pickle (n_graph_head_graph_file_path)', () => {
    const g = readTinybigGraphPickle(read('g6_directed.pkl'), 'g6');
    const N = g.nodes.length;
    const index = new Map(g.nodes.map((id, i) => [id, i]));
    const M = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i === j ? 1 : 0)));
    for (const [s, t] of g.links) {
      M[index.get(s)!]![index.get(t)!] = 1 + (s === t ? 1 : 0);
      if (!g.directed) M[index.get(t)!]![index.get(s)!] = 1;
    }
    const colSum = Array.from({ length: N }, (_, j) => M.reduce((a, r) => a + r[j]!, 0) || 1);
    const A = parseSafetensors(fs.readFileSync(sharedCase), 'extras').tensors.get('instance_interdependence.A')!;
    expect(A.shape).toEqual([N, N]);
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) expect(A.data[i * N + j]!, `A[${i},${j}]`).toBeCloseTo(M[i]![j]! / colSum[j]!, 6);
    expect(g.directed).toBe(true); // a symmetric A would differ: tinybig used the stored flag
    expect(A.data[0 * N + 1]).not.toBeCloseTo(A.data[1 * N + 0]!, 3);
  });
  it('string ids, a self loop, a link from an unknown node dropped (as tinybig does), undirected', () => {
    expect(readTinybigGraphPickle(read('str_undirected.pkl'), 's')).toEqual({
      nodes: ['c', 'a', 'b'],
      links: [['a', 'b'], ['b', 'c'], ['c', 'c']],
      directed: false,
    });
  });
  it('refuses what is not a tinybig graph', () => {
    expectDiag(() => readTinybigGraphPickle(read('m_mlp_taylor_lorr_checkpoint'), 'x'), 'RPN3530', 'not a pickle');
    // a pickled dict without 'nodes': protocol 2, {'directed': True}
    const p = Uint8Array.from([0x80, 2, 0x7d, 0x58, 8, 0, 0, 0, ...Buffer.from('directed'), 0x88, 0x73, 0x2e]);
    expectDiag(() => readTinybigGraphPickle(p, 'x.pkl'), 'RPN3530', "no 'nodes' key");
    // no global at all is allowed in a graph pickle: not even the ones a checkpoint may use
    expectDiag(() => readTinybigGraphPickle(fs.readFileSync(path.join(root, 'test/corpus/torch/plain_pickle.pkl')), 'evil.pkl'), 'RPN3511', "global 'os.system'", 'byte 2');
    const od = Uint8Array.from([0x80, 2, 0x63, ...Buffer.from('collections\nOrderedDict\n'), 0x29, 0x52, 0x2e]);
    expectDiag(() => readTinybigGraphPickle(od, 'od.pkl'), 'RPN3511', "'collections.OrderedDict'");
    // two nodes on one index (a hand-edited graph): protocol 4, {'directed': False, 'nodes': {0: 0, 1: 0}, 'out_neighbors': {}}
    const dup = Uint8Array.from([0x80, 4, 0x7d, 0x28, 0x8c, 8, ...Buffer.from('directed'), 0x89, 0x8c, 5, ...Buffer.from('nodes'), 0x7d, 0x28, 0x4b, 0, 0x4b, 0, 0x4b, 1, 0x4b, 0, 0x75,
      0x8c, 13, ...Buffer.from('out_neighbors'), 0x7d, 0x75, 0x2e]);
    expectDiag(() => readTinybigGraphPickle(dup, 'dup.pkl'), 'RPN3530', 'node 1 has index 0');
  });
});

describe('rpnc inspect <checkpoint> [--model]', () => {
  it('lists keys, stored dtypes and shapes, and where each lands in the model', async () => {
    const { describeCheckpoint } = await import('../../compiler/weights/checkpoint-report.js');
    const { loadSpec } = await import('../../compiler/compile.js');
    const plain = describeCheckpoint(fx('odd_checkpoint'));
    expect(plain.format).toBe('torch.save');
    expect(plain.entries.map((e) => [e.key, e.dtype, e.shape, e.elements])).toEqual([
      ['empty', 'float32', [2, 0], 0], ['bn.num_batches_tracked', 'int64', [], 1], ['scalar', 'float32', [], 1],
      ['whole', 'float32', [3, 4], 12], ['slice', 'float32', [2, 3], 6], ['column', 'float32', [3], 3],
    ]);
    const c = 'b_perceptron_layer_width2_shared_heads__bnbatch';
    const r = describeCheckpoint(fx(`${c}_checkpoint`), loadSpec(path.join(modelsDir, `${c}.ts`)).spec);
    expect(r.missing).toEqual([]);
    expect(Object.fromEntries(r.entries.map((e) => [e.key, e.landsIn]))).toMatchObject({
      'layers.0.heads.0.w': 'layers.0.heads.0: w',
      'layers.0.heads.1.w': 'alias of layers.0.heads.0.w (shared head: must be equal)',
    });
    const wrong = describeCheckpoint(fx('m_mlp_taylor_lorr_checkpoint'), loadSpec(path.join(modelsDir, 'a_taylor_d3_lorr.ts')).spec);
    expect(wrong.entries[0]).toMatchObject({ key: 'layers.0.heads.0.w', expected: [1, 82] });
    expect(wrong.entries[1]!.landsIn).toContain('not used');
  });
});
