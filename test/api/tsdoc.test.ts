/** Every export of the package (index.ts) carries TSDoc, so editors show it to library users. */
import * as path from 'node:path';
import { Node, Project } from 'ts-morph';
import { expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

it('every export of index.ts has a TSDoc comment', () => {
  const project = new Project({ tsConfigFilePath: path.join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const index = project.addSourceFileAtPath(path.join(root, 'index.ts'));
  project.resolveSourceFileDependencies();
  const exports = [...index.getExportedDeclarations()];
  expect(exports.length).toBeGreaterThan(150);
  const undocumented: string[] = [];
  for (const [name, decls] of exports) {
    const d = decls[0];
    const holder = Node.isVariableDeclaration(d) ? d.getVariableStatement() : d;
    const docs = holder && Node.isJSDocable(holder) ? holder.getJsDocs() : [];
    if (!docs.some((j) => j.getDescription().trim() || j.getTags().length)) {
      undocumented.push(`${name} (${path.relative(root, d.getSourceFile().getFilePath())}:${d.getStartLineNumber()})`);
    }
  }
  expect(undocumented, 'add a /** … */ comment to these declarations').toEqual([]);
});
