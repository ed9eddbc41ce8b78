/**
 * Numbers translated between English words and Chinese numerals by a small Transformer.
 *
 *   npx tsx examples/translation/run.ts [--quick] [--max-number 100000] [--test 2000] [--steps 3000] [--seed 0] [--out runs/translation]
 *
 * Exits non-zero unless the held-out exact match beats the nearest-neighbour baseline and the
 * token error rate is below the baseline's.
 */
import { parseArgs } from 'node:util';
import { runTranslation } from './translate.js';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, 'max-number': { type: 'string' }, test: { type: 'string' }, steps: { type: 'string' },
    batch: { type: 'string' }, dim: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  },
});
const num = (k: keyof typeof a) => (a[k] === undefined ? undefined : Number(a[k]));
const r = await runTranslation({
  quick: a.quick,
  ...(a['max-number'] ? { maxNumber: num('max-number')! } : {}),
  ...(a.test ? { testCount: num('test')! } : {}),
  ...(a.steps ? { steps: num('steps')! } : {}),
  ...(a.batch ? { batchSize: num('batch')! } : {}),
  ...(a.dim ? { dModel: num('dim')! } : {}),
  ...(a.lr ? { lr: num('lr')! } : {}),
  ...(a.seed ? { seed: num('seed')! } : {}),
  ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = r.accuracy > r.baseline.accuracy && r.tokenErrorRate < r.baseline.tokenErrorRate ? 0 : 1;
