/** `rpnc export triton <model.onnx> --repo <dir>`: a Triton Inference Server model repository (compiler/deploy/triton.ts). */
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { diag } from '../compiler/diagnostics.js';
import { writeTritonRepo } from '../compiler/deploy/triton.js';
import { reportAndExit, usage } from './report.js';
import { info, note, printDiagnostics } from './terminal.js';

export function intOpt(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) usage(`option ${name} must be an integer ≥ ${min}, got '${v}'`, `e.g. ${name} ${Math.max(min, 1)}`);
  return n;
}

export function intList(name: string, v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!parts.length) usage(`option ${name} needs a comma-separated list of integers ≥ 1, got '${v}'`, `e.g. ${name} 8,32`);
  return parts.map((p) => intOpt(name, p, 1)!);
}

interface TritonFlags {
  repo: string;
  name?: string;
  instanceKind: 'cpu' | 'gpu';
  instances: string;
  maxBatch?: string;
  preferredBatch?: string;
  maxQueueDelayUs?: string;
  tensorrt?: boolean;
}

export async function exportTritonCommand(model: string, opts: TritonFlags): Promise<void> {
  if (!/\.onnx$/.test(model)) usage(`'${model}' is not an ONNX file`, 'build it first: rpnc build model.ts -o model.onnx, then rpnc export triton model.onnx --repo models');
  const instances = intOpt('--instances', opts.instances, 1)!;
  const maxBatch = intOpt('--max-batch', opts.maxBatch, 1);
  const preferredBatchSizes = intList('--preferred-batch', opts.preferredBatch);
  const maxQueueDelayUs = intOpt('--max-queue-delay-us', opts.maxQueueDelayUs, 0);
  try {
    const w = writeTritonRepo(model, opts.repo, { name: opts.name, instanceKind: opts.instanceKind, instances, maxBatch, preferredBatchSizes, maxQueueDelayUs, tensorrt: opts.tensorrt });
    if (w.info.kind !== 'independent' && (maxBatch !== undefined || preferredBatchSizes !== undefined || maxQueueDelayUs !== undefined)) {
      printDiagnostics([diag('RPN7007', `--max-batch / --preferred-batch / --max-queue-delay-us ignored for '${w.name}': ${w.info.reason}`, { severity: 'warning', hint: 'its config has max_batch_size: 0 and no dynamic_batching' })]);
    }
    info(`wrote ${w.files.map((f) => path.relative('.', f) || f).join(', ')}`);
    const batching = w.info.kind === 'independent' ? `max_batch_size ${maxBatch ?? 64}, dynamic batching` : `max_batch_size 0, no dynamic batching (${w.info.reason})`;
    note(`Triton model '${w.name}': ${batching}; serve it with: rpnc serve ${opts.repo}  (or: tritonserver --model-repository=${path.resolve(opts.repo)})`);
  } catch (e) {
    reportAndExit(e);
  }
}

export function registerExport(program: Command): void {
  const exp = program
    .command('export')
    .description('export a compiled model for a serving system (triton)')
    .addHelpText('after', `
Examples:
  rpnc export triton model.onnx --repo models     # models/model/config.pbtxt + models/model/1/model.onnx
  rpnc export triton --help                        # the options`);
  exp
    .command('triton')
    .description('write a Triton Inference Server model repository: <repo>/<name>/config.pbtxt and <repo>/<name>/1/model.onnx')
    .argument('<model.onnx>', 'an ONNX file built by `rpnc build` (its .data file alongside, if it has external data)')
    .requiredOption('--repo <dir>', 'the model repository directory (created if missing; other models in it are kept)')
    .option('--name <name>', "the model's name in the repository (default: the ONNX file's base name)")
    .addOption(new Option('--instance-kind <kind>', 'instance_group kind: KIND_CPU or KIND_GPU').choices(['cpu', 'gpu']).default('cpu'))
    .option('--instances <n>', 'instance_group count (model instances Triton runs in parallel)', '1')
    .option('--max-batch <n>', 'row-independent models only: max_batch_size (default 64)')
    .option('--preferred-batch <a,b>', 'row-independent models only: dynamic_batching preferred_batch_size list (default none)')
    .option('--max-queue-delay-us <t>', 'row-independent models only: dynamic_batching max_queue_delay_microseconds (default 0)')
    .option('--tensorrt', "add ONNX Runtime's TensorRT accelerator (FP16) for GPU instances (default: when the model is float16, rpnc build --precision fp16)")
    .addHelpText('after', `
Row-independent models get max_batch_size > 0 (dims without the batch axis) and dynamic_batching.
Batch-coupled and fixed-batch models (an instance interdependence, or ONNX metadata
rpnc.rows_independent = "false") get max_batch_size: 0, full dims and no dynamic batching, with a
comment saying why: merging their requests would change the answers. The text is deterministic.

Examples:
  rpnc build model.ts -o model.onnx && rpnc export triton model.onnx --repo models
  rpnc export triton model.onnx --repo models --name mnist --instance-kind gpu --instances 2
  rpnc export triton model.onnx --repo models --max-batch 128 --preferred-batch 32,128 --max-queue-delay-us 500
  rpnc serve models                                 # the same repository over KServe v2, locally`)
    .action(exportTritonCommand);
}
