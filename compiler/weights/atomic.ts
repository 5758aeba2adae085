import * as fs from 'node:fs';
import { fail } from '../diagnostics.js';

/** What names rpnc's temporary files: `<file>.rpnc.tmp-<pid>` (recognisable; safe to delete when that pid is gone). */
export const TEMP_MARK = '.rpnc.tmp-';

/** Temporary files being written right now (at most one: writes are synchronous). */
const inFlight = new Set<string>();
let onWrite: (() => void) | undefined;

/** Called before every temporary file is created (the CLI arms its SIGINT/SIGTERM cleanup there). */
export function onTempFile(hook: (() => void) | undefined): void {
  onWrite = hook;
}

/** Remove every temporary file still being written (best effort; for a signal handler). Returns their paths. */
export function removeTempFiles(): string[] {
  const removed = [...inFlight];
  for (const tmp of removed) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* best effort */
    }
    inFlight.delete(tmp);
  }
  return removed;
}

/**
 * Write `bytes` to `file` atomically: write `file.rpnc.tmp-<pid>`, then rename over `file`, so readers
 * never see a half-written file. On failure the temporary file is removed and `code` is thrown.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array, code = 'RPN3011'): void {
  const tmp = `${file}${TEMP_MARK}${process.pid}`;
  onWrite?.();
  inFlight.add(tmp);
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
  } finally {
    inFlight.delete(tmp);
  }
}
