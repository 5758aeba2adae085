/** docs/components.md must list every DSL factory (regenerate with `npm run docs`). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import * as dsl from '../../compiler/dsl/index.js';

const NOT_FACTORIES = new Set(['make', 'camel', 'isComponent', 'DslError', 'is', 'required']);

it('every DSL factory has an entry in docs/components.md', () => {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/components.md'), 'utf8');
  const factories = Object.entries(dsl)
    .filter(([name, f]) => typeof f === 'function' && !NOT_FACTORIES.has(name) && !/^[A-Z]/.test(name))
    .map(([name]) => name);
  expect(factories.length).toBeGreaterThan(50);
  const missing = factories.filter((name) => !doc.includes(`| \`${name}\` |`));
  expect(missing, 'run `npm run build && npm run docs` to regenerate docs/components.md').toEqual([]);
});
