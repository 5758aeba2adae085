/**
 * Graph structures (tinybig.koala.topology.graph), the graph interdependence functions
 * (tinybig.interdependence.topological_interdependence), the graph heads and layers
 * (tinybig.head.graph_based_heads, tinybig.layer.graph_based_layers) and the models `gcn` / `gat`
 * (tinybig.model.rpn_gcn, rpn_gat). Options are tinybig's parameter names camelCased, with tinybig's defaults.
 *
 * The graph is data, never code: `nodes` (ids; their order is the row order) and `links` ([source, target]
 * pairs) written in the model file, or `graphFilePath`, a JSON file `{ "nodes": [...], "links": [[u, v], ...],
 * "directed": bool }` next to the model file, or tinybig's own pickled graph file (`graph.save`, read by rpnc's
 * restricted unpickler, never executed); the file's `directed` wins, as in tinybig.
 * Math: ../shared/spec/rpn2-topological.md §2, §3.2, §6, §7; matrices in `compiler/spec/topology.ts`
 * (compiled) and `runtime/reference/topology.ts` (reference); lowering in `compiler/lower/graph.ts`.
 */
import { type Component, is, make, required } from './component.js';
import type { Interdependence, InterdependenceType } from './interdependence.js';

type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const common: Schema = { name: [is.optional(is.string), undefined], device: [is.optional(is.string), undefined] };

/** A node id: a number or a string (tinybig accepts any hashable value). */
export type NodeId = number | string;
const nodeId = (v: unknown): boolean => (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
const nodeList = (v: unknown): string | undefined => (Array.isArray(v) && v.every(nodeId) ? undefined : 'an array of node ids (numbers or strings)');
const linkList = (v: unknown): string | undefined =>
  Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && nodeId(p[0]) && nodeId(p[1])) ? undefined : 'an array of [source, target] pairs of node ids';
const NORM_MODES = ['row', 'column', 'row_column'];
const TYPES = ['attribute', 'attribute_interdependence', 'column', 'right', 'instance', 'instance_interdependence', 'row', 'left'];

/** A graph structure `graph(nodes, links, directed)`; its `directed` wins over a head's or model's `directed`. */
export type GraphStructure = Component<'topology', 'graph', { nodes: NodeId[]; links: [NodeId, NodeId][]; directed: boolean }>;
/** `tinybig.koala.topology.graph(nodes, links, directed=True)`. */
export function graph(options: { nodes: readonly NodeId[]; links: readonly (readonly [NodeId, NodeId])[]; directed?: boolean; name?: string }): GraphStructure {
  return make('topology', 'graph', options, { name: [is.optional(is.string), undefined], nodes: [nodeList, required], links: [linkList, required], directed: [is.bool, true] });
}

/** Where a graph comes from: `graph` > `graphFilePath` > `nodes` + `links` (tinybig's precedence). */
export interface GraphSource {
  graph?: GraphStructure | null;
  /** A graph file relative to the model file, read at build time: JSON `{ nodes, links, directed }` or tinybig's pickled `graph.save` file. */
  graphFilePath?: string | null;
  nodes?: readonly NodeId[] | null;
  links?: readonly (readonly [NodeId, NodeId])[] | null;
}
const sourceSchema: Schema = {
  graph: [is.optional(is.component('topology')), undefined],
  graphFilePath: [is.optional(is.string), undefined],
  nodes: [is.optional(nodeList), undefined],
  links: [is.optional(linkList), undefined],
};

