/** `rpnc inspect <checkpoint> [--model model.ts] [--json]`: keys, dtypes, shapes, and where each tensor lands. */
import { loadSpec } from '../compiler/compile.js';
import { describeCheckpoint, formatCheckpointReport } from '../compiler/weights/checkpoint-report.js';
import { printJson, reportAndExit, usage } from './report.js';

export function inspectCheckpointCommand(file: string, opts: { model?: string; weights?: string[]; json?: boolean; dot?: string | boolean }): void {
  if (opts.weights?.length) usage('--weights applies to model files; to inspect a checkpoint give it as the argument', 'rpnc inspect ckpt --model model.ts');
  if (opts.dot) usage('--dot needs a model file or an ONNX file, not a checkpoint');
  try {
    const spec = opts.model ? loadSpec(opts.model).spec : undefined;
    const report = describeCheckpoint(file, spec);
    if (opts.json) printJson({ ok: true, ...report, diagnostics: [] });
    else process.stdout.write(formatCheckpointReport(report));
  } catch (e) {
    reportAndExit(e);
  }
}
