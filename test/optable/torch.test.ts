/**
 * Every sample of the op table, on every backend, against PyTorch 1.13 (the committed fixture
 * test/fixtures/torch/optable.json; regenerate with `npm run fixtures:optable`). A sample where
 * nabla differs on purpose names its entry of the documented deviations and is checked in
 * deviations.test.ts instead.
 */
import { test } from 'node:test';
import * as nb from '../../src/index.js';
import { DEVIATIONS, OP_TABLE } from '../../src/optable/index.js';
import { onBackend } from '../helpers/backend.js';
import { checkAgainstTorch, fixtureOf } from '../helpers/optable.js';

const BACKENDS = nb.availableBackends();

for (const backend of BACKENDS) {
  for (const op of OP_TABLE) {
    test(`${op.name} equals PyTorch on the '${backend}' backend (${op.samples.length} samples)`, () => {
      const fx = fixtureOf(op.name);
      const problems: string[] = [];
      onBackend(backend, () => {
        for (const s of op.samples) {
          if (s.deviation !== undefined) {
            if (!DEVIATIONS.some((d) => d.id === s.deviation)) problems.push(`${s.name}: unknown deviation '${s.deviation}'`);
            continue;
          }
          for (const p of checkAgainstTorch(op, s, fx.get(s.name))) problems.push(`${s.name}: ${p}`);
        }
      });
      if (problems.length > 0) throw new Error(`${op.name} on '${backend}':\n  ${problems.join('\n  ')}`);
    });
  }
}
