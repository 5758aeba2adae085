#!/usr/bin/env node
/**
 * The rpnc command line. Thin: every command calls the library and prints.
 * Exit codes: 0 ok, 1 model errors, 2 usage, 3 internal/runtime (see compiler/diagnostics.ts).
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../compiler/version.js';
import { buildCommand, checkCommand, runCommand } from './commands.js';
import { registerInspect } from './inspect.js';
import { reportAndExit, setJsonOutput } from './report.js';
import { registerInit } from './init.js';
import { registerImport } from './import.js';
import { registerExport } from './export.js';
import { registerServe } from './serve.js';
import { registerProfile } from './profile.js';
import { configureTerminal } from './terminal.js';
import { onTempFile, removeTempFiles } from '../compiler/weights/atomic.js';
import { PASS_NAMES } from '../ir/passes/index.js';

/** `--disable-pass` is repeatable: collect every value. */
const collectPass = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A repeatable option: each `-w file` adds one file (a variadic `-w a b` would swallow the model path after it). */
const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

const program = new Command();
program
  .name('rpnc')
  .description('Ahead-of-time compiler for Reconciled Polynomial Networks (tinybig) to ONNX')
  .version(VERSION, '-v, --version')
  .option('-q, --quiet', 'print errors only (no warnings, notes, "wrote …" lines or progress)')
  .option('--verbose', 'print the wall time of every compiler phase and pass statistics on stderr')
  .hook('preAction', () => configureTerminal(program.opts()))
  .configureHelp({ showGlobalOptions: true }) // `rpnc build --help` lists --quiet / --verbose too
  .addHelpText('after', `
Examples:
  rpnc init my-model && cd my-model    # a starter model.ts and a HOWTO.md
  rpnc build model.ts                  # -> model.onnx beside it
  rpnc check model.ts --verbose        # ONNX Runtime vs the reference interpreter, with timings
  rpnc <command> --help                # the options of one command`)
  .showSuggestionAfterError(true)
  .exitOverride()
  // Commander's own error lines are replaced by rpnc diagnostics below; help text still goes out.
  .configureOutput({ writeErr: (s) => void (s.startsWith('error:') ? undefined : process.stderr.write(s)) });

