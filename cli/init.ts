/**
 * `rpnc init [dir] [--name model] [--force]`: a starter model file that builds, and a short how-to.
 * Refuses to overwrite existing files without --force (usage error, nothing written).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../compiler/weights/atomic.js';
import { reportAndExit, usage } from './report.js';
import { info } from './terminal.js';

/** The starter model: 4 features -> 8 hidden -> 3 classes, every component explained. */
export function starterModel(): string {
  return `// A starter RPN model for rpnc: 4 input features -> 8 hidden features -> 3 class probabilities.
//
// An RPN head computes  y = σ( ⟨κ(x), ψ(w)⟩ + π(x) ):
//   κ  data expansion        (dataTransformation)     x ∈ R^m  ->  κ(x) ∈ R^D
//   ψ  parameter reconciliation (parameterFabrication) a few parameters w  ->  an (n × D) matrix
//   π  remainder             (remainder)              a residual term in R^n
//   σ  output processing     (outputProcessFunctions) e.g. relu(), softmax()
// rpnc folds ψ(w) into a constant at compile time. This file is read statically (never run):
// consts, arithmetic, arrays and helper functions are fine; imports only from 'rpnc' and ./*.ts.
// Every factory and option: docs/components.md; tinybig names -> rpnc names: docs/tinybig-mapping.md.
import { rpn, layer, head, taylorExpansion, identityExpansion, lorrReconciliation, identityReconciliation, linearRemainder, zeroRemainder, relu, softmax } from 'rpnc';

const features = 4; // m of the first layer: the width of the input x [batch, 4]
const hidden = 8;
const classes = 3; // n of the last layer: the width of the output y [batch, 3]

export default rpn({
  layers: [
    // Layer 1: Taylor expansion of degree 2 (D = 4 + 4² = 20 features), a low-rank (r = 2)
    // reconciliation of the 8 × 20 weight matrix, a linear remainder, then ReLU.
    layer({
      m: features,
      n: hidden,
      heads: [
        head({
          m: features,
          n: hidden,
          dataTransformation: taylorExpansion({ d: 2 }),
          parameterFabrication: lorrReconciliation({ r: 2 }),
          remainder: linearRemainder(),
          outputProcessFunctions: [relu()],
        }),
      ],
    }),
    // Layer 2: a plain linear map with bias (identity expansion and reconciliation), then softmax.
    layer({
      m: hidden,
      n: classes,
      heads: [
        head({
          m: hidden,
          n: classes,
          dataTransformation: identityExpansion(),
          parameterFabrication: identityReconciliation({ enableBias: true }),
          remainder: zeroRemainder(),
          outputProcessFunctions: [softmax({ dim: -1 })],
        }),
      ],
    }),
  ],
});
`;
}

/** HOWTO.md for a model file named `file`. */
export function howto(file: string): string {
  const base = file.replace(/\.ts$/, '');
  return `# ${file}: build, check and run it with rpnc

\`${file}\` is an RPN model written in rpnc's TypeScript DSL (4 inputs -> 8 -> 3 classes). rpnc reads it
statically and compiles it to ONNX. For editor completion and type checking of the DSL, install rpnc
in this folder: \`npm install rpnc\` (the compiler itself does not need it).

## Build

\`\`\`bash
npx rpnc build ${file}                  # -> ${base}.onnx beside it, seeded weights (--seed 0)
npx rpnc build ${file} --emit ir        # print the optimised IR instead
npx rpnc build ${file} --verbose        # with the time of every compiler phase
\`\`\`

## Check

\`\`\`bash
npx rpnc check ${file}                  # ONNX Runtime vs rpnc's reference interpreter, random input
npx rpnc check ${file} -w weights.safetensors --golden io.safetensors   # and vs tinybig's outputs
\`\`\`

## Run

\`\`\`bash
echo '[[0.1, -0.2, 0.3, 0.4]]' > x.json
npx rpnc run ${base}.onnx -i x.json     # prints y [1, 3] as JSON (rows sum to 1: softmax)
\`\`\`

From Node.js:

\`\`\`js
import { compile, createSession, runSession } from 'rpnc';
const { onnx } = compile('${file}');
const session = await createSession(onnx, { ep: 'cpu' });
const y = await runSession(session, { shape: [1, 4], data: Float32Array.from([0.1, -0.2, 0.3, 0.4]) });
\`\`\`

## Weights

Without \`-w\`, parameters come from rpnc's deterministic initialisation (\`--seed N\`), which is for
trying things out. To deploy a trained tinybig model, save its \`state_dict\` as safetensors in Python
and pass it with \`-w\`:

\`\`\`python
from safetensors.torch import save_file
save_file(model.state_dict(), "weights.safetensors")
\`\`\`

The keys are tinybig's own (\`layers.0.heads.0.w\`, \`layers.0.heads.0.w_remainder\`, …); rpnc names
any missing, unknown or wrongly shaped key. The model file must describe the same architecture.

## Next steps

* change the expansion (\`chebyshevExpansion\`, \`bsplineExpansion\`, …) or the reconciliation
  (\`lphmReconciliation\`, \`dualLphmReconciliation\`, …): every factory is in rpnc's docs/components.md;
* \`mlp({ dims: [4, 8, 3] })\`, \`kan(…)\` and friends build whole models in one call;
* \`rpnc <command> --help\` lists every option with examples.
`;
}

export function initCommand(dir: string | undefined, opts: { name: string; force?: boolean }): void {
  const name = opts.name.replace(/\.ts$/, '');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) usage(`--name '${opts.name}' is not a plain file name`, 'e.g. --name classifier (writes classifier.ts)');
  const target = path.resolve(dir ?? '.');
  if (fs.existsSync(target) && !fs.statSync(target).isDirectory()) usage(`'${dir}' exists and is not a directory`, 'pass a new or existing directory');
  const files = [
    { file: path.join(target, `${name}.ts`), text: starterModel() },
    { file: path.join(target, 'HOWTO.md'), text: howto(`${name}.ts`) },
  ];
  const existing = files.filter((f) => fs.existsSync(f.file)).map((f) => path.relative(process.cwd(), f.file) || f.file);
  if (existing.length && !opts.force) usage(`${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written`, 'pass --force to overwrite, or choose another directory or --name');
  try {
    fs.mkdirSync(target, { recursive: true });
    for (const f of files) writeFileAtomic(f.file, Buffer.from(f.text, 'utf8'));
  } catch (e) {
    reportAndExit(e); // RPN3011 from writeFileAtomic, or mkdir's error
  }
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  info(`wrote ${rel(files[0].file)} and ${rel(files[1].file)}; next: rpnc build ${rel(files[0].file)}`);
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('write a starter model file (documented, ready to build) and a short HOWTO.md')
    .argument('[dir]', 'directory to write into (created if missing)', '.')
    .option('-n, --name <name>', 'name of the model file, without .ts', 'model')
    .option('-f, --force', 'overwrite existing files')
    .addHelpText('after', `
Examples:
  rpnc init                        # ./model.ts and ./HOWTO.md
  rpnc init my-model               # my-model/model.ts and my-model/HOWTO.md
  rpnc init . --name classifier    # ./classifier.ts
  rpnc init my-model --force       # overwrite what is there`)
    .action(initCommand);
}