/** Options of the graph interdependence functions (tinybig's `graph_interdependence.__init__`). */
export interface GraphInterdependenceOptions extends Omit<GraphSource, 'graphFilePath'> {
  b?: number;
  m?: number;
  /** 'instance' (tinybig's default: A mixes the b rows = nodes) or 'attribute' (A mixes the m features). */
  interdependenceType?: InterdependenceType;
  directed?: boolean;
  normalization?: boolean;
  normalizationMode?: 'row' | 'column' | 'row_column';
  selfDependence?: boolean;
  requireData?: boolean;
  requireParameters?: boolean;
  name?: string;
  device?: string;
}
const functionSchema: Schema = {
  ...common,
  graph: sourceSchema.graph,
  nodes: sourceSchema.nodes,
  links: sourceSchema.links,
  b: [is.optional(is.posInt), undefined],
  m: [is.optional(is.posInt), undefined],
  interdependenceType: [is.oneOf(...TYPES), 'instance'],
  directed: [is.bool, true],
  normalization: [is.bool, false],
  normalizationMode: [is.oneOf(...NORM_MODES), 'row'],
  selfDependence: [is.bool, false],
  requireData: [is.bool, false],
  requireParameters: [is.bool, false],
};
/** `graph_interdependence`: A = norm(Adj + selfDependence·I). */
export function graphInterdependence(options: GraphInterdependenceOptions = {}): Interdependence<'graph_interdependence'> {
  return make('interdependence', 'graph_interdependence', options, functionSchema);
}
/** `multihop_graph_interdependence(h=1, accumulative=False)`: A0^h or Σ_{k=1..h} A0^k (normalization before the powers). */
export function multihopGraphInterdependence(options: GraphInterdependenceOptions & { h?: number; accumulative?: boolean } = {}): Interdependence<'multihop_graph_interdependence'> {
  return make('interdependence', 'multihop_graph_interdependence', options, { ...functionSchema, h: [is.nonNegInt, 1], accumulative: [is.bool, false] });
}
/** `pagerank_multihop_graph_interdependence(c=0.15)`: c·(I − (1−c)·norm(Adj))⁻¹ (no self loops). */
export function pagerankMultihopGraphInterdependence(options: GraphInterdependenceOptions & { c?: number } = {}): Interdependence<'pagerank_multihop_graph_interdependence'> {
  return make('interdependence', 'pagerank_multihop_graph_interdependence', options, { ...functionSchema, c: [is.number, 0.15] });
}

