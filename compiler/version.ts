import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the directory of rpnc's package.json), from source or from dist/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'rpnc') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('rpnc package root not found');
    dir = up;
  }
}

export const VERSION: string = (createRequire(import.meta.url)(path.join(packageRoot(), 'package.json')) as { version: string }).version;
