/**
 * Breast-mass diagnosis (Wisconsin table) with an MLP beside logistic regression, cross-validated.
 *
 *   examples/biomedicine/fetch-data.sh            # once: the CSV from Debian's python3-sklearn (not installed)
 *   npx tsx examples/biomedicine/run.ts [--quick] [--folds 10] [--repeats 5] [--epochs 300] [--seed 0]
 */
import { parseArgs } from 'node:util';
import { runBiomedicine } from './biomedicine.js';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, folds: { type: 'string' }, repeats: { type: 'string' }, epochs: { type: 'string' },
    seed: { type: 'string' }, csv: { type: 'string' }, out: { type: 'string' },
  },
});
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const r = await runBiomedicine({
  quick: a.quick, folds: num(a.folds), repeats: num(a.repeats), epochs: num(a.epochs), seed: num(a.seed),
  ...(a.csv ? { csv: a.csv } : {}), ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = r.mlp.accuracy > r.majority && r.mlp.auc > 0.9 ? 0 : 1;
