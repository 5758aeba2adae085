/**
 * Sizes of chains and graphs (#18): node, link and step counts are refused (RPN2301, at the option) before any
 * link list or matrix is built; below the limits a chain of 10⁵ steps builds (its dense L × L once made it
 * RPN4000), and a dense mixing matrix is only chosen when L² or N² fits maxParams.
 */
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { compileSpec, seededWeights } from '../../compiler/compile.js';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import { chainInterdependenceLayer, gcn, graph, graphBilinearInterdependenceHead, graphInterdependenceLayer, multihopChainInterdependence, head, identityExpansion, identityReconciliation } from '../../compiler/dsl/index.js';
import { graphMixPlan } from '../../compiler/lower/graph.js';
import { stepMixPlan } from '../../compiler/lower/chain.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { MAX_CHAIN_LENGTH, MAX_GRAPH_LINKS, MAX_GRAPH_NODES } from '../../compiler/spec/limits.js';

const { onnx } = onnxProto;

function refusal(build: () => unknown): { code: string; message: string } {
  try {
    build();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics[0]!;
    throw e;
  }
  throw new Error('built');
}

describe('graph and chain sizes are refused before any matrix is built', () => {
  it(`more than ${MAX_GRAPH_NODES} nodes or ${MAX_GRAPH_LINKS} links: RPN2301 with the count, from the counts alone`, () => {
    const nodes = Array.from({ length: MAX_GRAPH_NODES + 1 }, (_, i) => i);
    const links = new Array<[number, number]>(MAX_GRAPH_LINKS + 1).fill([0, 1]);
    const t = performance.now();
    const a = refusal(() => buildModelSpec(gcn({ dims: [4, 3], nodes, links: [[0, 1]] })));
    expect([a.code, a.message]).toEqual(['RPN2301', 'the graph has 1,000,001 nodes; rpnc compiles graphs of at most 1,000,000 nodes']);
    const b = refusal(() => buildModelSpec(graphInterdependenceLayer({ m: 4, n: 4, graph: graph({ nodes: [0, 1], links }) })));
    expect([b.code, b.message]).toEqual(['RPN2301', 'the graph has 1.00e+7 links; rpnc compiles graphs of at most 1.00e+7 links']);
    expect(performance.now() - t).toBeLessThan(3_000);
  });

  it(`a chain of more than ${MAX_CHAIN_LENGTH} steps: RPN2301; 100,000 steps build (banded)`, () => {
    const c = refusal(() => buildModelSpec(chainInterdependenceLayer({ m: 1, n: 1, chainLength: MAX_CHAIN_LENGTH + 1 })));
    expect([c.code, c.message]).toEqual(['RPN2301', 'chainLength = 1,000,001 steps; rpnc compiles chains of at most 1,000,000 steps']);
    const spec = buildModelSpec(chainInterdependenceLayer({ m: 1, n: 1, chainLength: 100_000, withBatchNorm: false }));
    expect(spec.m).toBe(100_000);
    const g = onnx.ModelProto.decode(compileSpec(spec, seededWeights(spec, 0)).onnx).graph!;
    // no initializer anywhere near L² = 10¹⁰ values
    expect(Math.max(...(g.initializer ?? []).map((t) => (t.dims ?? []).reduce((a, d) => a * Number(d), 1)))).toBeLessThanOrEqual(100_000);
  });

  it('the dense mixing form is only taken when L² / N² fits maxParams, even when asked for (--no-opt, mixForm dense)', () => {
    const ii = (s: ReturnType<typeof buildModelSpec>) => s.layers[0].heads[0].instanceInterdependence!;
    const chainSpec = buildModelSpec(chainInterdependenceLayer({ m: 1, n: 1, chainLength: 100 }));
    const chainII = chainSpec.layers[0].heads[0].stepInterdependence ?? ii(chainSpec);
    expect(stepMixPlan(chainII, 1, { opt: false }).form).toBe('dense'); // 100² fits
    expect(stepMixPlan(chainII, 1, { opt: false, maxParams: 9_999 }).form).toBe('banded');
    const N = 200;
    const graphSpec = buildModelSpec(gcn({ dims: [2, 2], nodes: Array.from({ length: N }, (_, i) => i), links: Array.from({ length: N - 1 }, (_, i) => [i, i + 1] as [number, number]) }));
    expect(graphMixPlan(ii(graphSpec), 2, { mixForm: 'dense' }).form).toBe('dense');
    expect(graphMixPlan(ii(graphSpec), 2, { mixForm: 'dense', maxParams: N * N - 1 }).form).toBe('sparse');
  });

  it('A bounded before it is built: the graph-bilinear attention is N × N; h hops of a graph reach (d+1)^h nodes a row', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => i);
    const links = nodes.slice(1).map((i) => [i - 1, i] as [number, number]);
    const bil = refusal(() => buildModelSpec(graphBilinearInterdependenceHead({ m: 2, n: 2, nodes, links }), { maxParams: 999_999 }));
    expect(bil.code).toBe('RPN2301');
    expect(bil.message).toMatch(/A = 1000 × 1000 = 1,000,000 float32 values/);
    // a chain of 1,000 steps, 20 hops: (1+1)^20 > 1000, bounded by N² = 10⁶ entries
    const hops = () => buildModelSpec(head({ m: 1, n: 1, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), instanceInterdependence: multihopChainInterdependence({ chainLength: 1000, h: 20 }) }), { maxParams: 999_999 });
    const h = refusal(hops);
    expect([h.code, h.message]).toEqual(['RPN2301', expect.stringMatching(/A = 1000 × 1000 = 1,000,000 float32 values/)]);
    // 5 hops: at most 1000 · 2⁵ = 32,000 entries
    expect(() => buildModelSpec(head({ m: 1, n: 1, dataTransformation: identityExpansion(), parameterFabrication: identityReconciliation(), instanceInterdependence: multihopChainInterdependence({ chainLength: 1000, h: 5 }) }), { maxParams: 999_999 })).not.toThrow();
  });
});