/** Options of `graphInterdependenceHead` (tinybig.head.graph_based_heads.graph_interdependence_head). */
export interface GraphInterdependenceHeadOptions extends GraphSource {
  m: number;
  n: number;
  channelNum?: number;
  directed?: boolean;
  withMultihop?: boolean;
  h?: number;
  accumulative?: boolean;
  withPagerank?: boolean;
  c?: number;
  requireData?: boolean;
  /** Creates tinybig's empty `w_instance_interdependence` (C, 0) parameter; values unchanged. */
  requireParameters?: boolean;
  normalization?: boolean;
  normalizationMode?: 'row' | 'column' | 'row_column';
  selfDependence?: boolean;
  withDualLphm?: boolean;
  withLorr?: boolean;
  r?: number;
  withResidual?: boolean;
  enableBias?: boolean;
  withBatchNorm?: boolean;
  withRelu?: boolean;
  /** LogSoftmax over the features (graph heads end in LogSoftmax, not Softmax). */
  withSoftmax?: boolean;
  withDropout?: boolean;
  p?: number;
  /** Ignored by tinybig's graph heads (always fanout_std_uniform); kept for --seed. */
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const graphFlags = (dflt: { normalization: boolean; withDropout: boolean; p: number }): Schema => ({
  ...common,
  ...sourceSchema,
  channelNum: [is.posInt, 1],
  directed: [is.bool, false],
  withMultihop: [is.bool, false],
  h: [is.nonNegInt, 1],
  accumulative: [is.bool, false],
  withPagerank: [is.bool, false],
  c: [is.number, 0.15],
  requireData: [is.bool, false],
  requireParameters: [is.bool, false],
  normalization: [is.bool, dflt.normalization],
  normalizationMode: [is.oneOf(...NORM_MODES), 'column'],
  selfDependence: [is.bool, true],
  withDualLphm: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  withResidual: [is.bool, false],
  enableBias: [is.bool, false],
  withBatchNorm: [is.bool, false],
  withRelu: [is.bool, true],
  withSoftmax: [is.bool, true],
  withDropout: [is.bool, dflt.withDropout],
  p: [is.number, dflt.p],
  parametersInitMethod: [is.string, 'xavier_normal'],
});
const bilinearFlags: Schema = { withDualLphmInterdependence: [is.bool, false], withLorrInterdependence: [is.bool, false], rInterdependence: [is.posInt, 3] };
const headSchema = (normalization: boolean): Schema => ({ ...graphFlags({ normalization, withDropout: true, p: 0.5 }), m: [is.posInt, required], n: [is.posInt, required] });

/** `graph_interdependence_head`: Ξ = Aᵀ·X over the N node rows, Y = fuse_c(Ξ·W_cᵀ + b) (+ X·W_rᵀ), then BatchNorm, ReLU, Dropout, LogSoftmax. */
export function graphInterdependenceHead(options: GraphInterdependenceHeadOptions): Component<'head', 'graph_interdependence_head', GraphInterdependenceHeadOptions> {
  return make('head', 'graph_interdependence_head', options, headSchema(true));
}
/** Options of `graphInterdependenceLayer`. */
export interface GraphInterdependenceLayerOptions extends GraphInterdependenceHeadOptions {
  width?: number;
}
/** `graph_interdependence_layer`: `[graph_interdependence_head] * width` with mean fusion. */
export function graphInterdependenceLayer(options: GraphInterdependenceLayerOptions): Component<'layer', 'graph_interdependence_layer', GraphInterdependenceLayerOptions> {
  return make('layer', 'graph_interdependence_layer', options, { ...headSchema(true), width: [is.posInt, 1] });
}

/** Options of the graph-bilinear (GAT-like) head: the graph head's plus the bilinear matrix's fabrication. */
export interface GraphBilinearInterdependenceHeadOptions extends GraphInterdependenceHeadOptions {
  withDualLphmInterdependence?: boolean;
  withLorrInterdependence?: boolean;
  rInterdependence?: number;
}
/** `graph_bilinear_interdependence_head` (tinybig.head.graph_based_heads; default normalization False): attention Â = masked column softmax of G ⊙ X·W_b·Xᵀ, Ξ = Âᵀ·X. */
export function graphBilinearInterdependenceHead(options: GraphBilinearInterdependenceHeadOptions): Component<'head', 'graph_bilinear_interdependence_head', GraphBilinearInterdependenceHeadOptions> {
  return make('head', 'graph_bilinear_interdependence_head', options, { ...headSchema(false), ...bilinearFlags });
}
/** Options of `graphBilinearInterdependenceLayer`. */
export interface GraphBilinearInterdependenceLayerOptions extends GraphBilinearInterdependenceHeadOptions {
  width?: number;
}
/** `graph_bilinear_interdependence_layer`: `[graph_bilinear_interdependence_head] * width` with mean fusion. */
export function graphBilinearInterdependenceLayer(options: GraphBilinearInterdependenceLayerOptions): Component<'layer', 'graph_bilinear_interdependence_layer', GraphBilinearInterdependenceLayerOptions> {
  return make('layer', 'graph_bilinear_interdependence_layer', options, { ...headSchema(false), ...bilinearFlags, width: [is.posInt, 1] });
}

/** Options of `gcn` / `gat` (tinybig.model.rpn_gcn / rpn_gat). */
export interface GcnOptions extends Omit<GraphInterdependenceHeadOptions, 'm' | 'n'> {
  /** Widths [m, hidden…, out]; the batch is the N graph nodes. */
  dims: readonly number[];
  width?: number;
}
/** Options of `gat`: gcn's plus the bilinear matrix's fabrication. */
export interface GatOptions extends GcnOptions {
  withDualLphmInterdependence?: boolean;
  withLorrInterdependence?: boolean;
  rInterdependence?: number;
}
const modelSchema: Schema = { ...graphFlags({ normalization: true, withDropout: false, p: 0.25 }), dims: [is.array(is.posInt), required], width: [is.posInt, 1] };
/** `gcn(dims)`: one graph_interdependence_layer per consecutive pair of dims (ReLU/BN/Dropout unless the layer outputs dims[-1]; LogSoftmax on the layer dims[-2] → dims[-1], decided by value). */
export function gcn(options: GcnOptions): Component<'model', 'gcn', GcnOptions> {
  return make('model', 'gcn', options, modelSchema);
}
/** `gat(dims)`: as `gcn` with graph_bilinear_interdependence_layers (normalization on by default). */
export function gat(options: GatOptions): Component<'model', 'gat', GatOptions> {
  return make('model', 'gat', options, { ...modelSchema, ...bilinearFlags });
}
