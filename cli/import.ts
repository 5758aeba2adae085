/** `rpnc import`: a tinybig model config (YAML/JSON) -> an rpnc model file (TypeScript DSL). */
import type { Command } from 'commander';
import * as fs from 'node:fs';
import { DiagnosticError, formatDiagnostic } from '../compiler/diagnostics.js';
import { importConfig } from '../compiler/import/index.js';
import { writeFileAtomic } from '../compiler/weights/atomic.js';
import { reportAndExit, usage } from './report.js';

const CONFIG = /\.(ya?ml|json)$/i;

export async function importCommand(config: string, opts: { output?: string }): Promise<void> {
  if (!CONFIG.test(config)) usage(`'${config}' is not a tinybig config file`, 'pass a .yaml, .yml or .json config (e.g. one of tinybig\'s published configs)');
  const out = opts.output ?? config.replace(CONFIG, '.ts');
  if (!/\.(ts|mts|cts)$/.test(out)) usage(`output '${out}' should end in .ts`, 'the output is an rpnc model file (TypeScript)');
  try {
    let text: string;
    try {
      text = fs.readFileSync(config, 'utf8');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
      throw new DiagnosticError({ code: 'RPN1701', severity: 'error', message: `cannot read config '${config}': ${why}`, hint: 'check the path' });
    }
    const res = importConfig(text, { format: /\.json$/i.test(config) ? 'json' : 'yaml', fileName: config });
    const errors = res.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) reportAndExit(res.diagnostics);
    for (const d of res.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
    writeFileAtomic(out, new TextEncoder().encode(res.source));
    process.stderr.write(`wrote ${out} (from ${config}); build it with: rpnc build ${out}\n`);
  } catch (e) {
    reportAndExit(e);
  }
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('turn a tinybig model config (YAML/JSON) into an rpnc model file using the DSL factories')
    .argument('<config>', 'tinybig config (.yaml, .yml or .json): an experiment config with configurations.model_configs, or a bare model/layer/head config')
    .option('-o, --output <file>', 'output model file (default: the config with .ts; an existing file is overwritten)')
    .addHelpText('after', `
Only the model is imported; device, data, learner, metric and output configs are ignored.
An unsupported class or a bad parameter is reported with its path inside the config and its line:col.

Examples:
  rpnc import composite_configs.yaml               # -> composite_configs.ts
  rpnc import config.json -o model.ts && rpnc build model.ts -w ckpt.safetensors`)
    .action(importCommand);
}
