/**
 * Segmentation of Fashion-MNIST items on cluttered canvases with a small U-Net.
 *
 *   npx tsx examples/segmentation/run.ts [--quick] [--epochs 12] [--train 12000] [--test 2000] [--seed 0] [--out runs/segmentation]
 *
 * Needs Debian's dataset-fashion-mnist. Exits non-zero if the U-Net does not beat the threshold baseline.
 */
import { parseArgs } from 'node:util';
import { runSegmentation } from './segment.js';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    epochs: { type: 'string' }, train: { type: 'string' }, test: { type: 'string' },
    width: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  },
});
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const r = await runSegmentation({
  quick: a.quick, epochs: num(a.epochs), train: num(a.train), test: num(a.test), width: num(a.width), lr: num(a.lr), seed: num(a.seed),
  ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = r.meanIoU > r.baselineIoU ? 0 : 1;
