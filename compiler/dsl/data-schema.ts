/**
 * The option schema shared by the data-dependent interdependence factories (kernel.ts, bilinear.ts); not part of
 * the DSL's exports (compiler/dsl/index.ts).
 */
import { is } from './component.js';

type Schema = Record<string, [(v: unknown) => string | undefined, unknown]>;
const TYPES = ['attribute', 'attribute_interdependence', 'column', 'right', 'instance', 'instance_interdependence', 'row', 'left'];

/** Schema shared by the data-dependent interdependence factories; `type` is the default interdependence type. */
export const dataSchema = (type: 'attribute' | 'instance'): Schema => ({
  name: [is.optional(is.string), undefined],
  device: [is.optional(is.string), undefined],
  b: [is.optional(is.posInt), undefined],
  m: [is.optional(is.posInt), undefined],
  interdependenceType: [is.oneOf(...TYPES), type],
  preprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  postprocessFunctions: [is.optional(is.componentList('processing')), undefined],
  requireData: [is.bool, true],
  requireParameters: [is.bool, false],
});
