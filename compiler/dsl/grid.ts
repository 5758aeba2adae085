/**
 * Grid-based heads, layers and the CNN model (tinybig.head.grid_based_heads, tinybig.layer.grid_based_layers,
 * tinybig.model.rpn_cnn). Options are tinybig's parameter names camelCased, with tinybig's defaults.
 *
 * Their input width m (= C·h·w·d) and output width n (= C_out·P) follow from the geometry; the
 * factories add them to `options` so that layers can be chained and checked like any other.
 * Geometry: `compiler/spec/grid.ts`.
 */
import { type Component, DslError, is, make, required } from './component.js';
import { GeometryError, gridGeometry, gridWidths } from '../spec/grid.js';

type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const common: Schema = { name: [is.optional(is.string), undefined], device: [is.optional(is.string), undefined] };
const optInt = is.optional(is.nonNegInt);
const optPosInt = is.optional(is.posInt);

/** Patch and packing options shared by every grid component (tinybig defaults). */
export interface PatchOptions {
  /** 'cuboid' (default), 'cylinder' or 'sphere'. */
  patchShape?: 'cuboid' | 'cylinder' | 'sphere';
  pH?: number | null;
  pHPrime?: number | null;
  pW?: number | null;
  pWPrime?: number | null;
  pD?: number;
  pDPrime?: number | null;
  pR?: number | null;
  cdH?: number | null;
  cdW?: number | null;
  cdD?: number | null;
  packingStrategy?: string;
}
const patchSchema: Schema = {
  patchShape: [is.oneOf('cuboid', 'cylinder', 'sphere'), 'cuboid'],
  pH: [optInt, undefined],
  pHPrime: [optInt, undefined],
  pW: [optInt, undefined],
  pWPrime: [optInt, undefined],
  pD: [is.nonNegInt, 0],
  pDPrime: [optInt, undefined],
  pR: [optInt, undefined],
  cdH: [optPosInt, undefined],
  cdW: [optPosInt, undefined],
  cdD: [optPosInt, 1],
  packingStrategy: [is.string, 'densest_packing'],
};

