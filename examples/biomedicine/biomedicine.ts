/**
 * Biomedicine example: diagnosing breast masses (malignant vs benign) from the 30 nuclear
 * features of the Wisconsin table, with stratified k-fold cross-validation (repeated with
 * different fold assignments): an MLP 30-32-16-1 (ReLU, dropout, weight decay) beside logistic
 * regression (one linear layer, the same loss and optimiser), and the majority class.
 * Features are standardised with the mean and standard deviation of each training fold only.
 * Both models minimise binary cross-entropy with full-batch Adam.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { secondsSince } from '../shared/picture.js';
import { DEFAULT_CSV, FEATURES, type Table, loadBreastCancer, rocAuc, rocCurve, stratifiedFolds } from './data.js';

export interface BiomedicineOptions {
  quick?: boolean;
  folds?: number;
  repeats?: number;
  epochs?: number;
  seed?: number;
  csv?: string;
  outDir?: string;
  log?: (line: string) => void;
}

interface Score { accuracy: number; auc: number }
export interface BiomedicineResult {
  mlp: { accuracy: number; accuracyStd: number; auc: number; aucStd: number };
  logistic: { accuracy: number; accuracyStd: number; auc: number; aucStd: number };
  majority: number;
  folds: number;
  repeats: number;
  seconds: number;
}

type Kind = 'mlp' | 'logistic';

function makeModel(kind: Kind, d: number): nb.nn.Sequential {
  const { nn } = nb;
  if (kind === 'logistic') return new nn.Sequential(new nn.Linear(d, 1));
  return new nn.Sequential(new nn.Linear(d, 32), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(32, 16), new nn.ReLU(), new nn.Linear(16, 1));
}

/** Standardised features of `rows`, with statistics from `fit` rows. */
function standardise(t: Table, fit: readonly number[], rows: readonly number[]): Float32Array {
  const { d } = t;
  const mu = new Float64Array(d);
  const sd = new Float64Array(d);
  for (const i of fit) for (let j = 0; j < d; j++) mu[j] += t.x[i * d + j]! / fit.length;
  for (const i of fit) for (let j = 0; j < d; j++) sd[j] += (t.x[i * d + j]! - mu[j]!) ** 2 / fit.length;
  const out = new Float32Array(rows.length * d);
  rows.forEach((i, r) => {
    for (let j = 0; j < d; j++) out[r * d + j] = (t.x[i * d + j]! - mu[j]!) / (Math.sqrt(sd[j]!) || 1);
  });
  return out;
}

/** Trains on `trainIdx`, returns the malignancy probabilities of `testIdx`. */
function fitPredict(kind: Kind, t: Table, trainIdx: number[], testIdx: number[], epochs: number): Float32Array {
  const xTr = nb.tensor(standardise(t, trainIdx, trainIdx), { shape: [trainIdx.length, t.d] });
  const yTr = nb.tensor(trainIdx.map((i) => t.y[i]!), { shape: [trainIdx.length, 1] });
  const xTe = nb.tensor(standardise(t, trainIdx, testIdx), { shape: [testIdx.length, t.d] });
  const model = makeModel(kind, t.d);
  const opt = new nb.optim.AdamW(model.parameters(), { lr: kind === 'mlp' ? 3e-3 : 1e-2, weightDecay: kind === 'mlp' ? 1e-2 : 1e-3 });
  const loss = new nb.nn.BCEWithLogitsLoss();
  model.train();
  for (let e = 0; e < epochs; e++) {
    opt.zeroGrad();
    loss.forward(model.forward(xTr), yTr).backward();
    opt.step();
  }
  model.eval();
  return nb.noGrad(() => model.forward(xTe).sigmoid()).data() as Float32Array;
}

const meanStd = (xs: readonly number[]) => {
  const m = xs.reduce((s, v) => s + v, 0) / xs.length;
  return { m, s: Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / Math.max(1, xs.length - 1)) };
};

