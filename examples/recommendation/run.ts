/**
 * Recommendation on real ratings (InstEval from Debian's r-cran-lme4): matrix factorisation and
 * a neural recommender against the global-mean and user+item-bias baselines.
 *
 *   examples/recommendation/fetch-data.sh        # once: the data out of the r-cran-lme4 .deb (not installed)
 *   npx tsx examples/recommendation/run.ts [--quick] [--epochs 25] [--k 16] [--lambda 0.02] [--seed 0]
 */
import { parseArgs } from 'node:util';
import { runRecommendation } from './recommend.js';

const { values: a } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, epochs: { type: 'string' }, k: { type: 'string' }, lambda: { type: 'string' }, seed: { type: 'string' }, dir: { type: 'string' }, out: { type: 'string' } },
});
const r = await runRecommendation({
  quick: a.quick, ...(a.epochs ? { epochs: Number(a.epochs) } : {}), ...(a.k ? { k: Number(a.k) } : {}), ...(a.lambda ? { lambda: Number(a.lambda) } : {}), ...(a.seed ? { seed: Number(a.seed) } : {}),
  ...(a.dir ? { dir: a.dir } : {}), ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = r.mf < r.globalMean && r.neural < r.globalMean ? 0 : 1;
