/**
 * Sequence regression on a real series: forecast next month's CO2 concentration (Mauna Loa,
 * npm `vega-datasets`) from the past k months with an LSTM, and compare its held-out RMSE (ppm)
 * with the naive last-value and seasonal-naive (same month last year) forecasts.
 *
 * The series trends upward (315 ppm in 1958, 416 in 2020), so the test months lie above every
 * training value. The network therefore works on month-to-month differences d_t = y_t - y_{t-1}
 * (stationary apart from the seasonal cycle), standardised with the mean and std of the
 * training differences only:
 *   input  [d_{t-k+1}, ..., d_t] / s  ->  LSTM(1, H) -> last h -> Linear(H, 1) -> d_hat_{t+1}
 *   forecast y_hat_{t+1} = y_t + d_hat_{t+1} (un-standardised)
 * Chronological split: windows whose target month is in the first 80% train, the rest test.
 *
 *   npx tsx examples/co2/train.ts [--epochs 150] [--window 24] [--hidden 32] [--seed 0]
 * Writes runs/co2/report.html (forecast vs actual) and runs/co2/metrics.json.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { baselines, loadCo2, rmse } from './data.js';

const { values: a } = parseArgs({
  options: {
    epochs: { type: 'string', default: '150' },
    window: { type: 'string', default: '24' },
    hidden: { type: 'string', default: '32' },
    lr: { type: 'string', default: '0.005' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs/co2' },
  },
});
const [epochs, k, H, lr, seed] = [Number(a.epochs), Number(a.window), Number(a.hidden), Number(a.lr), Number(a.seed)];
nb.manualSeed(seed);

const series = loadCo2();
const y = series.ppm;
const N = y.length;
const d = y.map((v, i) => (i === 0 ? 0 : v - y[i - 1]!));
// target months t (predict y_t from differences d_{t-k} .. d_{t-1}); the first needs k+1 past months
const firstTarget = k + 1;
const splitMonth = Math.floor(N * 0.8);
const trainT: number[] = [];
const testT: number[] = [];
for (let t = firstTarget; t < N; t++) (t < splitMonth ? trainT : testT).push(t);
// standardisation from the training differences only (those the training windows can see)
const trainD = d.slice(1, splitMonth);
const mu = trainD.reduce((s, v) => s + v, 0) / trainD.length;
const sd = Math.sqrt(trainD.reduce((s, v) => s + (v - mu) ** 2, 0) / trainD.length);

function windows(targets: readonly number[]): [Tensor, Tensor] {
  const x = new Float32Array(targets.length * k);
  const z = new Float32Array(targets.length);
  targets.forEach((t, i) => {
    for (let j = 0; j < k; j++) x[i * k + j] = (d[t - k + j]! - mu) / sd;
    z[i] = (d[t]! - mu) / sd;
  });
  return [nb.tensor(x, { shape: [targets.length, k, 1] }), nb.tensor(z, { shape: [targets.length, 1] })];
}

/** LSTM over the window, the last hidden state through a linear head: [B, k, 1] -> [B, 1]. */
class Forecaster extends nb.Module {
  lstm = new nb.nn.LSTM(1, H, { batchFirst: true });
  head = new nb.nn.Linear(H, 1);
  forward(x: Tensor): Tensor {
    const [out] = this.lstm.forward(x);
    return this.head.forward(out.select(1, out.shape[1]! - 1));
  }
}

const model = new Forecaster();
const [xTr, zTr] = windows(trainT);
const [xTe, zTe] = windows(testT);
const trainLoader = new nb.data.DataLoader(new nb.data.TensorDataset(xTr, zTr), { batchSize: 32, shuffle: true, seed });
const opt = new nb.optim.Adam(model.parameters(), { lr });
const sched = new nb.optim.CosineAnnealingLR(opt, { tMax: epochs });
const mse = new nb.nn.MSELoss();
console.log(`co2: ${N} months (${series.filled} interpolated), ${trainT.length} train windows (to ${series.years[splitMonth - 1]!.toFixed(2)}), ${testT.length} test windows, window ${k}, hidden ${H}, backend ${nb.getBackend()}`);
const t0 = performance.now();
const result = nb.fit({
  model, loss: (o, t) => mse.forward(o, t), optimizer: opt, scheduler: sched,
  train: trainLoader as unknown as nb.train.BatchSource, epochs, clipGradNorm: 1, log: () => {},
});
const seconds = (performance.now() - t0) / 1000;

