import { rpn, layer, head, taylorExpansion, lorrReconciliation, identityReconciliation, zeroRemainder, linearRemainder, relu } from 'rpnc';

interface Cfg { dims: number[]; d?: number; rank?: number; bias: boolean }
const cfg = { dims: [4, 6, 6, 2], rank: 2, bias: true } satisfies Cfg;
const { dims, d = 3, ...rest } = cfg as Cfg;
const [input, , ...others] = dims;
const shared = { dataTransformation: taylorExpansion({ d }), remainder: zeroRemainder() } as const;

function pairs<T>(xs: readonly T[]): [T, T][] {
  return xs.slice(0, -1).map((x, i) => [x, xs[i + 1]] as [T, T]);
}

function firstAtLeast(xs: readonly number[], min: number): number {
  for (let i = 0; i < xs.length; i++) {
    if (xs[i] >= min) return i;
  }
  return -1;
}

const makeHead = (m: number, n: number, { rank = 1, bias = false }: { rank?: number; bias?: boolean } = {}) =>
  head({
    m,
    n,
    ...shared,
    parameterFabrication: rank > 1 ? lorrReconciliation({ r: rank, enableBias: bias }) : identityReconciliation(),
    outputProcessFunctions: n > 2 ? [relu()] : undefined,
  });

function sum(...xs: number[]): number {
  let total = 0;
  for (const x of xs) {
    if (x < 0) continue;
    return xs.reduce((a, b) => a + b, 0);
  }
  return total;
}

const layers = pairs(dims).map(([m, n], i) =>
  layer({ m, n, name: `layer_${i}_${m}x${n}`, heads: [makeHead(m, n, i % 2 === 0 ? rest : {})] }),
);

const lastWidth = layers.at(-1)?.options.n ?? 0;
const remainder = lastWidth === 2 && input === 4 ? linearRemainder({ enableBias: !!rest.bias }) : zeroRemainder();

export default rpn({
  name: `m${sum(...others)}-${firstAtLeast(dims, 5)}-${Object.keys(cfg).join('+')}-${typeof cfg.rank}-${Math.max(...dims)}-${2 ** 3}`,
  layers: [
    ...layers,
    layer({ m: 2, n: 2, heads: [head({ m: 2, n: 2, dataTransformation: taylorExpansion(), remainder })] }),
  ],
});
