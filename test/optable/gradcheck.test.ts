/**
 * Float64 finite differences for every differentiable row of the op table: each float64 sample
 * with finite values (samples on a kink or at edge values opt out) is checked by nb.gradcheck.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { OP_TABLE, gradcheckFn, gradcheckSamples, leafOf, wantsGrad } from '../../src/optable/index.js';

for (const op of OP_TABLE) {
  const samples = gradcheckSamples(op);
  if (samples.length === 0) continue;
  test(`gradcheck ${op.name} (${samples.length} float64 samples)`, () => {
    for (const s of samples) {
      const leaves = s.inputs.map((i) => leafOf(i, wantsGrad(op, i)));
      try {
        nb.gradcheck(gradcheckFn(op, s), leaves, op.gradcheck);
      } catch (e) {
        throw new Error(`${op.name} / ${s.name}: ${(e as Error).message}`);
      }
    }
  });
}

test('every differentiable op has at least one gradcheck sample', () => {
  const missing = OP_TABLE.filter((op) => op.differentiable && gradcheckSamples(op).length === 0).map((op) => op.name);
  assert.deepEqual(missing, []);
});