/** One-step forecasts in ppm for the target months. */
function forecast(targets: readonly number[], x: Tensor): number[] {
  model.eval();
  const out = nb.noGrad(() => model.forward(x)).data();
  return targets.map((t, i) => y[t - 1]! + out[i]! * sd + mu);
}
const predTe = forecast(testT, xTe);
const predTr = forecast(trainT, xTr);
const actualTe = testT.map((t) => y[t]!);
const base = baselines(y, testT);
const scores = {
  lstm: rmse(predTe, actualTe),
  naive: rmse(base.naive, actualTe),
  seasonalNaive: rmse(base.seasonal, actualTe),
  lstmTrain: rmse(predTr, trainT.map((t) => y[t]!)),
};
const beats = scores.lstm < scores.naive && scores.lstm < scores.seasonalNaive;
const period = `${series.years[testT[0]!]!.toFixed(2)}–${series.years[testT[testT.length - 1]!]!.toFixed(2)}`;
const summary = {
  backend: nb.getBackend(), months: N, interpolated: series.filled, window: k, hidden: H, epochs, lr, seed,
  trainWindows: trainT.length, testWindows: testT.length, testPeriod: period, seconds: +seconds.toFixed(1),
  rmsePpm: { lstm: +scores.lstm.toFixed(3), naiveLastValue: +scores.naive.toFixed(3), seasonalNaive: +scores.seasonalNaive.toFixed(3), lstmOnTrain: +scores.lstmTrain.toFixed(3) },
  beatsBaselines: beats,
};
mkdirSync(a.out!, { recursive: true });
writeFileSync(join(a.out!, 'metrics.json'), JSON.stringify(summary, null, 1) + '\n');
const pts = (vals: readonly number[]) => testT.map((t, i) => ({ x: series.years[t]!, y: vals[i]! }));
nb.report.writeReport(join(a.out!, 'report.html'), {
  title: 'CO2 forecast with an LSTM',
  subtitle: `Mauna Loa monthly CO2 (npm vega-datasets); one month ahead from the past ${k} months`,
  summary: {
    backend: summary.backend, 'train windows': trainT.length, 'test windows': `${testT.length} (${period})`, window: k, hidden: H, epochs,
    'train time (s)': summary.seconds, 'test RMSE LSTM (ppm)': scores.lstm.toFixed(3), 'test RMSE naive (ppm)': scores.naive.toFixed(3),
    'test RMSE seasonal naive (ppm)': scores.seasonalNaive.toFixed(3), 'beats both baselines': beats ? 'yes' : 'no',
  },
  sections: [
    {
      heading: 'Forecast vs actual (held-out months)',
      text: 'Each point is a one-month-ahead forecast made from the true past (no feeding back of forecasts). The naive forecast repeats last month; the seasonal naive repeats the same month a year earlier.',
      svg: [await nb.report.lineChart({
        series: [{ name: 'actual', points: pts(actualTe) }, { name: 'LSTM', points: pts(predTe) }, { name: 'naive', points: pts(base.naive) }],
        xTitle: 'year', yTitle: 'CO2 (ppm)', width: 760, height: 320, points: false,
      })],
      table: {
        columns: ['forecast', 'test RMSE (ppm)'],
        rows: [['LSTM', scores.lstm.toFixed(3)], ['naive: last value', scores.naive.toFixed(3)], ['seasonal naive: same month last year', scores.seasonalNaive.toFixed(3)]],
      },
    },
    {
      heading: 'Training loss',
      text: 'Mean squared error of the standardised month-to-month differences, per epoch.',
      svg: [await nb.report.lineChart({ series: [{ name: 'train MSE', points: result.history.map((h) => ({ x: h.epoch, y: h.trainLoss })) }], xTitle: 'epoch', yTitle: 'MSE', logY: true })],
    },
  ],
});
console.log(`test RMSE (${testT.length} months, ${period}): LSTM ${scores.lstm.toFixed(3)} ppm, naive last value ${scores.naive.toFixed(3)} ppm, seasonal naive ${scores.seasonalNaive.toFixed(3)} ppm ` +
  `(train ${scores.lstmTrain.toFixed(3)}); ${epochs} epochs in ${seconds.toFixed(1)} s on the ${nb.getBackend()} backend: ${beats ? 'beats' : 'does NOT beat'} both baselines`);
console.log(`report: ${join(a.out!, 'report.html')}`);
process.exitCode = beats ? 0 : 1;
