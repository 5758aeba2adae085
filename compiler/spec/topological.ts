/**
 * tinybig's chain and graph modules as rpnc specs (../shared/spec/rpn2-topological.md §3–§7): the construction
 * logic of chain_interdependence_head/_layer, rnn, regression_rnn, graph_interdependence_head/_layer,
 * graph_bilinear_interdependence_head/_layer, gcn and gat, and the resolution of chain / graph structures
 * (nodes, links, graph objects, graph files) into a TopologySpec. Used by compiler/spec/build.ts.
 */
import type { Component } from '../dsl/component.js';
import { copyPropSpans } from '../spans.js';
import { MAX_ACCUMULATIVE_HOPS, TopologyError, chainLinks, graphLinks, type NodeId } from './topology.js';
import { chainTooLong, graphCountsTooLarge } from './limits.js';
import type { TopologySpec } from './types.js';

type Opts = Record<string, unknown>;

/** Chain / graph interdependence functions usable in a head's interdependence slots. */
export const CHAIN_FUNCTIONS: Record<string, TopologySpec['variant']> = {
  chain_interdependence: 'plain',
  multihop_chain_interdependence: 'multihop',
  inverse_approx_multihop_chain_interdependence: 'inverse',
  exponential_approx_multihop_chain_interdependence: 'exponential',
};
export const GRAPH_FUNCTIONS: Record<string, TopologySpec['variant']> = {
  graph_interdependence: 'plain',
  multihop_graph_interdependence: 'multihop',
  pagerank_multihop_graph_interdependence: 'pagerank',
};
/** rpnc's internal function type for the graph-bilinear head's hybrid (graph ⊙ bilinear, masked column softmax). */
export const GRAPH_BILINEAR = 'graph_bilinear_interdependence';
export const TOPOLOGICAL_FUNCTIONS = new Set([...Object.keys(CHAIN_FUNCTIONS), ...Object.keys(GRAPH_FUNCTIONS), GRAPH_BILINEAR]);
/** Dense variants cost O(N³) to fold and N² to store: beyond this many nodes rpnc refuses them (RPN2301). */
export const MAX_DENSE_TOPOLOGY = 2048;

/** rnn's layers that run per step (`steps`) or on the mean over the steps (`stepMean`). */
export const stepInfo = new WeakMap<Component, { steps?: number; stepMean?: number }>();

export interface Helpers {
  derived(from: Component, c: Component): Component;
  /** Read a graph file (relative to the model file); throws Error with the reason. */
  readGraphFile?: (rel: string) => { nodes: NodeId[]; links: [NodeId, NodeId][]; directed?: boolean };
}

/** A component made from the user's `from`: errors about an option point at the user's option (spans copied). */
function derive(h: Helpers, from: Component, c: Component): Component {
  const out = h.derived(from, c);
  copyPropSpans(from.options as object, out.options as object);
  return out;
}

