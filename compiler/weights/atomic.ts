import * as fs from 'node:fs';
import { fail } from '../diagnostics.js';

/**
 * Write `bytes` to `file` atomically: write `file.tmp-<pid>`, then rename over `file`, so readers
 * never see a half-written file. On failure the temporary file is removed and `code` is thrown.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array, code = 'RPN3011'): void {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* best effort */
    }
    fail(code, `cannot write '${file}': ${(e as Error).message}`, {
      hint: 'check that the directory exists and is writable, and that there is free disk space',
    });
  }
}