/** Options of `gridInterdependenceHead` (tinybig.head.grid_interdependence_head). */
export interface GridInterdependenceHeadOptions extends PatchOptions {
  /** Input grid height, width and channels: may be omitted on a grid layer right after another grid layer (inferred). */
  h?: number;
  w?: number;
  inChannel?: number;
  outChannel: number;
  d?: number;
  withBatchNorm?: boolean;
  withRelu?: boolean;
  withResidual?: boolean;
  withDualLphm?: boolean;
  withLorr?: boolean;
  r?: number;
  enableBias?: boolean;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const interdependenceSchema: Schema = {
  ...common,
  ...patchSchema,
  // h, w, inChannel may be omitted on a grid layer that follows another grid layer: inferred from its output grid
  h: [is.optional(is.posInt), undefined],
  w: [is.optional(is.posInt), undefined],
  inChannel: [is.optional(is.posInt), undefined],
  outChannel: [is.posInt, required],
  d: [is.posInt, 1],
  withBatchNorm: [is.bool, true],
  withRelu: [is.bool, true],
  withResidual: [is.bool, false],
  withDualLphm: [is.bool, false],
  withLorr: [is.bool, false],
  r: [is.posInt, 3],
  enableBias: [is.bool, false],
  parametersInitMethod: [is.optional(is.string), undefined],
};

/** Options of `gridCompressionHead` (tinybig.head.grid_compression_head). */
export interface GridCompressionHeadOptions extends PatchOptions {
  /** Input grid height, width and channels: may be omitted on a grid layer right after another grid layer (inferred). */
  h?: number;
  w?: number;
  channelNum?: number;
  d?: number;
  /** batch_max (default), batch_min, batch_sum, batch_prod, batch_l1_norm, batch_l2_norm. */
  poolingMetric?: string;
  /**
   * The head's data_transformation, when it is one of tinybig's `*_based_geometric_compression` classes
   * (e.g. `cuboidMeanBasedGeometricCompression()`, what `d_pool_mean_workaround` swaps in): its metric
   * replaces `poolingMetric`; any geometry it names must agree with the head's.
   */
  dataTransformation?: GeometricCompression;
  withDropout?: boolean;
  p?: number;
  parametersInitMethod?: string;
  name?: string;
  device?: string;
}
const compressionSchema = (withDropout: boolean): Schema => ({
  ...common,
  ...patchSchema,
  // h, w, channelNum may be omitted on a grid layer that follows another grid layer: inferred from its output grid
  h: [is.optional(is.posInt), undefined],
  w: [is.optional(is.posInt), undefined],
  channelNum: [is.optional(is.posInt), undefined],
  d: [is.posInt, 1],
  poolingMetric: [is.string, 'batch_max'],
  dataTransformation: [is.optional(is.component('expansion')), undefined],
  withDropout: [is.bool, withDropout],
  p: [is.number, 0.5],
  parametersInitMethod: [is.optional(is.string), undefined],
});

/** Add the derived widths m, n to a grid component (errors point at the offending option). Not exported: model files must not bypass the grid factories (their patch-size checks). */
function sized<C extends Component>(c: C, kind: 'interdependence' | 'compression', factory: string): C {
  const o = c.options as Record<string, unknown>;
  // the input grid is inferred later (compiler/spec/build.ts) when the layer follows another grid layer
  if (o.h === undefined || o.w === undefined || (kind === 'compression' ? o.channelNum : o.inChannel) === undefined) return c;
  try {
    const { m, n } = gridWidths(gridGeometry(c.options as Record<string, unknown>, kind));
    Object.assign(c.options as object, { m, n });
    return c;
  } catch (e) {
    if (e instanceof GeometryError) throw new DslError(`${factory}(): ${e.message}`, { option: e.option, hint: e.hint });
    throw e;
  }
}

/** `tinybig.head.grid_interdependence_head`: a patch "convolution" (geometric interdependence + ψ with n = C_out, D = C_in·S). */
export function gridInterdependenceHead(options: GridInterdependenceHeadOptions): Component<'head', 'grid_interdependence_head', GridInterdependenceHeadOptions & { m: number; n: number }> {
  return sized(make('head', 'grid_interdependence_head', options, interdependenceSchema), 'interdependence', 'gridInterdependenceHead');
}

/** Options of `gridInterdependenceLayer` (tinybig.layer.grid_interdependence_layer). */
export interface GridInterdependenceLayerOptions extends GridInterdependenceHeadOptions {
  /** Number of (shared, identical) heads, default 1. */
  width?: number;
}
/** `tinybig.layer.grid_interdependence_layer`: `[grid_interdependence_head] * width`, mean fusion. */
export function gridInterdependenceLayer(options: GridInterdependenceLayerOptions): Component<'layer', 'grid_interdependence_layer', GridInterdependenceLayerOptions & { m: number; n: number }> {
  return sized(make('layer', 'grid_interdependence_layer', options, { ...interdependenceSchema, width: [is.posInt, 1] }), 'interdependence', 'gridInterdependenceLayer');
}

/** `tinybig.head.grid_compression_head`: patch pooling (geometric compression). Dropout on by default. */
export function gridCompressionHead(options: GridCompressionHeadOptions): Component<'head', 'grid_compression_head', GridCompressionHeadOptions & { m: number; n: number }> {
  return sized(make('head', 'grid_compression_head', options, compressionSchema(true)), 'compression', 'gridCompressionHead');
}

/** `tinybig.layer.grid_compression_layer`: one grid_compression_head (the layer's withDropout default is false). */
export function gridCompressionLayer(options: GridCompressionHeadOptions): Component<'layer', 'grid_compression_layer', GridCompressionHeadOptions & { m: number; n: number }> {
  return sized(make('layer', 'grid_compression_layer', options, compressionSchema(false)), 'compression', 'gridCompressionLayer');
}

// ---- tinybig.compression.geometric_compression: {cuboid,cylinder,sphere}_{max,min,mean}_based_geometric_compression ----

/** Options of the `*BasedGeometricCompression` factories (tinybig.compression). */
export interface GeometricCompressionOptions {
  h?: number;
  w?: number;
  d?: number;
  /** cuboid classes */
  pH?: number;
  pHPrime?: number | null;
  pW?: number;
  pWPrime?: number | null;
  /** cuboid and cylinder classes */
  pD?: number;
  pDPrime?: number | null;
  /** cylinder and sphere classes */
  pR?: number;
  packingStrategy?: string;
  cdH?: number;
  cdW?: number;
  cdD?: number;
  /** A `grid({ h, w, d, universeNum })` object instead of h, w, d (several universes: input width C·h·w·d). */
  grid?: Component<'geometry', 'grid', object> | null;
  preprocessFunctions?: import('./processing.js').ProcessingSlot | null;
  postprocessFunctions?: import('./processing.js').ProcessingSlot | null;
  name?: string;
  device?: string;
}
/** A geometric compression (patch pooling): a grid compression head's data transformation, or the κ of a plain head. */
export type GeometricCompression = Component<'expansion', string, GeometricCompressionOptions>;
const gcBase: Schema = {
  ...common, h: [optPosInt, undefined], w: [optPosInt, undefined], d: [optPosInt, undefined],
  packingStrategy: [is.optional(is.string), undefined], cdH: [optPosInt, undefined], cdW: [optPosInt, undefined], cdD: [optPosInt, undefined],
  grid: [is.optional(is.component('geometry')), undefined],
  preprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  postprocessFunctions: [is.optional(is.componentList('processing')), undefined],
};
const gcPatch: Record<'cuboid' | 'cylinder' | 'sphere', Schema> = {
  cuboid: { pH: [optInt, undefined], pHPrime: [optInt, undefined], pW: [optInt, undefined], pWPrime: [optInt, undefined], pD: [optInt, undefined], pDPrime: [optInt, undefined] },
  cylinder: { pR: [optInt, undefined], pD: [optInt, undefined], pDPrime: [optInt, undefined] },
  sphere: { pR: [optInt, undefined] },
};
/**
 * tinybig's metric-based geometric compressions. rpnc runs them as the data_transformation of a
 * grid_compression_head / grid_compression_layer (option `dataTransformation`), whose geometry they share;
 * the metric (batch_max / batch_min / batch_mean) comes from the class. Geometry options are optional
 * here and, when given, checked against the head's.
 */
function geometricCompression(shape: 'cuboid' | 'cylinder' | 'sphere', metric: 'max' | 'min' | 'mean', options: GeometricCompressionOptions | undefined): GeometricCompression {
  return make('expansion', `${shape}_${metric}_based_geometric_compression`, options, { ...gcBase, ...gcPatch[shape] });
}
/** `tinybig.compression.cuboid_max_based_geometric_compression` (metric batch_max). */
export const cuboidMaxBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('cuboid', 'max', options);
/** `tinybig.compression.cuboid_min_based_geometric_compression` (metric batch_min). */
export const cuboidMinBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('cuboid', 'min', options);
/** `tinybig.compression.cuboid_mean_based_geometric_compression` (metric koala.statistics.batch_mean). */
export const cuboidMeanBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('cuboid', 'mean', options);
/** `tinybig.compression.cylinder_max_based_geometric_compression` (metric batch_max). */
export const cylinderMaxBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('cylinder', 'max', options);
/** `tinybig.compression.cylinder_min_based_geometric_compression` (metric batch_min). */
export const cylinderMinBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('cylinder', 'min', options);
/** `tinybig.compression.cylinder_mean_based_geometric_compression` (metric batch_mean). */
export const cylinderMeanBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('cylinder', 'mean', options);
/** `tinybig.compression.sphere_max_based_geometric_compression` (metric batch_max). */
export const sphereMaxBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('sphere', 'max', options);
/** `tinybig.compression.sphere_min_based_geometric_compression` (metric batch_min). */
export const sphereMinBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('sphere', 'min', options);
/** `tinybig.compression.sphere_mean_based_geometric_compression` (metric batch_mean). */
export const sphereMeanBasedGeometricCompression = (options?: GeometricCompressionOptions) => geometricCompression('sphere', 'mean', options);

/** Options of `cnn` and `resnet` (tinybig.model.rpn_cnn). */
export interface CnnOptions extends PatchOptions {
  h: number;
  w: number;
  channelNums: readonly number[];
  fcDims: readonly number[];
  d?: number;
  fcChannelNum?: number;
  width?: number;
  poolingMetric?: string;
  poolingLayerGaps?: number;
  patchSizeHalfAfterPooling?: boolean;
  poolingPatchShape?: 'cuboid' | 'cylinder' | 'sphere' | null;
  poolingPH?: number | null;
  poolingPHPrime?: number | null;
  poolingPW?: number | null;
  poolingPWPrime?: number | null;
  poolingPD?: number | null;
  poolingPDPrime?: number | null;
  poolingPR?: number | null;
  poolingCdH?: number | null;
  poolingCdW?: number | null;
  poolingCdD?: number | null;
  poolingPackingStrategy?: string | null;
  withBatchNorm?: boolean;
  withRelu?: boolean;
  withSoftmax?: boolean;
  withResidual?: boolean;
  withDropout?: boolean;
  pPooling?: number;
  pFc?: number;
  withDualLphm?: boolean;
  withLorr?: boolean;
  r?: number;
  enableBias?: boolean;
  withPerceptronResidual?: boolean | null;
  withPerceptronDualLphm?: boolean | null;
  withPerceptronLorr?: boolean | null;
  perceptronR?: number | null;
  enablePerceptronBias?: boolean | null;
  name?: string;
  device?: string;
}
/**
 * `tinybig.model.cnn` (rpn_cnn): grid_interdependence_layers for consecutive `channelNums`, a
 * grid_compression_layer after every `poolingLayerGaps` of them, then perceptron layers to `fcDims`.
 */
export function cnn(options: CnnOptions): Component<'model', 'cnn', CnnOptions> {
  return make('model', 'cnn', options, cnnSchema(false));
}

/**
 * `tinybig.model.resnet` (rpn_cnn): `cnn` with `with_residual=True` forced (tinybig's `resnet.__init__`
 * ignores the value it is given), so every grid_interdependence_layer gets a linear remainder and, unless
 * `withPerceptronResidual` says otherwise, so do the perceptron layers.
 */
export function resnet(options: CnnOptions): Component<'model', 'resnet', CnnOptions> {
  const c = make<'model', 'resnet', CnnOptions>('model', 'resnet', options, cnnSchema(true));
  (c.options as { withResidual?: boolean }).withResidual = true;
  return c;
}

function cnnSchema(withResidual: boolean): Schema {
  const optBool = is.optional(is.bool);
  return {
    ...common,
    ...patchSchema,
    h: [is.posInt, required],
    w: [is.posInt, required],
    channelNums: [is.array(is.posInt), required],
    fcDims: [is.array(is.posInt), required],
    d: [is.posInt, 1],
    fcChannelNum: [is.posInt, 1],
    width: [is.posInt, 1],
    poolingMetric: [is.string, 'batch_max'],
    poolingLayerGaps: [is.posInt, 2],
    patchSizeHalfAfterPooling: [is.bool, false],
    poolingPatchShape: [is.optional(is.oneOf('cuboid', 'cylinder', 'sphere')), undefined],
    poolingPH: [optInt, undefined],
    poolingPHPrime: [optInt, undefined],
    poolingPW: [optInt, undefined],
    poolingPWPrime: [optInt, undefined],
    poolingPD: [optInt, undefined],
    poolingPDPrime: [optInt, undefined],
    poolingPR: [optInt, undefined],
    poolingCdH: [optPosInt, undefined],
    poolingCdW: [optPosInt, undefined],
    poolingCdD: [optPosInt, undefined],
    poolingPackingStrategy: [is.optional(is.string), undefined],
    withBatchNorm: [is.bool, true],
    withRelu: [is.bool, true],
    withSoftmax: [is.bool, false],
    withResidual: [is.bool, withResidual],
    withDropout: [is.bool, true],
    pPooling: [is.number, 0.25],
    pFc: [is.number, 0.5],
    withDualLphm: [is.bool, false],
    withLorr: [is.bool, false],
    r: [is.posInt, 3],
    enableBias: [is.bool, true],
    withPerceptronResidual: [optBool, undefined],
    withPerceptronDualLphm: [optBool, undefined],
    withPerceptronLorr: [optBool, undefined],
    perceptronR: [optPosInt, undefined],
    enablePerceptronBias: [optBool, undefined],
  };
}