/** Resolve a chain or graph function's structure (options of the function component). Throws TopologyError. */
export function resolveTopology(v: Component, h: Helpers): TopologySpec {
  const o = v.options as Opts;
  const isChain = v.type in CHAIN_FUNCTIONS;
  let variant = isChain ? CHAIN_FUNCTIONS[v.type] : v.type === GRAPH_BILINEAR ? ((o.variant as TopologySpec['variant'] | undefined) ?? 'plain') : GRAPH_FUNCTIONS[v.type];
  let size: number;
  let links: [number, number][];
  let directed: boolean;
  let from: string;
  if (isChain) {
    const c = o.chain as Component | undefined;
    const co = (c?.options ?? {}) as Opts;
    const L = (c ? co.length : o.chainLength) as number | undefined;
    if (L === undefined) throw new TopologyError(`${v.type} needs its chain: chainLength (or chain: chain({ length }))`, undefined, 'add chainLength: <number of steps>');
    const bi = (c ? co.biDirectional : o.biDirectional) as boolean;
    const long = chainTooLong(L, c ? 'length' : 'chainLength');
    if (long) throw new TopologyError(long.message, c ? 'chain' : 'chainLength', long.hint, 'RPN2301');
    size = L;
    links = chainLinks(L, bi);
    directed = !bi;
    from = 'chain';
  } else {
    const g = o.graph as Component | undefined;
    let nodes: readonly NodeId[];
    let raw: readonly (readonly NodeId[])[];
    if (g) {
      const go = g.options as Opts;
      nodes = go.nodes as NodeId[];
      raw = go.links as NodeId[][];
      directed = go.directed as boolean; // the structure's flag wins (§2.3)
      from = 'graph';
    } else if (typeof o.graphFilePath === 'string') {
      if (!h.readGraphFile) throw new TopologyError('graphFilePath needs the model file\'s location (compile from a file)', 'graphFilePath');
      let file;
      try {
        file = h.readGraphFile(o.graphFilePath);
      } catch (e) {
        throw new TopologyError((e as Error).message, 'graphFilePath', 'graph files are JSON: { "nodes": [...], "links": [[u, v], ...], "directed": bool }');
      }
      nodes = file.nodes;
      raw = file.links;
      directed = file.directed ?? (o.directed as boolean); // the file's flag wins (§2.3)
      from = o.graphFilePath;
    } else {
      if (!o.nodes || !o.links) {
        throw new TopologyError(`${v.type.replace(/_interdependence$/, '')} needs a graph: graph: graph({ nodes, links }), graphFilePath, or nodes and links (tinybig raises ValueError without one)`, o.nodes ? 'links' : 'nodes', 'add nodes: [...] and links: [[source, target], ...]');
      }
      nodes = o.nodes as NodeId[];
      raw = o.links as NodeId[][];
      directed = o.directed as boolean;
      from = 'nodes/links';
    }
    // before the links are resolved or any matrix is built
    const big = graphCountsTooLarge(nodes.length, raw.length, g ? 'the graph' : typeof o.graphFilePath === 'string' && from === o.graphFilePath ? `graph file '${from}'` : 'the graph');
    if (big) throw new TopologyError(big.message, g ? 'graph' : from === o.graphFilePath ? 'graphFilePath' : big.option, big.hint, 'RPN2301');
    size = nodes.length;
    links = graphLinks(nodes, raw, directed).pairs;
  }
  let selfDependence = o.selfDependence as boolean;
  let selfScaling = (o.selfScaling as number | undefined) ?? 1.0;
  if (variant === 'multihop') selfScaling = 1.0; // not forwarded by tinybig (§10 #4)
  if (variant === 'inverse' || variant === 'exponential' || variant === 'pagerank') selfDependence = false; // dropped by tinybig (§10 #4)
  const h_ = (o.h as number | undefined) ?? 1;
  const t: TopologySpec = {
    structure: isChain ? 'chain' : 'graph', size, links, directed, variant, selfDependence, selfScaling,
    normalization: o.normalization as boolean, normalizationMode: (o.normalizationMode as TopologySpec['normalizationMode']) ?? 'row',
    h: h_, accumulative: (o.accumulative as boolean | undefined) ?? false, c: (o.c as number | undefined) ?? 0.15, from,
  };
  // (a bi-directional chain's inverse is a sum of L−1 powers: dense too, and L sparse products to compute)
  if (variant === 'inverse' || variant === 'exponential' || variant === 'pagerank') {
    if (size > MAX_DENSE_TOPOLOGY) throw new TopologyError(`${v.type} on ${size} nodes needs a dense ${size}×${size} inverse or exponential, beyond rpnc's limit of ${MAX_DENSE_TOPOLOGY} nodes`, undefined, 'use the plain or multihop variant for large graphs', 'RPN2301');
  }
  if (variant === 'multihop' && t.accumulative && t.h > MAX_ACCUMULATIVE_HOPS) throw new TopologyError(`an accumulative multi-hop sum of h = ${t.h > 1e7 ? t.h.toExponential(2) : t.h} hops takes h matrix products (in tinybig too), beyond rpnc's limit of ${MAX_ACCUMULATIVE_HOPS.toLocaleString('en-US')}`, 'h', `use h ≤ ${MAX_ACCUMULATIVE_HOPS}, or accumulative: false (M^h by squaring)`, 'RPN2301');
  if (variant === 'pagerank' && !(t.c > 0 && t.c <= 1)) throw new TopologyError(`c = ${t.c}: PageRank's restart probability must be in (0, 1] (I − (1−c)·A is singular or negative otherwise)`, 'c', 'use c: 0.15');
  return t;
}

