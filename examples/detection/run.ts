/**
 * Digit detection on cluttered canvases with a grid-cell (tiny-YOLO-style) detector.
 *
 *   npx tsx examples/detection/run.ts [--quick] [--epochs 10] [--train 8000] [--test 2000] [--seed 0]
 */
import { parseArgs } from 'node:util';
import { runDetection } from './detect.js';

const { values: a } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false }, epochs: { type: 'string' }, train: { type: 'string' }, test: { type: 'string' },
    width: { type: 'string' }, lr: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
  },
});
const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
const r = await runDetection({
  quick: a.quick, epochs: num(a.epochs), train: num(a.train), test: num(a.test), width: num(a.width), lr: num(a.lr), seed: num(a.seed),
  ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = r.apAgnostic > r.baselineAP ? 0 : 1;
