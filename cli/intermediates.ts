/** `rpnc check --intermediates`: the per-stage table (compiler/intermediates.ts). */
import { compareIntermediates, type IntermediatesReport } from '../compiler/intermediates.js';
import type { Tensor } from '../compiler/check.js';
import type { CompileResult } from '../compiler/compile.js';
import type { ExecutionProvider } from '../runtime/session.js';
import { readTensorFile } from '../runtime/io/tensor-file.js';
import { SeededRandom } from '../compiler/weights/store.js';
import { printHuman } from './report.js';
import { maxOf } from '../ir/arrays.js';

/** The input `check` used: the golden input, or the seeded U[-1, 1) matrix of compareBackends. */
export function checkInput(golden: string | undefined, seed: number, batch: number, m: number): Tensor {
  return golden ? readTensorFile(golden, { name: 'input' }) : { shape: [batch, m], data: new SeededRandom(seed).uniformTensor([batch, m], -1, 1) };
}

export async function intermediatesTable(res: CompileResult, input: Tensor, o: { atol: number; rtol: number; ep: ExecutionProvider; deviceId: number; onNote?: (m: string) => void }): Promise<IntermediatesReport> {
  const r = await compareIntermediates(res.spec, res.weights, res.model.graph, input, o);
  const w = maxOf(r.stages.map((s) => s.stage.length), 5);
  printHuman(`intermediate values (onnxruntime vs reference, model order):\n`);
  for (const s of r.stages) {
    const status = s.skipped ? `skipped: ${s.skipped}` : `max abs ${s.maxAbs.toExponential(2)}  ${s.ok ? 'ok' : s === r.firstMismatch ? 'MISMATCH  ← first divergence' : 'MISMATCH'}`;
    printHuman(`  ${s.stage.padEnd(w)}  [${s.shape.join(', ')}]  ${status}\n`);
  }
  return r;
}