/** Output processing of chain heads (§4.1) and graph heads (§6.1), in tinybig's order. */
function outputList(o: Opts, mk: (type: string, options: Opts) => Component, n: number, last: 'Softmax' | 'LogSoftmax'): Component[] {
  const out: Component[] = [];
  if (o.withBatchNorm) out.push(mk('BatchNorm1d', { numFeatures: n, eps: 1e-5, momentum: 0.1, affine: true, trackRunningStats: true }));
  if (o.withRelu) out.push(mk('ReLU', {}));
  if (o.withDropout) out.push(mk('Dropout', { p: o.p }));
  if (o.withSoftmax) out.push(mk(last, { dim: -1 }));
  return out;
}

/** chain_interdependence_head / graph_interdependence_head / graph_bilinear_interdependence_head → generic head options (§4.1, §6.1, §6.3). */
export function topologicalHeadOptions(v: Component, h: Helpers): Opts {
  const o = v.options as Opts;
  const mk = (kind: Component['kind'], type: string, options: Opts): Component => h.derived(v, { kind, type, options });
  const rec = o.withDualLphm
    ? mk('reconciliation', 'dual_lphm_reconciliation', { r: o.r, enableBias: o.enableBias })
    : o.withLorr
      ? mk('reconciliation', 'lorr_reconciliation', { r: o.r, enableBias: o.enableBias })
      : mk('reconciliation', 'identity_reconciliation', { enableBias: o.enableBias });
  const rem = o.withResidual ? mk('remainder', 'linear_remainder', { requireParameters: true, enableBias: false }) : mk('remainder', 'zero_remainder', {});
  const proc = (type: string, options: Opts) => mk('processing', type, options);
  const common = { m: o.m, n: o.n, channelNum: o.channelNum, dataTransformation: mk('expansion', 'identity_expansion', {}), parameterFabrication: rec, remainder: rem };
  if (v.type === 'chain_interdependence_head') {
    // the chain's A is attached by build.ts as the head's step interdependence; with_taylor / d are ignored (§10 #3)
    return { ...common, outputProcessFunctions: outputList(o, proc, o.n as number, 'Softmax') };
  }
  const variant = o.withPagerank ? 'pagerank' : o.withMultihop ? 'multihop' : 'plain';
  const graphOpts: Opts = {
    graph: o.graph, graphFilePath: o.graphFilePath, nodes: o.nodes, links: o.links, directed: o.directed,
    normalization: o.normalization, normalizationMode: o.normalizationMode, selfDependence: o.selfDependence,
    h: o.h, accumulative: o.accumulative, c: o.c, interdependenceType: 'instance', requireParameters: o.requireParameters,
  };
  const fn = v.type === 'graph_bilinear_interdependence_head'
    ? derive(h, v, { kind: 'interdependence', type: GRAPH_BILINEAR, options: { ...graphOpts, variant, withLorrInterdependence: o.withLorrInterdependence, withDualLphmInterdependence: o.withDualLphmInterdependence, rInterdependence: o.rInterdependence } })
    : derive(h, v, { kind: 'interdependence', type: variant === 'pagerank' ? 'pagerank_multihop_graph_interdependence' : variant === 'multihop' ? 'multihop_graph_interdependence' : 'graph_interdependence', options: graphOpts });
  return { ...common, instanceInterdependence: fn, outputProcessFunctions: outputList(o, proc, o.n as number, 'LogSoftmax') };
}