export async function runBiomedicine(o: BiomedicineOptions = {}): Promise<BiomedicineResult> {
  const quick = o.quick ?? false;
  const k = o.folds ?? (quick ? 5 : 10);
  const repeats = o.repeats ?? (quick ? 1 : 5);
  const epochs = o.epochs ?? (quick ? 200 : 300);
  const seed = o.seed ?? 0;
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (quick ? 'runs/biomedicine-quick' : 'runs/biomedicine');
  const t = loadBreastCancer(o.csv ?? DEFAULT_CSV);
  const t0 = performance.now();
  nb.manualSeed(seed);
  const scores: Record<Kind, Score[]> = { mlp: [], logistic: [] };
  // out-of-fold probabilities of the first repeat, for the pooled ROC curve
  const oof: Record<Kind, Float32Array> = { mlp: new Float32Array(t.n), logistic: new Float32Array(t.n) };
  const positives = t.y.reduce((s, v) => s + v, 0);
  const majority = Math.max(positives, t.n - positives) / t.n;
  for (let r = 0; r < repeats; r++) {
    const folds = stratifiedFolds(t.y, k, seed + r);
    for (let f = 0; f < k; f++) {
      const testIdx = folds[f]!;
      const trainIdx = folds.flatMap((fold, g) => (g === f ? [] : fold));
      const labels = testIdx.map((i) => t.y[i]!);
      for (const kind of ['logistic', 'mlp'] as const) {
        const p = fitPredict(kind, t, trainIdx, testIdx, epochs);
        let correct = 0;
        testIdx.forEach((i, j) => {
          if ((p[j]! > 0.5 ? 1 : 0) === t.y[i]) correct++;
          if (r === 0) oof[kind][i] = p[j]!;
        });
        scores[kind].push({ accuracy: correct / testIdx.length, auc: rocAuc(p, labels) });
      }
    }
    log(`repeat ${r + 1}/${repeats}: MLP accuracy ${meanStd(scores.mlp.slice(-k).map((s) => s.accuracy)).m.toFixed(4)}, logistic ${meanStd(scores.logistic.slice(-k).map((s) => s.accuracy)).m.toFixed(4)}`);
  }
  const summarise = (kind: Kind) => {
    const a = meanStd(scores[kind].map((s) => s.accuracy));
    const u = meanStd(scores[kind].map((s) => s.auc));
    return { accuracy: a.m, accuracyStd: a.s, auc: u.m, aucStd: u.s };
  };
  const result: BiomedicineResult = { mlp: summarise('mlp'), logistic: summarise('logistic'), majority, folds: k, repeats, seconds: secondsSince(t0) };
  const fmt = (v: { accuracy: number; accuracyStd: number; auc: number; aucStd: number }) =>
    [`${(100 * v.accuracy).toFixed(2)} % ± ${(100 * v.accuracyStd).toFixed(2)}`, `${v.auc.toFixed(4)} ± ${v.aucStd.toFixed(4)}`];

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify({ ...result, epochs, seed, backend: nb.getBackend() }, null, 1) + '\n');
  const labelsAll = Array.from(t.y);
  const curve = (kind: Kind) => rocCurve(oof[kind], labelsAll).map((p) => ({ x: p.fpr, y: p.tpr }));
  const hist = (kind: Kind) => {
    // distribution of the out-of-fold malignancy probability per true class (10 bins)
    const rows: { x: number; y: number; series: string }[] = [];
    for (const cls of [1, 0]) {
      const bins = new Array<number>(10).fill(0);
      for (let i = 0; i < t.n; i++) if (t.y[i] === cls) bins[Math.min(9, Math.floor(oof[kind][i]! * 10))]++;
      bins.forEach((c, b) => rows.push({ x: +(b / 10 + 0.05).toFixed(2), y: c, series: cls === 1 ? 'malignant' : 'benign' }));
    }
    return rows;
  };
  nb.report.writeReport(join(outDir, 'report.html'), {
    title: 'Biomedicine: breast-mass diagnosis from nuclear features',
    subtitle: `Wisconsin diagnostic breast-cancer data (569 cases, 30 features; CSV from Debian's python3-sklearn); ${repeats} x stratified ${k}-fold cross-validation`,
    summary: {
      backend: nb.getBackend(), cases: `${t.n} (${positives} malignant, ${t.n - positives} benign)`, features: t.d, folds: `${repeats} x ${k}`, epochs,
      'MLP accuracy': fmt(result.mlp)[0]!, 'MLP ROC AUC': fmt(result.mlp)[1]!,
      'logistic regression accuracy': fmt(result.logistic)[0]!, 'logistic regression ROC AUC': fmt(result.logistic)[1]!,
      'majority class': `${(100 * majority).toFixed(2)} %`, 'time (s)': result.seconds.toFixed(1),
    },
    sections: [
      {
        heading: 'Cross-validated results',
        text: 'Mean ± standard deviation over the test folds. Malignant is the positive class; accuracy thresholds the probability at 0.5.',
        table: { columns: ['model', 'accuracy', 'ROC AUC'], rows: [['MLP 30-32-16-1', ...fmt(result.mlp)], ['logistic regression', ...fmt(result.logistic)], ['majority class (benign)', `${(100 * majority).toFixed(2)} %`, '0.5']] },
      },
      {
        heading: 'ROC curves (out-of-fold predictions, first repeat)',
        text: 'Each point is a threshold on the predicted probability: the share of malignant masses found (true-positive rate) against the share of benign masses flagged (false-positive rate). The diagonal is guessing.',
        svg: [await nb.report.lineChart({
          series: [{ name: 'MLP', points: curve('mlp') }, { name: 'logistic regression', points: curve('logistic') }, { name: 'chance', points: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }],
          xTitle: 'false-positive rate', yTitle: 'true-positive rate', yDomain: [0, 1], points: false, width: 420, height: 400,
        })],
      },
      {
        heading: 'Predicted probability by true class (MLP, out of fold)',
        svg: [await nb.report.barChart({ bars: hist('mlp'), xTitle: 'predicted probability of malignancy (bin centre)', yTitle: 'cases' })],
      },
      { heading: 'Features', text: FEATURES.join(', ') + '.' },
    ],
  });
  log(`biomedicine (${repeats} x ${k}-fold): MLP ${fmt(result.mlp).join(', AUC ')}; logistic ${fmt(result.logistic).join(', AUC ')}; majority ${(100 * majority).toFixed(2)} %; ${result.seconds.toFixed(1)} s`);
  return result;
}
