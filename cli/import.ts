/** `rpnc import`: a tinybig model config (YAML/JSON) -> an rpnc model file (TypeScript DSL). */
import type { Command } from 'commander';
import { DiagnosticError, rememberSource } from '../compiler/diagnostics.js';
import { readTextBounded } from '../compiler/read-bounded.js';
import { importConfig } from '../compiler/import/index.js';
import { writeFileAtomic } from '../compiler/weights/atomic.js';
import { reportAndExit, usage } from './report.js';
import { info, printDiagnostics } from './terminal.js';

const CONFIG = /\.(ya?ml|json)$/i;
/** Bytes of a config rpnc reads (tinybig's published configs have a few kilobytes). */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export async function importCommand(config: string, opts: { output?: string }): Promise<void> {
  if (!CONFIG.test(config)) usage(`'${config}' is not a tinybig config file`, 'pass a .yaml, .yml or .json config (e.g. one of tinybig\'s published configs)');
  const out = opts.output ?? config.replace(CONFIG, '.ts');
  if (!/\.(ts|mts|cts)$/.test(out)) usage(`output '${out}' should end in .ts`, 'the output is an rpnc model file (TypeScript)');
  try {
    // type and size before reading (a FIFO would block, a huge file would be read whole)
    const read = readTextBounded(config, MAX_CONFIG_BYTES);
    if (!read.ok) {
      const why = read.problem === 'missing' ? 'no such file' : read.problem === 'not-a-file' ? `it is ${read.kind}` : read.problem === 'too-large' ? `it has ${read.size} bytes (a tinybig config has a few kilobytes; rpnc reads at most ${MAX_CONFIG_BYTES})` : read.message;
      throw new DiagnosticError({ code: 'RPN1701', severity: 'error', message: `cannot read config '${config}': ${why}`, hint: 'check the path' });
    }
    const text = read.text;
    rememberSource(config, text); // code frames come from this text
    const res = importConfig(text, { format: /\.json$/i.test(config) ? 'json' : 'yaml', fileName: config });
    const errors = res.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) reportAndExit(res.diagnostics);
    printDiagnostics(res.diagnostics); // (warnings: not with --quiet)
    writeFileAtomic(out, new TextEncoder().encode(res.source));
    info(`wrote ${out} (from ${config}); build it with: rpnc build ${out}`);
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