/** The chain function of a chain head (§4.1): instance type, b = chain length, no normalization; variant by precedence. */
export function chainHeadFunction(v: Component, h: Helpers): Component {
  const o = v.options as Opts;
  const type = o.withExponentialApprox
    ? 'exponential_approx_multihop_chain_interdependence'
    : o.withInverseApprox
      ? 'inverse_approx_multihop_chain_interdependence'
      : o.withMultihop
        ? 'multihop_chain_interdependence'
        : 'chain_interdependence';
  return derive(h, v, {
    kind: 'interdependence', type, options: {
      chainLength: o.chainLength, biDirectional: o.biDirectional, selfDependence: o.selfDependence, selfScaling: o.selfScaling,
      h: o.h, accumulative: o.accumulative, normalization: false, normalizationMode: 'row', interdependenceType: 'instance',
    },
  });
}

/** rnn / regression_rnn (§5): per-step perceptron layers and chain layers alternating, then the output perceptron layer. */
export function rnnLayers(v: Component, h: Helpers): Component[] {
  const o = v.options as Opts;
  const dims = o.dims as number[];
  const L = o.chainLength as number;
  const layers: Component[] = [];
  const recon = { withDualLphm: o.withDualLphm, withLorr: o.withLorr, r: o.r, enableBias: o.enableBias, withResidual: o.withResidual, channelNum: o.channelNum, width: o.width };
  for (let i = 0; i + 2 < dims.length; i++) {
    const [m, n] = [dims[i], dims[i + 1]];
    const perceptron = derive(h, v, {
      kind: 'layer', type: 'perceptron_layer', options: {
        m, n, ...recon, withBspline: o.withBspline, withTaylor: o.withTaylor, d: o.d, withHybridExpansion: o.withHybridExpansion,
        withBatchNorm: false, withRelu: true, withSoftmax: false, withDropout: false, p: o.p,
      },
    });
    stepInfo.set(perceptron, { steps: L });
    layers.push(perceptron);
    layers.push(derive(h, v, {
      kind: 'layer', type: 'chain_interdependence_layer', options: {
        m: n, n, chainLength: L, ...recon, biDirectional: o.biDirectional, withMultihop: o.withMultihop, h: o.h, accumulative: o.accumulative,
        withInverseApprox: o.withInverseApprox, withExponentialApprox: o.withExponentialApprox, selfDependence: o.selfDependence, selfScaling: o.selfScaling,
        withBatchNorm: o.withBatchNorm, withRelu: o.withRelu, withDropout: o.withDropout, p: o.p, withSoftmax: false, parametersInitMethod: o.parametersInitMethod,
      },
    }));
  }
  const regression = v.type === 'regression_rnn';
  const out = derive(h, v, {
    kind: 'layer', type: 'perceptron_layer', options: {
      m: regression ? dims[dims.length - 2] * L : dims[dims.length - 2], n: dims[dims.length - 1], ...recon,
      withBspline: o.withBspline, withTaylor: o.withTaylor, d: o.d, withHybridExpansion: o.withHybridExpansion,
      withBatchNorm: false, withRelu: false, withDropout: false, p: o.p, withSoftmax: o.withSoftmax,
    },
  });
  if (!regression) stepInfo.set(out, { stepMean: L });
  layers.push(out);
  return layers;
}

/** gcn / gat (§7): one graph layer per consecutive pair of dims; processing decided by value, as tinybig does. */
export function graphModelLayers(v: Component, h: Helpers): Component[] {
  const o = v.options as Opts;
  const dims = o.dims as number[];
  const { dims: _d, name: _n, ...rest } = o;
  void _d;
  void _n;
  const type = v.type === 'gat' ? 'graph_bilinear_interdependence_layer' : 'graph_interdependence_layer';
  const last = dims[dims.length - 1];
  const beforeLast = dims[dims.length - 2];
  return dims.slice(0, -1).map((m, i) => {
    const n = dims[i + 1];
    const hidden = n !== last;
    return derive(h, v, {
      kind: 'layer', type, options: {
        ...rest, m, n,
        withBatchNorm: hidden && (o.withBatchNorm as boolean), withRelu: hidden && (o.withRelu as boolean), withDropout: hidden && (o.withDropout as boolean),
        withSoftmax: m === beforeLast && n === last && (o.withSoftmax as boolean),
      },
    });
  });
}
