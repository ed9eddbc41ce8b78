/**
 * Recommendation example on real ratings (InstEval, data.ts): predict how a student rates a
 * lecturer they have not rated in the training data, scored by RMSE on held-out ratings.
 *
 *   global mean          r_hat = mu
 *   user + item biases   r_hat = mu + b_u + b_i                        (regularised, fitted exactly)
 *   matrix factorisation r_hat = mu + b_u + b_i + p_u . q_i             (k-dimensional factors)
 *   neural recommender   r_hat = mu + b_u + b_i + MLP([e_u, e_i, e_dept, service])
 * The two learned models start from the fitted biases and are trained with Adam on mini-batches, with an L2 penalty on the rows
 * of the embedding tables that each batch uses; the epoch with the best validation RMSE (10 % of
 * the training ratings held aside) is the one reported on the test ratings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { secondsSince } from '../shared/picture.js';
import { DEFAULT_DIR, type Ratings, fitBiases, loadInstEval, rmse, splitRatings } from './data.js';

const { nn } = nb;

interface Batch {
  u: Tensor;
  i: Tensor;
  d: Tensor;
  s: Tensor;
  y: Tensor;
}

type Biases = { mu: number; bu: Float64Array; bi: Float64Array };

abstract class Recommender extends nb.Module<[Batch], { pred: Tensor; penalty: Tensor }> {
  bu: nb.nn.Embedding;
  bi: nb.nn.Embedding;
  mu: nb.Parameter;
  /** the biases start from the fitted baseline's (a warm start: training refines them with the interaction term) */
  constructor(r: Ratings, b: Biases) {
    super();
    this.bu = new nn.Embedding(r.users, 1);
    this.bi = new nn.Embedding(r.items, 1);
    nb.noGrad(() => {
      this.bu.weight.copy_(nb.tensor(Float32Array.from(b.bu), { shape: [r.users, 1] }));
      this.bi.weight.copy_(nb.tensor(Float32Array.from(b.bi), { shape: [r.items, 1] }));
    });
    this.mu = new nb.Parameter(nb.tensor([b.mu]));
  }
  abstract interaction(b: Batch): { value: Tensor; penalty: Tensor };
  /** predictions [B] and the L2 penalty of the rows used */
  forward(b: Batch): { pred: Tensor; penalty: Tensor } {
    const bu = this.bu.forward(b.u).reshape([-1]);
    const bi = this.bi.forward(b.i).reshape([-1]);
    const { value, penalty } = this.interaction(b);
    return { pred: bu.add(bi).add(this.mu).add(value), penalty: penalty.add(bu.square().mean()).add(bi.square().mean()) };
  }
}

export class MatrixFactorization extends Recommender {
  p: nb.nn.Embedding;
  q: nb.nn.Embedding;
  constructor(r: Ratings, b: Biases, k: number) {
    super(r, b);
    this.p = new nn.Embedding(r.users, k);
    this.q = new nn.Embedding(r.items, k);
    nb.noGrad(() => {
      this.p.weight.copy_(nb.randn(this.p.weight.shape).mul(0.1));
      this.q.weight.copy_(nb.randn(this.q.weight.shape).mul(0.1));
    });
  }
  interaction(b: Batch) {
    const pu = this.p.forward(b.u);
    const qi = this.q.forward(b.i);
    return { value: pu.mul(qi).sum(1), penalty: pu.square().sum(1).mean().add(qi.square().sum(1).mean()) };
  }
}

export class NeuralRecommender extends Recommender {
  eu: nb.nn.Embedding;
  ei: nb.nn.Embedding;
  ed: nb.nn.Embedding;
  mlp: nb.nn.Sequential;
  constructor(r: Ratings, b: Biases, k: number) {
    super(r, b);
    this.eu = new nn.Embedding(r.users, k);
    this.ei = new nn.Embedding(r.items, k);
    this.ed = new nn.Embedding(r.depts, 4);
    nb.noGrad(() => {
      for (const e of [this.eu, this.ei, this.ed]) e.weight.copy_(nb.randn(e.weight.shape).mul(0.1));
    });
    this.mlp = new nn.Sequential(new nn.Linear(2 * k + 5, 64), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(64, 1));
  }
  interaction(b: Batch) {
    const eu = this.eu.forward(b.u);
    const ei = this.ei.forward(b.i);
    const x = nb.cat([eu, ei, this.ed.forward(b.d), b.s.reshape([-1, 1])], 1);
    return { value: this.mlp.forward(x).reshape([-1]), penalty: eu.square().sum(1).mean().add(ei.square().sum(1).mean()) };
  }
}

