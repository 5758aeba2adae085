import { DiagnosticError, exitCodeFor, formatDiagnostic, type Diagnostic } from '../compiler/diagnostics.js';

/** Print diagnostics (or an unexpected error) to stderr and exit with the matching code. */
export function reportAndExit(e: unknown): never {
  let diags: Diagnostic[];
  if (Array.isArray(e)) diags = e as Diagnostic[];
  else if (e instanceof DiagnosticError) diags = e.diagnostics;
  else {
    const err = e as Error;
    diags = [{ code: 'RPN4000', severity: 'error', message: `internal error: ${err?.message ?? String(e)}`, hint: 'this is a bug in rpnc; set RPNC_DEBUG=1 for a stack trace and please report it' }];
    if (process.env.RPNC_DEBUG) console.error(err?.stack);
  }
  for (const d of diags) process.stderr.write(formatDiagnostic(d) + '\n');
  process.exit(exitCodeFor(diags) || 1);
}

export function usage(message: string, hint?: string): never {
  reportAndExit([{ code: 'RPN6002', severity: 'error', message, hint }]);
}
