import { layer, head, taylorExpansion, lorrReconciliation, zeroRemainder, type Layer } from 'rpnc';

export const DEFAULT_RANK = 2;

/** One head with a Taylor expansion and a low-rank reconciliation. */
export function taylorHead(m: number, n: number, d = 2, r: number = DEFAULT_RANK) {
  return head({ m, n, dataTransformation: taylorExpansion({ d }), parameterFabrication: lorrReconciliation({ r }), remainder: zeroRemainder() });
}

export const taylorLayer = (m: number, n: number, width = 1): Layer =>
  layer({ m, n, heads: Array.from({ length: width }, () => taylorHead(m, n)) });

export default function stack(dims: readonly number[]): Layer[] {
  return dims.slice(0, -1).map((m, i) => taylorLayer(m, dims[i + 1]));
}
