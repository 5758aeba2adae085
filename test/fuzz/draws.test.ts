/** The fuzzer draws issue 14's compilable components (compressions, geometric classes, kanHead, weighted-summation fusion). */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { fuzzCase } from '../../fuzz/arbitraries.js';

it('random models include every compilable compression / geometric class of issue 14', () => {
  const text = fc.sample(fuzzCase(), { numRuns: 3000, seed: 14 }).map((c) => JSON.stringify(c.model)).join('\n');
  const drawn = [
    'identityCompression', 'linearCompression', 'maxCompression', 'medianCompression', 'metricCompression', 'prodCompression', 'reciprocalCompression',
    'extendedCompression', 'naiveLaplaceProbabilisticCompression', 'geometricExpansion', 'geometricCompression', 'geometricInterdependence', 'cuboid',
    'kanHead', 'parameterizedWeightedSummationFusion',
  ].filter((f) => !text.includes(`"${f}"`));
  expect(drawn, 'never drawn').toEqual([]);
});
