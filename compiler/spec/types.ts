/**
 * ModelSpec: the validated, fully sized description of a model that lowering and the reference
 * interpreter both consume. Built from DSL values by `compiler/spec/build.ts`.
 * Every `prefix` is the tinybig state_dict prefix of that module (e.g. `layers.0.heads.1.`).
 */
import type { Component } from '../dsl/component.js';

export interface ProcessSpec {
  /** torch class name: 'ReLU', 'Softmax', 'BatchNorm1d', … */
  type: string;
  options: Record<string, unknown>;
  /** state_dict prefix of this list item, e.g. `layers.0.heads.0.output_process_functions.0.` */
  prefix: string;
  /** Feature width of the data this function is applied to. */
  width: number;
  source?: Component;
}

export interface ExpansionSpec {
  type: string;
  options: Record<string, unknown>;
  m: number;
  D: number;
  pre: ProcessSpec[];
  post: ProcessSpec[];
  /** nested / extended members, in order. */
  children: ExpansionSpec[];
  /** e.g. `layers.0.heads.0.data_transformation.` */
  prefix: string;
  /** Geometric expansions / compressions used on their own (compiler/spec/geometric.ts): the grid, patch and packing. */
  grid?: import('./grid.js').GridSpec;
  source?: Component;
}

export interface ReconciliationSpec {
  type: string;
  /** Options with derived values resolved (e.g. hm's p and q). */
  options: Record<string, unknown>;
  n: number;
  D: number;
  /** Length of one channel's parameter row (0 = no parameters). */
  l: number;
  prefix: string;
  source?: Component;
}

export interface RemainderSpec {
  /** 'none' when the head has no remainder at all. */
  type: string;
  options: Record<string, unknown>;
  m: number;
  n: number;
  act: ProcessSpec[];
  /** `w_remainder` (n, m) is a parameter. */
  weight: boolean;
  /** `b_remainder` (n,) is a parameter. */
  bias: boolean;
  source?: Component;
}

export interface FusionSpec {
  type: string;
  options: Record<string, unknown>;
  /** Widths of the fused inputs. */
  dims: number[];
  /** Output width. */
  n: number;
  /** Parameter length (0 = none). */
  l: number;
  /** Key of the fusion parameter (`layers.0.w_head_fusion` / `layers.0.heads.0.w_channel_fusion`). */
  paramKey?: string;
  /** Module prefix of the fusion (e.g. `layers.0.head_fusion.`), for tensors tinybig keeps on it. */
  prefix: string;
  /** Fabrication of the fusion matrix for parameterized concatenation fusions. */
  reconciliation?: ReconciliationSpec;
  pre: ProcessSpec[];
  post: ProcessSpec[];
  source?: Component;
}

/**
 * A data-independent attribute interdependence (rpn-semantics §4.1, §11): Xa_c = X0·A_c, A_c ∈ R^{m×m'}.
 * Parameterized types (l > 0) fabricate A_c from row c of `<head prefix>w_attribute_interdependence` (C, l)
 * with `reconciliation` (n = m, D = m'; plain `parameterized_interdependence` = identity_reconciliation, a
 * row-major reshape). The constant types (l = 0) build A from `options` (constant's `A`, constant_c's `c`,
 * zero / one / identity).
 */
export interface InterdependenceSpec {
  type: string;
  options: Record<string, unknown>;
  m: number;
  mPrime: number;
  /** Length of one channel's parameter row (0 = no parameters). */
  l: number;
  reconciliation?: ReconciliationSpec;
  /** Key of the parameter (C, l) when l > 0: `<head prefix>w_attribute_interdependence` / `w_instance_interdependence`. */
  paramKey?: string;
  /**
   * 'instance' (tinybig's interdependenceType 'instance' / 'instance_interdependence' / 'left'): A' ∈ R^{b×b'}
   * mixes the rows of the batch, ξ = A'ᵀ·data (b → b' rows, m = mPrime). Absent = attribute (A ∈ R^{m×m'}).
   */
  axis?: 'instance';
  /** Instance axis: the batch size b (rows of A') and b' (columns of A'). */
  b?: number;
  bPrime?: number;
  /**
   * Topological interdependences (chain / graph families, rpn2-topological §3): the resolved structure; A is a
   * pure function of it (compiler/spec/topology.ts). With type 'graph_bilinear_interdependence' it is the graph
   * part G of the GAT attention Â = masked column softmax of G ⊙ (X·W_b·Xᵀ), W_b fabricated by `reconciliation`.
   */
  topology?: TopologySpec;
  /** Data-dependent functions (issue 13, spec rpn2-bilinear-kernel): A is computed from X0 at run time. */
  data?: DataInterdependenceSpec;
  /** geometric_interdependence (compiler/spec/geometric.ts): grid, patch, packing, matrix mode and normalisation. */
  geometric?: import('./geometric.js').GeometricInterdependence;
  source?: Component;
}

/** A chain or graph structure with the variant's flags, resolved to row/column indices (rpn2-topological §2, §3). */
export interface TopologySpec {
  structure: 'chain' | 'graph';
  /** L steps / N nodes. */
  size: number;
  /** Unique adjacency entries [i, j] (Adj[i, j] = 1), sorted; undirected links are already entered both ways. */
  links: [number, number][];
  /** Graph: directed adjacency; chain: not bi-directional. */
  directed: boolean;
  variant: 'plain' | 'multihop' | 'inverse' | 'exponential' | 'pagerank';
  /** Self loops added after the links (already false where tinybig's variant drops them). */
  selfDependence: boolean;
  selfScaling: number;
  normalization: boolean;
  normalizationMode: 'row' | 'column' | 'row_column';
  h: number;
  accumulative: boolean;
  c: number;
  /** Where the graph came from (for messages and inspect): 'nodes/links', 'graph', or the graph file's path. */
  from?: string;
}

