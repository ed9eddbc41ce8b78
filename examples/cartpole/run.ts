/**
 * CartPole solved by an actor-critic agent.
 *
 *   npx tsx examples/cartpole/run.ts [--quick] [--max-episodes 5000] [--seed 0] [--out runs/cartpole]
 *
 * Exits non-zero if the full run does not reach the 195-over-100-episodes bar (quick: if the
 * agent does not beat the random policy by a factor of 3).
 */
import { parseArgs } from 'node:util';
import { runCartPole } from './cartpole.js';

const { values: a } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'max-episodes': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' } },
});
const r = await runCartPole({
  quick: a.quick,
  ...(a['max-episodes'] ? { maxEpisodes: Number(a['max-episodes']) } : {}),
  ...(a.seed ? { seed: Number(a.seed) } : {}),
  ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = (a.quick ? r.lastHundredMean > 3 * r.randomMean : r.solvedAt !== null) ? 0 : 1;