program
  .command('build')
  .description('compile a model file to ONNX (the reconciliation ψ(w) folded into constants)')
  .argument('<model.ts>', 'the model file (TypeScript DSL; its default export is the model)')
  .option('-o, --output <file>', 'output ONNX file (default: the model file with .onnx)')
  .option('-w, --weights <file>', 'checkpoint with tinybig state_dict names: torch.save (save_ckpt) or safetensors, by content (repeat -w for several: merged)', collect)
  .option('--seed <n>', 'seed of rpnc\'s deterministic initialisation when no --weights are given', '0')
  .option('--no-fold', 'keep the fabrication ψ(w) as ONNX operations instead of folding it')
  .option('--no-opt', 'no optimisations: the plain dense fabrication W, only constant folding and dead-code elimination')
  .addOption(new Option('--optimize <goal>', 'fabrication strategy by cost: speed (fastest for --batch-hint) or size (keep the factors, smallest file)').choices(['speed', 'size']).default('speed'))
  .option('--batch-hint <n>', "batch size the speed cost model optimises for (integer ≥ 1; default 1, or the model's fixed batch)")
  .option('--passes <a,b,c>', `run exactly these IR passes, in this order (${PASS_NAMES.join(', ')})`)
  .option('--disable-pass <name>', 'drop one pass from the pipeline (repeatable; names as for --passes)', collectPass)
  .option('--after <pass>', 'with --emit ir: print the IR right after the last change made by this pass')
  .addOption(new Option('--emit <what>', 'what to produce: the ONNX file, or the IR text on stdout').choices(['onnx', 'ir']).default('onnx'))
  .option('--json', 'one JSON document on stdout: { ok, output, bytes, inputs, outputs, diagnostics } (docs/cli.md)')
  .addOption(new Option('--precision <p>', 'fp16: weights and compute in float16 (for the CUDA EP), input/output stay float32').choices(['fp32', 'fp16']).default('fp32'))
  .addOption(new Option('--io-precision <p>', 'with --precision fp16: type of the input x and output y').choices(['fp32', 'fp16']).default('fp32'))
  .option('--external-data', 'store the tensors in <output>.data next to the ONNX file (automatic above 2 GB)')
  .option('--external-data-threshold <bytes>', 'tensor bytes above which external data is used automatically (also $RPNC_EXTERNAL_DATA_THRESHOLD)')
  .addHelpText('after', `
Examples:
  rpnc build model.ts --precision fp16 -o m16.onnx  # float16 weights and compute, for --ep cuda
  rpnc build model.ts --external-data              # -> model.onnx + model.onnx.<hash>.data
  rpnc build model.ts                              # -> model.onnx, seeded weights
  rpnc build model.ts -w ckpt/mlp_checkpoint       # tinybig's save_ckpt file (torch.save), as it is
  rpnc build model.ts -w ckpt.safetensors -o m.onnx
  rpnc build model.ts --emit ir                    # print the optimised IR
  rpnc build model.ts --emit ir --after linear-fusion-folding   # the IR right after that pass
  rpnc build model.ts --disable-pass gemm-formation # the default pipeline without one pass
  rpnc build model.ts --optimize size              # smallest file: factored ψ kept
  rpnc build model.ts --batch-hint 64              # fabrication chosen for batch 64
  rpnc build model.ts --json                       # result as JSON on stdout, logs on stderr`)
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
  .option('-w, --weights <file>', 'checkpoint: torch.save or safetensors (repeat -w for several: merged)', collect)
  .option('--seed <n>', 'seed for initialisation (no --weights) and for the random input (no --golden)', '0')
  .option('-g, --golden <file>', 'golden io.safetensors with tensors "input" and "output" (e.g. from real tinybig)')
  .option('--batch <n>', "rows of the random input when no --golden is given (default 4, or the model's fixed batch)")
  .option('--no-fold', 'check the unfolded graph')
  .option('--no-opt', 'no optimisations: the plain dense fabrication W, only constant folding and dead-code elimination')
  .addOption(new Option('--optimize <goal>', 'fabrication strategy by cost: speed (fastest for --batch-hint) or size (keep the factors, smallest file)').choices(['speed', 'size']).default('speed'))
  .option('--batch-hint <n>', "batch size the speed cost model optimises for (integer ≥ 1; default 1, or the model's fixed batch)")
  .option('--passes <a,b,c>', `run exactly these IR passes, in this order (${PASS_NAMES.join(', ')})`)
  .option('--disable-pass <name>', 'drop one pass from the pipeline (repeatable; names as for --passes)', collectPass)
  .option('--atol <x>', 'absolute tolerance (default 1e-5; 2e-2 with --precision fp16)')
  .option('--rtol <x>', 'relative tolerance (default 1e-4; 2e-2 with --precision fp16)')
  .addOption(new Option('--precision <p>', 'check the float16 build (rpnc build --precision fp16) with float16 tolerances').choices(['fp32', 'fp16']).default('fp32'))
  .addOption(new Option('--ep <provider>', 'execution provider').choices(['cpu', 'cuda', 'auto']).default('cpu'))
  .option('--device-id <n>', 'CUDA device id', '0')
  .option('--json', 'one JSON document on stdout: { ok, comparisons, diagnostics } (docs/cli.md)')
  .option('--intermediates', "also compare every layer's, head's and expansion's output with the reference and name the first that differs (RPN7102)")
  .addHelpText('after', `
Examples:
  rpnc check model.ts -w weights.safetensors --golden io.safetensors
  rpnc check model.ts --intermediates              # per layer / head / expansion: where the numbers part
  rpnc check model.ts --seed 3 --batch 8
  rpnc check model.ts --precision fp16 --ep cuda   # float16 model, tolerances 2e-2 + 2e-2·|b|
  rpnc check model.ts --json                       # comparisons as JSON on stdout`)
  .action(checkCommand);

registerInspect(program);
registerInit(program);
registerImport(program);
registerExport(program);
registerServe(program);
registerProfile(program);

// `--json` on build, check and inspect: one JSON document on stdout, also for usage errors (docs/cli.md)
const argv = process.argv.slice(2);
setJsonOutput(argv.includes('--json') && ['build', 'check', 'inspect', 'profile'].includes(argv.find((a) => !a.startsWith('-')) ?? ''));

// SIGINT/SIGTERM while an output is being written: remove the temporary file, exit 130/143. Armed at the
// first write only, so that a signal during the (synchronous) compilation still stops it at once.
let signalsArmed = false;
onTempFile(() => {
  onTempFile(undefined);
  signalsArmed = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => (removeTempFiles(), process.exit(code)));
});

try {
  await program.parseAsync(process.argv);
  // a signal that arrived during a synchronous write reaches its handler on the event loop's second turn
  if (signalsArmed) for (let turn = 0; turn < 2; turn++) await new Promise((r) => setImmediate(r));
} catch (e) {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') process.exit(0);
    if (e.code === 'commander.help') process.exit(2); // `rpnc` without a command: help on stderr, usage exit code
    const msg = e.message.replace(/^error: /, '');
    reportAndExit([{ code: 'RPN6001', severity: 'error', message: msg, hint: 'run `rpnc --help` or `rpnc <command> --help` for the options' }]);
  }
  reportAndExit(e);
}
