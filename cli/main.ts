#!/usr/bin/env node
/**
 * The rpnc command line. Thin: every command calls the library and prints.
 * Exit codes: 0 ok, 1 model errors, 2 usage, 3 internal/runtime (see compiler/diagnostics.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../compiler/version.js';
import { buildCommand, checkCommand, runCommand } from './commands.js';
import { reportAndExit } from './report.js';

const program = new Command();
program
  .name('rpnc')
  .description('Ahead-of-time compiler for Reconciled Polynomial Networks (tinybig) to ONNX')
  .version(VERSION, '-v, --version')
  .showSuggestionAfterError(true)
  .exitOverride()
  // Commander's own error lines are replaced by rpnc diagnostics below; help text still goes out.
  .configureOutput({ writeErr: (s) => void (s.startsWith('error:') ? undefined : process.stderr.write(s)) });

program
  .command('build')
  .description('compile a model file to ONNX (the reconciliation ψ(w) folded into constants)')
  .argument('<model.ts>', 'the model file (TypeScript DSL; its default export is the model)')
  .option('-o, --output <file>', 'output ONNX file (default: the model file with .onnx)')
  .option('-w, --weights <file...>', 'safetensors checkpoint(s) with tinybig state_dict names (merged)')
  .option('--seed <n>', 'seed of rpnc\'s deterministic initialisation when no --weights are given', '0')
  .option('--no-fold', 'keep the fabrication ψ(w) as ONNX operations instead of folding it')
  .addOption(new Option('--emit <what>', 'what to produce: the ONNX file, or the IR text on stdout').choices(['onnx', 'ir']).default('onnx'))
  .addHelpText('after', `
Examples:
  rpnc build model.ts                              # -> model.onnx, seeded weights
  rpnc build model.ts -w ckpt.safetensors -o m.onnx
  rpnc build model.ts --emit ir                    # print the optimised IR`)
  .action(buildCommand);

program
  .command('run')
  .description('run a compiled ONNX model on an input tensor with ONNX Runtime')
  .argument('<model.onnx>', 'the ONNX file')
  .requiredOption('-i, --input <file>', 'input tensor (.npy, .json or .safetensors with a tensor named "input"), shape [batch, m]')
  .option('-o, --output <file>', 'write the output tensor (.npy, .json or .safetensors); default: JSON on stdout')
  .addOption(new Option('--ep <provider>', 'execution provider').choices(['cpu', 'cuda', 'auto']).default('cpu'))
  .option('--device-id <n>', 'CUDA device id', '0')
  .addHelpText('after', `
Examples:
  rpnc run model.onnx --input x.npy --output y.npy
  rpnc run model.onnx --input x.json --ep cuda`)
  .action(runCommand);

program
  .command('check')
  .description('compile, then compare ONNX Runtime, the reference interpreter and golden outputs')
  .argument('<model.ts>', 'the model file')
  .option('-w, --weights <file...>', 'safetensors checkpoint(s)')
  .option('--seed <n>', 'seed for initialisation (no --weights) and for the random input (no --golden)', '0')
  .option('-g, --golden <file>', 'golden io.safetensors with tensors "input" and "output" (e.g. from real tinybig)')
  .option('--batch <n>', 'rows of the random input when no --golden is given', '4')
  .option('--no-fold', 'check the unfolded graph')
  .option('--atol <x>', 'absolute tolerance', '1e-5')
  .option('--rtol <x>', 'relative tolerance', '1e-4')
  .addOption(new Option('--ep <provider>', 'execution provider').choices(['cpu', 'cuda', 'auto']).default('cpu'))
  .option('--device-id <n>', 'CUDA device id', '0')
  .addHelpText('after', `
Examples:
  rpnc check model.ts -w weights.safetensors --golden io.safetensors
  rpnc check model.ts --seed 3 --batch 8`)
  .action(checkCommand);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    if (e.code === 'commander.help') process.exit(2); // `rpnc` without a command: help on stderr, usage exit code
    const msg = e.message.replace(/^error: /, '');
    reportAndExit([{ code: 'RPN6001', severity: 'error', message: msg, hint: 'run `rpnc --help` or `rpnc <command> --help` for the options' }]);
  }
  reportAndExit(e);
}