function batchOf(r: Ratings, idx: readonly number[]): Batch {
  const pick = (a: Int32Array) => nb.tensor(Int32Array.from(idx, (k) => a[k]!), { dtype: 'int32' });
  return {
    u: pick(r.user), i: pick(r.item), d: pick(r.dept),
    s: nb.tensor(Float32Array.from(idx, (k) => r.service[k]!)), y: nb.tensor(Float32Array.from(idx, (k) => r.rating[k]!)),
  };
}

function predictAll(m: Recommender, r: Ratings, idx: readonly number[]): Float32Array {
  m.eval();
  const out = nb.noGrad(() => m.forward(batchOf(r, idx)).pred.clamp(1, 5)).data() as Float32Array;
  m.train();
  return out;
}

interface Trained {
  testRmse: number;
  bestEpoch: number;
  curve: { epoch: number; train: number; valid: number }[];
  testPred: Float32Array;
}

function train(m: Recommender, r: Ratings, tr: number[], va: number[], te: number[], epochs: number, lambda: number, lr: number, seed: number): Trained {
  const opt = new nb.optim.Adam(m.parameters(), { lr });
  const mse = new nn.MSELoss();
  const ds = new nb.data.TensorDataset(nb.tensor(Int32Array.from(tr), { dtype: 'int32' }));
  const loader = new nb.data.DataLoader(ds, { batchSize: 512, shuffle: true, seed });
  const vaY = Float32Array.from(va, (k) => r.rating[k]!);
  const teY = Float32Array.from(te, (k) => r.rating[k]!);
  let best: { valid: number; epoch: number; test: number; pred: Float32Array } = { valid: Infinity, epoch: 0, test: NaN, pred: new Float32Array(0) };
  const curve: Trained['curve'] = [];
  for (let e = 1; e <= epochs; e++) {
    let sum = 0;
    let count = 0;
    for (const [ib] of loader) {
      const b = batchOf(r, Array.from((ib as Tensor).data()));
      const { pred, penalty } = m.forward(b);
      const err = mse.forward(pred, b.y);
      opt.zeroGrad();
      err.add(penalty.mul(lambda)).backward();
      opt.step();
      sum += err.item() * b.y.shape[0]!;
      count += b.y.shape[0]!;
    }
    const valid = rmse(predictAll(m, r, va), vaY);
    curve.push({ epoch: e, train: Math.sqrt(sum / count), valid });
    if (valid < best.valid) {
      const pred = predictAll(m, r, te);
      best = { valid, epoch: e, test: rmse(pred, teY), pred };
    }
  }
  return { testRmse: best.test, bestEpoch: best.epoch, curve, testPred: best.pred };
}

export interface RecommendationOptions {
  quick?: boolean;
  epochs?: number;
  k?: number;
  /** weight of the L2 penalty on the embedding rows used (default 0.02) */
  lambda?: number;
  seed?: number;
  dir?: string;
  outDir?: string;
  log?: (line: string) => void;
}

export interface RecommendationResult {
  globalMean: number;
  biases: number;
  mf: number;
  neural: number;
  mfEpoch: number;
  neuralEpoch: number;
  ratings: number;
  trainRatings: number;
  testRatings: number;
  seconds: number;
}

