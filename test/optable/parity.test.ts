/**
 * Backend parity over the op table: every sample (also the ones without a PyTorch fixture, such
 * as the documented deviations) gives the same outputs, gradients and errors on every backend as
 * on the TypeScript reference. A new backend only has to register itself to be checked.
 */
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { OP_TABLE } from '../../src/optable/index.js';
import { onBackend } from '../helpers/backend.js';
import { compareOutcomes, runOutcome } from '../helpers/optable.js';

const others = nb.availableBackends().filter((b) => b !== 'ts');

for (const backend of others) {
  test(`every op-table sample agrees between 'ts' and '${backend}'`, () => {
    const problems: string[] = [];
    for (const op of OP_TABLE) {
      for (const s of op.samples) {
        const ref = onBackend('ts', () => runOutcome(op, s));
        const mine = onBackend(backend, () => runOutcome(op, s));
        const low = s.inputs.some((i) => i.dtype === 'float32');
        for (const p of compareOutcomes(mine, ref, (s.tol ?? 1) * (op.tol ?? 1), low ? 'float32' : undefined)) problems.push(`${op.name} / ${s.name}: ${p}`);
      }
    }
    if (problems.length > 0) throw new Error(`'${backend}' differs from 'ts':\n  ${problems.join('\n  ')}`);
  });
}
