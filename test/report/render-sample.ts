/**
 * Renders a sample training report with made-up metrics and real MNIST digits (the shipped digits, nb.data.mnist()), to
 * look at by eye: `npx tsx test/report/render-sample.ts /tmp/report.html`.
 * Not a test (no `.test.ts`); the report tests check the same code paths.
 */
import { mnist } from '../../src/data/mnist-node.js';
import {
  confusionMatrix, convFiltersSection, featureMapsSection, gradientNormSection, writeTrainingReport,
  heatmap, type EpochRecord, type MisclassifiedSample,
} from '../../src/report/index.js';


let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

const out = process.argv[2] ?? '/tmp/report.html';
const history: EpochRecord[] = Array.from({ length: 10 }, (_, i) => ({
  epoch: i + 1,
  trainLoss: 0.9 * Math.exp(-i / 2.5) + 0.03 + 0.01 * rand(),
  trainAcc: 0.99 - 0.12 * Math.exp(-i / 2),
  testLoss: 0.85 * Math.exp(-i / 3) + 0.09 + 0.01 * rand(),
  testAcc: 0.965 - 0.1 * Math.exp(-i / 2) + 0.003 * rand(),
  time: 2.1 + 0.2 * rand(),
}));
const steps = Array.from({ length: 3000 }, (_, s) => ({ step: s + 1, loss: 2.3 * Math.exp(-s / 400) + 0.05 + 0.15 * rand() }));

const digits = mnist().test;
const n = Math.min(1000, digits.length);
const target = new Int32Array(n);
const pred = new Int32Array(n);
const mis: MisclassifiedSample[] = [];
const xs = digits.tensors[0].data();
const ys = digits.tensors[1].data();
Array.from({ length: n }, (_, k) => k).forEach((k) => {
  const s = { input: Array.from(xs.subarray(k * 784, (k + 1) * 784)) };
  const t = ys[k]!;
  target[k] = t;
  const wrong = rand() < 0.04;
  pred[k] = wrong ? (t + 1 + Math.floor(rand() * 9)) % 10 : t;
  if (wrong && mis.length < 24) mis.push({ pixels: s.input, width: 28, height: 28, trueLabel: t, predLabel: pred[k]!, prob: 0.4 + 0.55 * rand() });
});
const labels = Array.from({ length: 10 }, (_, i) => String(i));

// A fake 8x1x5x5 conv: oriented edge detectors plus noise.
const filt = new Float32Array(8 * 25);
for (let o = 0; o < 8; o++) {
  const a = (o * Math.PI) / 8;
  for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) filt[o * 25 + y * 5 + x] = 0.3 * Math.cos(a) * (x - 2) / 2 + 0.3 * Math.sin(a) * (y - 2) / 2 + 0.05 * (rand() - 0.5);
}
const sample = xs.subarray(0, 784);
const maps = new Float32Array(8 * 24 * 24);
for (let o = 0; o < 8; o++) for (let y = 0; y < 24; y++) for (let x = 0; x < 24; x++) {
  let s = 0;
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) s += filt[o * 25 + i * 5 + j]! * sample[(y + i) * 28 + x + j]!;
  maps[o * 576 + y * 24 + x] = Math.max(0, s);
}

const grads = [10, 50, 100].flatMap((T) => [
  { model: 'RNN', T, norm: Math.pow(0.75, T) },
  { model: 'LSTM', T, norm: 0.4 * Math.pow(0.99, T) },
]);
const weightHeat = await heatmap({
  title: 'A 6x8 weight block', scheme: 'diverging',
  values: Array.from({ length: 6 }, () => Array.from({ length: 8 }, () => rand() * 2 - 1)),
});

await writeTrainingReport(out, {
  runName: 'mlp-mnist-sample',
  config: { model: 'mlp', dataset: 'mnist', hidden: [128, 64], epochs: 10, lr: 0.001, optimizer: 'Adam', 'batch size': 64, seed: 0, backend: 'ts' },
  history,
  steps,
  confusion: { matrix: confusionMatrix(pred, target, 10), labels },
  misclassified: mis,
  extraSections: [
    convFiltersSection({ weights: filt, shape: [8, 1, 5, 5] }),
    featureMapsSection({ sample: { pixels: sample, width: 28, height: 28 }, acts: maps, shape: [8, 24, 24] }),
    await gradientNormSection({
      byLength: grads,
      perStep: ['RNN', 'LSTM'].map((m) => ({ model: m, points: Array.from({ length: 100 }, (_, t) => ({ t: t + 1, norm: m === 'RNN' ? Math.pow(0.75, 100 - t) : 0.4 * Math.pow(0.99, 100 - t) })) })),
    }),
    { heading: 'Heatmap', svg: weightHeat },
  ],
});
console.log(`wrote ${out}`);
