/**
 * DSL -> ModelSpec: sizes, inferred options, and validation messages (hand-derived values).
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticError } from '../../compiler/diagnostics.js';
import * as R from '../../compiler/dsl/index.js';
import { buildModelSpec } from '../../compiler/spec/build.js';
import { parameterManifest } from '../../compiler/spec/params.js';

const errorsOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof DiagnosticError) return e.diagnostics;
    throw e;
  }
  throw new Error('expected a DiagnosticError');
};

describe('sizes', () => {
  it('taylor d=3 with lorr r=2 on m=3, n=2: D = 3 + 9 + 27 = 39, l = 2·(2 + 39) = 82 (golden a_taylor_d3_lorr has w [1, 82])', () => {
    const spec = buildModelSpec(R.rpn({ layers: [R.layer({ m: 3, n: 2, heads: [R.head({ m: 3, n: 2, dataTransformation: R.taylorExpansion({ d: 3 }), parameterFabrication: R.lorrReconciliation({ r: 2 }), remainder: R.zeroRemainder() })] })] }));
    expect(spec.layers[0].heads[0].D).toBe(39);
    expect(spec.layers[0].heads[0].reconciliation!.l).toBe(82);
    expect(parameterManifest(spec)).toEqual([{ key: 'layers.0.heads.0.w', shape: [1, 82], init: 'xavier' }]);
  });

  it('hm with default p, q = fcf(n), fcf(D): n=4, D=6 -> p=2, q=2, l = 4 + 2·3 = 10', () => {
    const spec = buildModelSpec(R.rpn({ layers: [R.layer({ m: 6, n: 4, heads: [R.head({ m: 6, n: 4, dataTransformation: R.identityExpansion(), parameterFabrication: R.hmReconciliation(), remainder: R.zeroRemainder() })] })] }));
    const rec = spec.layers[0].heads[0].reconciliation!;
    expect([rec.options.p, rec.options.q, rec.l]).toEqual([2, 2, 10]);
  });

  it('mlp expands to perceptron layers with ReLU, Dropout, Softmax on every layer', () => {
    const spec = buildModelSpec(R.mlp({ dims: [5, 4, 3] }));
    expect(spec.layers.map((l) => [l.m, l.n])).toEqual([[5, 4], [4, 3]]);
    expect(spec.layers[1].heads[0].outputProcess.map((p) => p.type)).toEqual(['ReLU', 'Dropout', 'Softmax']);
  });

  it('a head inside a layer may omit m and n: they are the layer\'s', () => {
    const spec = buildModelSpec(R.rpn({ layers: [R.layer({ m: 5, n: 2, heads: [R.head({ dataTransformation: R.identityExpansion(), parameterFabrication: R.identityReconciliation(), remainder: R.zeroRemainder() })] })] }));
    expect([spec.layers[0].heads[0].m, spec.layers[0].heads[0].n, spec.layers[0].heads[0].reconciliation!.l]).toEqual([5, 2, 10]);
  });

  it('perceptronLayer width 2: two copies of one shared head under heads.0 with alias heads.1', () => {
    const spec = buildModelSpec(R.rpn({ layers: [R.perceptronLayer({ m: 5, n: 3, width: 2 })] }));
    const heads = spec.layers[0].heads;
    expect(heads.map((h) => h.prefix)).toEqual(['layers.0.heads.0.', 'layers.0.heads.0.']);
    expect(heads[0].aliases).toEqual(['layers.0.heads.1.']);
    expect(spec.layers[0].headFusion!.type).toBe('mean_fusion');
  });
});

describe('validation', () => {
  it('a standalone head needs m and n', () => {
    const d = errorsOf(() => buildModelSpec(R.head({ dataTransformation: R.identityExpansion() })));
    expect(d[0].code).toBe('RPN2109');
  });
  it('identity remainder needs m = n', () => {
    const d = errorsOf(() => buildModelSpec(R.head({ m: 4, n: 3, dataTransformation: R.identityExpansion(), parameterFabrication: R.identityReconciliation(), remainder: R.identityRemainder() })));
    expect(d[0].code).toBe('RPN2105');
    expect(d[0].message).toContain('m = 4, n = 3');
  });
  it('hm p must divide n', () => {
    const d = errorsOf(() => buildModelSpec(R.head({ m: 4, n: 6, dataTransformation: R.identityExpansion(), parameterFabrication: R.hmReconciliation({ p: 4 }), remainder: R.zeroRemainder() })));
    expect(d[0].code).toBe('RPN2104');
    expect(d[0].message).toContain('p=4 must divide n=6');
  });
  it('BatchNorm width must match', () => {
    const d = errorsOf(() => buildModelSpec(R.head({ m: 3, n: 3, dataTransformation: R.identityExpansion(), parameterFabrication: R.identityReconciliation(), remainder: R.zeroRemainder(), outputProcessFunctions: [R.batchNorm1d({ numFeatures: 4 })] })));
    expect(d[0].code).toBe('RPN2106');
    expect(d[0].hint).toBe('set numFeatures: 3');
  });
  it('fusion dims must match the heads', () => {
    const h = R.head({ m: 2, n: 2, dataTransformation: R.identityExpansion(), parameterFabrication: R.identityReconciliation(), remainder: R.zeroRemainder() });
    const d = errorsOf(() => buildModelSpec(R.layer({ m: 2, n: 2, heads: [h, h], headFusion: R.meanFusion({ dims: [2, 3] }) })));
    expect(d[0].code).toBe('RPN2103');
    expect(d[0].hint).toBe('set dims: [2, 2] or omit it');
  });
  it('unknown option names are refused by the factory', () => {
    expect(() => R.taylorExpansion({ degree: 3 } as never)).toThrow(/unknown option 'degree' for taylorExpansion/);
  });
});
