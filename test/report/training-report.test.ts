import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTrainingReport, trainingSummary, writeTrainingReport, type TrainingReportInput } from '../../src/report/training-report.js';
import { convFiltersSection, featureMapsSection, gradientNormSection } from '../../src/report/sections.js';

const input: TrainingReportInput = {
  runName: 'mlp-mnist',
  config: { model: 'mlp', dataset: 'mnist', hidden: [128, 64], lr: 0.01, shuffle: true },
  history: [
    { epoch: 1, trainLoss: 0.5, trainAcc: 0.85, testLoss: 0.4, testAcc: 0.9, time: 1.5 },
    { epoch: 2, trainLoss: 0.3, trainAcc: 0.92, testLoss: 0.3, testAcc: 0.95, time: 1.25 },
    { epoch: 3, trainLoss: 0.2, trainAcc: 0.95, testLoss: 0.32, testAcc: 0.94, time: 1.25 },
  ],
  steps: Array.from({ length: 1200 }, (_, i) => ({ step: i + 1, loss: 1 / (1 + i / 100) })),
  confusion: { matrix: [[9, 1], [2, 8]], labels: ['0', '1'] },
  misclassified: [
    { pixels: new Float32Array(16).fill(0.5), width: 4, height: 4, trueLabel: 7, predLabel: 1, prob: 0.83 },
    { pixels: new Float32Array(16), width: 4, height: 4, trueLabel: 3, predLabel: 8, prob: 0.51 },
  ],
  extraSections: [{ heading: 'Extra', text: 'more' }],
};

test('trainingSummary lists the settings, then final and best metrics and time', () => {
  const s = trainingSummary(input);
  assert.equal(s['run'], 'mlp-mnist');
  assert.equal(s['hidden'], '128, 64');
  assert.equal(s['shuffle'], 'true');
  assert.equal(s['epochs run'], 3);
  assert.equal(s['final test accuracy'], '94.00%');
  assert.equal(s['best test accuracy'], '95.00% (epoch 2)');
  assert.equal(s['training time'], '4.0 s (1.33 s/epoch)');
});

test('buildTrainingReport: curves, table, confusion matrix, misclassified samples, extras in order', async () => {
  const sections = await buildTrainingReport(input);
  assert.deepEqual(sections.map((s) => s.heading), [
    'Training curves', 'Per-epoch metrics', 'Confusion matrix', 'Misclassified test samples', 'Extra',
  ]);
  const curves = sections[0]!.svg as string[];
  assert.equal(curves.length, 3, 'loss, accuracy, per-step loss');
  assert.ok(curves[0]!.includes('Loss per epoch') && curves[1]!.includes('Accuracy per epoch') && curves[2]!.includes('Loss per step'));
  assert.ok(curves[2]!.includes('train (averaged)'), '1200 steps are averaged down');
  const table = sections[1]!.table!;
  assert.deepEqual(table.columns, ['epoch', 'train loss', 'train acc', 'test loss', 'test acc', 'time (s)']);
  assert.deepEqual(table.rows[1], [2, 0.3, '92.00%', 0.3, '95.00%', '1.25']);
  assert.ok(sections[2]!.text!.includes('Accuracy 85.00% on 20 samples'));
  assert.ok(sections[2]!.text!.includes('1 taken for 0 (2)'));
  assert.ok(sections[3]!.html!.includes('true 7, predicted 1 (p=0.83)'));
  assert.equal(sections[3]!.html!.match(/<img/g)?.length, 2);
});

test('buildTrainingReport without test metrics, confusion or samples still draws the loss', async () => {
  const sections = await buildTrainingReport({ runName: 'r', config: {}, history: [{ epoch: 1, trainLoss: 1, time: 0.1 }] });
  assert.deepEqual(sections.map((s) => s.heading), ['Training curves', 'Per-epoch metrics']);
  assert.equal((sections[0]!.svg as string[]).length, 1);
  assert.deepEqual(sections[1]!.table!.columns, ['epoch', 'train loss', 'time (s)']);
});

test('writeTrainingReport writes report.html with title, subtitle, charts and images', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'nabla-report-')), 'report.html');
  await writeTrainingReport(path, input);
  const html = readFileSync(path, 'utf8');
  assert.ok(html.includes('<h1>Training report: mlp-mnist</h1>'));
  assert.ok(html.includes('mlp on mnist'));
  assert.equal(html.match(/<svg /g)?.length, 4, 'three curves and the confusion matrix');
  assert.equal(html.match(/data:image\/png;base64,/g)?.length, 2);
});

test('sections for CNNs and RNNs: filters, feature maps, gradient norms', async () => {
  const filters = convFiltersSection({ weights: new Float32Array(4 * 9).map((_, i) => i - 18), shape: [4, 1, 3, 3] });
  assert.equal(filters.html!.match(/<img/g)?.length, 4);
  assert.ok(filters.html!.includes('nb-colorbar'));
  const maps = featureMapsSection({ sample: { pixels: new Float32Array(36), width: 6, height: 6 }, acts: new Float32Array(3 * 16), shape: [3, 4, 4] });
  assert.equal(maps.html!.match(/<img/g)?.length, 4, 'the input and three maps');
  const grads = await gradientNormSection({
    byLength: [{ model: 'RNN', T: 10, norm: 1e-3 }, { model: 'LSTM', T: 10, norm: 0.3 }],
    perStep: [{ model: 'RNN', points: [{ t: 1, norm: 1e-3 }, { t: 2, norm: 1e-2 }] }],
  });
  assert.equal((grads.svg as string[]).length, 2);
  assert.ok((grads.svg as string[])[0]!.includes('LSTM'));
});