export async function runRecommendation(o: RecommendationOptions = {}): Promise<RecommendationResult> {
  const quick = o.quick ?? false;
  const epochs = o.epochs ?? (quick ? 4 : 25);
  const k = o.k ?? 16;
  const lambda = o.lambda ?? 0.02;
  const seed = o.seed ?? 0;
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (quick ? 'runs/recommendation-quick' : 'runs/recommendation');
  const t0 = performance.now();
  nb.manualSeed(seed);
  const r = loadInstEval(o.dir ?? DEFAULT_DIR);
  const { train: trAll, test: te } = splitRatings(r, 0.1, seed);
  const nVa = Math.round(trAll.length * 0.1);
  const va = trAll.slice(0, nVa);
  const tr = trAll.slice(nVa);
  const teY = Float32Array.from(te, (i) => r.rating[i]!);
  const b = fitBiases(r, tr);
  const globalMean = rmse(new Float32Array(te.length).fill(b.mu), teY);
  const biasPred = Float32Array.from(te, (i) => Math.min(5, Math.max(1, b.mu + b.bu[r.user[i]!]! + b.bi[r.item[i]!]!)));
  const biases = rmse(biasPred, teY);
  log(`recommendation: InstEval ${r.n} ratings (${r.users} students x ${r.items} lecturers); ${tr.length} train / ${va.length} validation / ${te.length} test; RMSE global mean ${globalMean.toFixed(4)}, user+item biases ${biases.toFixed(4)}`);
  const mf = train(new MatrixFactorization(r, b, k), r, tr, va, te, epochs, lambda, 3e-3, seed);
  log(`matrix factorisation (k=${k}): test RMSE ${mf.testRmse.toFixed(4)} (epoch ${mf.bestEpoch})`);
  const neural = train(new NeuralRecommender(r, b, k), r, tr, va, te, epochs, lambda, 2e-3, seed);
  log(`neural recommender: test RMSE ${neural.testRmse.toFixed(4)} (epoch ${neural.bestEpoch})`);
  const result: RecommendationResult = {
    globalMean, biases, mf: mf.testRmse, neural: neural.testRmse, mfEpoch: mf.bestEpoch, neuralEpoch: neural.bestEpoch,
    ratings: r.n, trainRatings: tr.length, testRatings: te.length, seconds: secondsSince(t0),
  };

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify({ ...result, k, lambda, epochs, seed, backend: nb.getBackend() }, null, 1) + '\n');
  // how far off each model is, by the true rating
  const byRating = (pred: Float32Array) => [1, 2, 3, 4, 5].map((v) => {
    const sel = te.map((_, j) => j).filter((j) => teY[j] === v);
    return { v, rmse: rmse(sel.map((j) => pred[j]!), sel.map(() => v)), n: sel.length };
  });
  const table = (name: string, v: number, note: string) => [name, v.toFixed(4), `${(100 * (1 - v / globalMean)).toFixed(1)} %`, note];
  nb.report.writeReport(join(outDir, 'report.html'), {
    title: 'Recommendation: predicting course ratings',
    subtitle: `InstEval (R package lme4, from Debian r-cran-lme4): ${r.n} real ratings (1-5) of ${r.items} ETH Zurich lecturers by ${r.users} students; test RMSE on ${te.length} held-out ratings`,
    summary: {
      backend: nb.getBackend(), 'train / validation / test ratings': `${tr.length} / ${va.length} / ${te.length}`, 'factors k': k, 'L2 weight': lambda, epochs,
      'RMSE global mean': globalMean.toFixed(4), 'RMSE user + item biases': biases.toFixed(4),
      'RMSE matrix factorisation': mf.testRmse.toFixed(4), 'RMSE neural recommender': neural.testRmse.toFixed(4), 'time (s)': result.seconds.toFixed(1),
    },
    sections: [
      {
        heading: 'Test RMSE',
        text: 'Lower is better. Ratings are noisy and most students rate few lecturers (about 25 each), so most of what can be predicted is how generous a student is and how good a lecturer is: the biases. The factor and neural models add the student-lecturer interaction on top.',
        table: {
          columns: ['model', 'test RMSE', 'better than the global mean by', ''],
          rows: [
            table('global mean', globalMean, `mu = ${b.mu.toFixed(3)}`),
            table('user + item biases', biases, 'lambda = 5'),
            table(`matrix factorisation, k = ${k}`, mf.testRmse, `best validation epoch ${mf.bestEpoch}`),
            table('neural recommender (embeddings + department + service -> MLP)', neural.testRmse, `best validation epoch ${neural.bestEpoch}`),
          ],
        },
      },
      {
        heading: 'Learning curves',
        svg: [await nb.report.lineChart({
          series: [
            { name: 'MF train', points: mf.curve.map((c) => ({ x: c.epoch, y: c.train })) },
            { name: 'MF validation', points: mf.curve.map((c) => ({ x: c.epoch, y: c.valid })) },
            { name: 'neural train', points: neural.curve.map((c) => ({ x: c.epoch, y: c.train })) },
            { name: 'neural validation', points: neural.curve.map((c) => ({ x: c.epoch, y: c.valid })) },
            { name: 'biases (test)', points: mf.curve.map((c) => ({ x: c.epoch, y: biases })) },
          ],
          xTitle: 'epoch', yTitle: 'RMSE', width: 640,
        })],
      },
      {
        heading: 'Error by the true rating (test)',
        text: 'Every model pulls its predictions towards the mean, so the rare extreme ratings (1 and 5) carry the largest errors.',
        svg: [await nb.report.barChart({
          bars: [
            ...byRating(biasPred).map((x) => ({ x: x.v, y: x.rmse, series: 'biases' })),
            ...byRating(mf.testPred).map((x) => ({ x: x.v, y: x.rmse, series: 'matrix factorisation' })),
            ...byRating(neural.testPred).map((x) => ({ x: x.v, y: x.rmse, series: 'neural' })),
          ],
          xTitle: 'true rating', yTitle: 'RMSE',
        })],
      },
    ],
  });
  log(`recommendation: test RMSE global mean ${globalMean.toFixed(4)}, biases ${biases.toFixed(4)}, MF ${mf.testRmse.toFixed(4)}, neural ${neural.testRmse.toFixed(4)}; ${result.seconds.toFixed(1)} s`);
  return result;
}