/**
 * How a data-dependent interdependence builds A from Z (Z = X0 for the attribute axis, X0ᵀ for the instance axis; the
 * axis is InterdependenceSpec.axis). `b` on the InterdependenceSpec is set where tinybig needs the batch to be b.
 */
export interface DataInterdependenceSpec {
  /** 'kernel' (numerical / statistical, no parameters), 'bilinear' (A = Zᵀ·ψ(w)·Z), 'hybrid', 'rpn' (A = κ'(Zᵀ)·ψ'(w)ᵀ). */
  family: 'kernel' | 'bilinear' | 'hybrid' | 'rpn';
  /** The kernel's name (tinybig.koala, e.g. `gaussian_rbf_kernel`) and hyper-parameters (kernel family). */
  kernel?: string;
  kernelOptions?: Record<string, unknown>;
  /** custom_hybrid_kernel: the kernels (names, default hyper-parameters) and their weights. */
  kernels?: { kernel: string; weight: number }[];
  /** Applied to Z before A is computed / to A after (a Softmax may have dim 0 or 1: axes of A). */
  pre: ProcessSpec[];
  post: ProcessSpec[];
  /** The bilinear head's attention normalisation (after `post`): column softmax of √n-scaled, zero-masked A. */
  attention?: { rescale: number; maskZeros: boolean };
  /** requireData: false: A frozen in tinybig from the first batch, read from this side-car key. */
  frozenKey?: string;
  /** hybrid: the members (each with its own data spec; l = its slice of the hybrid's w) and the fusion. */
  members?: InterdependenceSpec[];
  fusion?: FusionSpec;
  /** rpn: κ' applied to Zᵀ (parameter_fabrication is the InterdependenceSpec's reconciliation ψ'). */
  expansion?: ExpansionSpec;
}

/** A validated head: expansion, reconciliation, remainder, fusions and processing functions with resolved sizes and weight names. */
export interface HeadSpec {
  /** state_dict prefix, e.g. `layers.0.heads.0.` (for shared heads: the first index's prefix). */
  prefix: string;
  /** Other prefixes under which tinybig saves the same (shared) head's tensors (`[head] * width`). */
  aliases: string[];
  type: string;
  m: number;
  n: number;
  channelNum: number;
  /** ξ_attribute (X0 → X0·A_c, width m → mPrime); the expansion is built on width mPrime. With axis 'instance' it mixes the rows of X0 instead (A'_cᵀ·X0). */
  attributeInterdependence?: InterdependenceSpec;
  /** ξ_instance (axis 'instance'): Xi_c = A'_cᵀ·K_c, b → b' rows, applied after the expansion. */
  instanceInterdependence?: InterdependenceSpec;
  /** Fixed input batch b when an instance interdependence ties the head to it; `rowsOut` = b' rows it outputs. */
  batch?: number;
  rowsOut?: number;
  /** An output row depends on other rows of the batch (a data-dependent interdependence; issue 13). */
  rowCoupled?: boolean;
  expansion: ExpansionSpec;
  /** Width of κ(x). */
  D: number;
  /** undefined = no parameter fabrication (κ(x) is the channel output). */
  reconciliation?: ReconciliationSpec;
  /** Head has a bias `b` (n,). */
  bias: boolean;
  remainder: RemainderSpec;
  channelFusion?: FusionSpec;
  inputProcess: ProcessSpec[];
  outputProcess: ProcessSpec[];
  /** Width of the head's output (n, or C·n with concatenation channel fusion). */
  outWidth: number;
  /**
   * Chain heads (chain_interdependence_head): the row holds `steps` = L steps of m values (step-major); every step
   * runs through the head (m → n per step) and `stepInterdependence` (A ∈ R^{L×L}) mixes the steps: Ξ_t = Σ_s A[s,t]·κ_s.
   * The head's input is L·m wide, its output (`outWidth`) L·n; output processing sees the whole L·n row.
   */
  steps?: number;
  stepInterdependence?: InterdependenceSpec;
  /** Grid heads (grid_interdependence_head / grid_compression_head): the geometry (compiler/spec/grid.ts). */
  grid?: import('./grid.js').GridSpec;
  source?: Component;
}

/** A validated layer: its heads and head fusion, with resolved sizes. */
export interface LayerSpec {
  index: number;
  prefix: string;
  type: string;
  m: number;
  n: number;
  heads: HeadSpec[];
  /** All heads are one shared module (`[head] * width`): weights are read from heads.0.* */
  sharedHeads: boolean;
  headFusion?: FusionSpec;
  /**
   * rnn's per-step layers: the input row holds `steps` steps (m = steps·m_step); the heads run on every step
   * ((batch·L) × m_step rows) and the layer outputs steps·n_step. Chain layers keep steps on their heads instead.
   */
  steps?: number;
  /** rnn's output layer: mean over the `stepMean` steps of the input row (m = L·m_step) before the heads. */
  stepMean?: number;
  source?: Component;
}

/** A validated model: its type, input width m, output width n and layers, every size resolved (what lowering and the reference interpreter consume). */
export interface ModelSpec {
  /** What the default export was: a model, a single layer or a single head. */
  root: 'model' | 'layer' | 'head';
  type: string;
  m: number;
  n: number;
  layers: LayerSpec[];
  /** Fixed input batch b (an instance interdependence ties the model to it); `rowsOut` = rows of the output. Absent = any batch. */
  batch?: number;
  rowsOut?: number;
  /** Some output row depends on other rows of the batch (ONNX metadata `rpnc.rows_independent` = "false"). */
  rowCoupled?: boolean;
  source?: Component;
}
