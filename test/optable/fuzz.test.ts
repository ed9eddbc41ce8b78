/**
 * A committed sample of the op fuzzer's random calls (tools/fuzz/ops.ts), replayed against
 * PyTorch 1.13's results on every backend: the calls carry their own inputs and arguments
 * (test/fixtures/torch/optable-fuzz.json, written by `npm run fuzz:ops -- --write`), so the sample
 * stays valid while the generator changes. The full random comparison needs PyTorch and runs
 * outside `npm test`: `npm run fuzz:ops -- --n 5000 --seed 1`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as nb from '../../src/index.js';
import { OP_TABLE, type Sample, decodeJson, findOp } from '../../src/optable/index.js';
import { onBackend } from '../helpers/backend.js';
import { type FixtureSample, compareWithTorch } from '../helpers/optable.js';
import { SPECS } from '../../tools/fuzz/specs.js';

type Call = Sample & Omit<FixtureSample, 'name' | 'key'>;

const fixture = decodeJson<{ generator: string; ops: Record<string, Call[]> }>(
  readFileSync(new URL('../fixtures/torch/optable-fuzz.json', import.meta.url), 'utf8'),
);

for (const backend of nb.availableBackends()) {
  test(`random op calls equal PyTorch on the '${backend}' backend (${Object.values(fixture.ops).reduce((n, c) => n + c.length, 0)} calls)`, () => {
    const problems: string[] = [];
    onBackend(backend, () => {
      for (const [name, calls] of Object.entries(fixture.ops)) {
        const op = findOp(name);
        if (op === undefined) {
          problems.push(`${name}: no such op in the table`);
          continue;
        }
        for (const c of calls) for (const p of compareWithTorch(op, c, c)) problems.push(`${name} ${c.name}: ${p}`);
      }
    });
    if (problems.length > 0) throw new Error(`${problems.length} disagreements:\n  ${problems.slice(0, 40).join('\n  ')}`);
  });
}

test('the sample covers every op of the table, and every op has a random-call generator', () => {
  const rows = OP_TABLE.map((op) => op.name);
  assert.deepEqual(rows.filter((n) => SPECS[n] === undefined), []);
  assert.deepEqual(rows.filter((n) => !(n in fixture.ops) && n !== 'oneHot'), []);
});
