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

it('every diagnostic code used in the sources is documented in compiler/codes.ts and docs/diagnostics.md', async () => {
  const { ALL_CODES } = await import('../../compiler/codes.js');
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/diagnostics.md'), 'utf8');
  const used = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) for (const m of fs.readFileSync(p, 'utf8').matchAll(/'(RPN\d{4})'/g)) used.add(m[1]);
    }
  };
  for (const d of ['compiler', 'ir', 'runtime', 'cli']) walk(path.resolve(import.meta.dirname, '../..', d));
  const undocumented = [...used].filter((c) => !(c in ALL_CODES) || !doc.includes(`| ${c} |`)).sort();
  expect(undocumented, 'add the code to compiler/codes.ts (or its phase table) and run `npm run docs`').toEqual([]);
});

it('every export of the DSL that is a function is a factory (an unknown option makes it say so), never a helper', () => {
  const notFactories = Object.entries(dsl)
    .filter(([name, f]) => typeof f === 'function' && !NOT_FACTORIES.has(name) && !/^[A-Z]/.test(name))
    .filter(([, f]) => {
      try {
        (f as (o: unknown) => unknown)({ __probe: 0 });
        return true;
      } catch (e) {
        return !(e instanceof dsl.DslError && /unknown option '__probe'/.test(e.message));
      }
    })
    .map(([name]) => name);
  expect(notFactories, 'export only factories from compiler/dsl/index.ts (helpers stay module-private)').toEqual([]);
});

it("every class of tinybig's expansion, compression, interdependence, fusion, head, layer and model packages is in docs/components.md", () => {
  const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/components.md'), 'utf8');
  const classes = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/tinybig-classes.json'), 'utf8')) as Record<string, string[] | string>;
  const missing = Object.entries(classes)
    .filter(([pkg]) => pkg.startsWith('tinybig.'))
    .flatMap(([, list]) => list as string[])
    .filter((cls) => !new RegExp(`\\| \`${cls}\` \\|`).test(doc));
  expect(missing, 'run `npm run build && npm run docs` (docs/gen-components.mjs lists every class, with a reason when it has no factory)').toEqual([]);
});
