/**
 * Vanishing gradients, measured: a tanh RNN and an LSTM (PyTorch's initialisation, and chrono
 * initialisation of the forget gates) on a task whose answer is the sign of the first step
 * (noise after it; see measure.ts). For T = 10, 50, 100 it reports
 *   - ||dJ/dh_1|| at initialisation (J the loss at step T), and ||dJ/dh_t|| along t for T = 100;
 *   - after training, ||dJ/dh_1|| / ||dJ/dh_T|| (the fraction of the last step's gradient that
 *     reaches step 1) and the held-out accuracy.
 *
 *   npx tsx examples/vanishing-gradients/run.ts [--steps 300] [--hidden 32] [--seed 0]
 * Writes runs/vanishing-gradients/report.html and metrics.json.
 */
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { accuracy, chronoInit, FirstStepClassifier, firstStepTask, gradientReach, trainFirstStep, type Kind } from './measure.js';

const { values: a } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' },
    hidden: { type: 'string', default: '32' },
    seed: { type: 'string', default: '0' },
    out: { type: 'string', default: 'runs/vanishing-gradients' },
  },
});
const [steps, H, seed] = [Number(a.steps), Number(a.hidden), Number(a.seed)];
const LENGTHS = [10, 50, 100];
const MODELS: { name: string; kind: Kind; chrono: boolean }[] = [
  { name: 'RNN tanh', kind: 'rnn', chrono: false },
  { name: 'LSTM', kind: 'lstm', chrono: false }, // PyTorch's initialisation
  { name: 'LSTM chrono', kind: 'lstm', chrono: true },
];

function build(m: (typeof MODELS)[number]): FirstStepClassifier {
  nb.manualSeed(seed);
  const model = new FirstStepClassifier(m.kind, H);
  if (m.chrono) chronoInit(model, 100, seed);
  return model;
}

interface Row { model: string; T: number; initH1: number; initHT: number; trainedRatio: number; accuracy: number; loss: number; seconds: number }
const rows: Row[] = [];
const perStep: { model: string; points: { t: number; norm: number }[] }[] = [];
const start = performance.now();
console.log(`vanishing gradients: hidden ${H}, ${steps} Adam steps of batch 32 per model and T, backend ${nb.getBackend()}`);
for (const m of MODELS) {
  for (const T of LENGTHS) {
    const probe = firstStepTask(T, 64, 12345);
    const model = build(m);
    const g0 = gradientReach(model, probe);
    if (T === 100) perStep.push({ model: m.name, points: g0.map((norm, i) => ({ t: i + 1, norm })) });
    const t0 = performance.now();
    const bar = new nb.train.ProgressBar({ total: steps, label: `${m.name} T=${T}` });
    const loss = trainFirstStep(model, T, { steps, seed: seed + 1, onStep: (_, l) => bar.tick(1, { loss: l }) });
    const seconds = (performance.now() - t0) / 1000;
    const g1 = gradientReach(model, probe);
    const acc = accuracy(model, firstStepTask(T, 1000, 999));
    bar.finish(`${m.name.padEnd(20)} T=${String(T).padStart(3)}: at init ||dJ/dh_1|| ${g0[0]!.toExponential(2)} (||dJ/dh_T|| ${g0[T - 1]!.toExponential(2)}); ` +
      `trained: ratio ${(g1[0]! / g1[T - 1]!).toExponential(2)}, accuracy ${(100 * acc).toFixed(1)}%, loss ${loss.toFixed(3)} (${seconds.toFixed(1)} s)`);
    rows.push({ model: m.name, T, initH1: g0[0]!, initHT: g0[T - 1]!, trainedRatio: g1[0]! / g1[T - 1]!, accuracy: acc, loss, seconds });
  }
}
const minutes = (performance.now() - start) / 60000;

mkdirSync(a.out!, { recursive: true });
writeFileSync(join(a.out!, 'metrics.json'), JSON.stringify({ backend: nb.getBackend(), hidden: H, steps, seed, minutes: +minutes.toFixed(2), rows }, null, 1) + '\n');
const exp = (v: number) => v.toExponential(2);
const at100 = (name: string) => rows.find((r) => r.model === name && r.T === 100)!;
const orders = Math.round(Math.log10(at100('LSTM chrono').initH1 / at100('RNN tanh').initH1));
nb.report.writeReport(join(a.out!, 'report.html'), {
  title: 'Vanishing gradients: RNN vs LSTM',
  subtitle: 'Classify the sign of the first step of a noisy sequence of length T',
  summary: {
    backend: nb.getBackend(), hidden: H, 'training steps (batch 32)': steps, seed, minutes: minutes.toFixed(1),
    ...Object.fromEntries(rows.filter((r) => r.T === 100).map((r) => [`${r.model}, T=100: ||dJ/dh_1|| at init / accuracy`, `${exp(r.initH1)} / ${(100 * r.accuracy).toFixed(1)}%`])),
  },
  sections: [
    await nb.report.gradientNormSection({
      byLength: rows.map((r) => ({ model: r.model, T: r.T, norm: r.initH1 })),
      perStep,
      text:
        'At initialisation: the norm of the gradient of the loss at step T with respect to the hidden state at step 1 (left), and along the sequence for T = 100 (right, t = 100 is where the loss is). ' +
        'The RNN multiplies by its Jacobian diag(1 - h_t^2) W_hh at every step and loses about a factor 2 per step. ' +
        'The LSTM\u2019s cell path multiplies only by the forget gate f_t: with PyTorch\u2019s initialisation (\u201cLSTM\u201d) f starts near sigma(0) = 1/2, so it too loses about half per step; ' +
        `with chrono initialisation (\u201cLSTM chrono\u201d: forget biases log U(1, 99), memory time scales up to ~100 steps) the gradient reaching step 1 at T = 100 is ${orders} orders of magnitude larger than the RNN\u2019s.`,
    }),
    {
      heading: 'After training',
      text: `${steps} Adam steps (lr 0.01, batch 32, gradients clipped to norm 1) on fresh sequences per model and T; accuracy on 1000 held-out sequences (50% is chance). The ratio ||dJ/dh_1|| / ||dJ/dh_T|| is the fraction of the last step\u2019s gradient that reaches step 1 (a ratio, because a solved task has a loss, and gradients, near 0).`,
      svg: [
        await nb.report.barChart({ bars: rows.map((r) => ({ x: r.T, y: r.accuracy, series: r.model })), title: 'Held-out accuracy', xTitle: 'sequence length T', yFormat: '.0%' }),
        await nb.report.barChart({ bars: rows.map((r) => ({ x: r.T, y: r.trainedRatio, series: r.model })), title: 'Gradient reaching step 1, after training', xTitle: 'sequence length T', yTitle: '‖∂J/∂h₁‖ / ‖∂J/∂h_T‖ (log)', logY: true, yFormat: '.0e' }),
      ],
      table: {
        columns: ['model', 'T', '||dJ/dh_1|| at init', '||dJ/dh_T|| at init', 'trained ratio h_1/h_T', 'accuracy', 'final loss'],
        rows: rows.map((r) => [r.model, r.T, exp(r.initH1), exp(r.initHT), exp(r.trainedRatio), `${(100 * r.accuracy).toFixed(1)}%`, r.loss.toFixed(3)]),
      },
    },
  ],
});
console.log(`${minutes.toFixed(1)} min on the ${nb.getBackend()} backend; report: ${join(a.out!, 'report.html')}`);
