/**
 * nabla's W1, W2 and W5 cells written once for Node and the browser page (bench/browser): the
 * public API only, data as plain typed arrays (bench/web/fashion.ts), timing with
 * performance.now(). In the page the import of src/index.js resolves to the browser entry
 * (src/browser.ts); the Node run measures the same functions, so "Chromium <= 1.2x Node" compares
 * one code path on two engines.
 *
 * W1: `nb.matmul(A, B).data()` per call. W2: the MLP epoch (Sequential, CrossEntropyLoss, Adam)
 * from the shared initial weights (bench/web/weights.ts), batches gathered from the arrays.
 * W5: batch-1 forward + softmax under noGrad, the 10 outputs read with `data()`.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { maxErr, plan, randomMatrix, timeGemm, W1_SIZES } from '../lib/gemmplan.js';
import { runEpochLoop } from '../lib/epochs.js';
import { timedRoundsSync } from '../lib/rounds.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { batchesOf, gatherBatch, type Fashion } from './fashion.js';
import { mlpWeights, type MlpWeights } from './weights.js';

export async function nablaW1(spec: CellSpec): Promise<CellResult[]> {
  const out: CellResult[] = [];
  for (const n of spec.sizes ?? W1_SIZES) {
    const a = randomMatrix(n, 1);
    const b = randomMatrix(n, 2);
    const A = nb.tensor(a, { shape: [n, n] });
    const B = nb.tensor(b, { shape: [n, n] });
    let c: ArrayLike<number> = new Float32Array(0);
    const p = plan(n, false);
    const r = await timeGemm(n, () => { c = nb.matmul(A, B).data(); }, { warmup: spec.quick ? 1 : p.warmup, reps: spec.quick ? 3 : p.reps, capS: spec.quick ? 1 : Math.min(25, spec.budgetS) });
    out.push({
      workload: 'W1', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: `n=${n}`, metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true,
      ...r.gflops, method: 'reps', cpuPar: r.cpuPar, maxErr: maxErr(a, b, c, n),
    });
  }
  return out;
}

/** The W2 MLP with the given weights ([out, in] like nn.Linear). */
export function nablaMlp(w: MlpWeights): nb.nn.Sequential {
  const layers = [new nb.nn.Linear(784, 256), new nb.nn.Linear(256, 128), new nb.nn.Linear(128, 10)] as const;
  const model = new nb.nn.Sequential(layers[0], new nb.nn.ReLU(), layers[1], new nb.nn.ReLU(), layers[2]);
  const ws = [[w.w1, w.b1], [w.w2, w.b2], [w.w3, w.b3]] as const;
  nb.noGrad(() => {
    layers.forEach((l, i) => {
      l.weight.copy_(nb.tensor(ws[i]![0], { shape: l.weight.shape }));
      l.bias!.copy_(nb.tensor(ws[i]![1], { shape: l.bias!.shape }));
    });
  });
  return model;
}

/** Adam steps of the W2 MLP on batches given as arrays; returns each step's loss when asked (for the parity test). */
export function nablaTrainer(w: MlpWeights): { step(x: Float32Array, y: Int32Array, n: number): Tensor; model: nb.nn.Sequential } {
  const model = nablaMlp(w);
  const lossFn = new nb.nn.CrossEntropyLoss();
  const opt = new nb.optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  return {
    model,
    step(x, y, n) {
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(nb.tensor(x.subarray(0, n * 784), { shape: [n, 784] })) as Tensor, nb.tensor(y.subarray(0, n)));
      loss.backward();
      opt.step();
      return loss;
    },
  };
}

export async function nablaW2(spec: CellSpec, train: Fashion): Promise<CellResult[]> {
  const tr = nablaTrainer(mlpWeights(0));
  const xb = new Float32Array(64 * 784);
  const yb = new Int32Array(64);
  const r = await runEpochLoop<Int32Array>({
    epoch: (e) => batchesOf(train.n, e, 64),
    size: (b) => b.length,
    step: (b) => {
      gatherBatch(train, b, xb, yb);
      tr.step(xb, yb, b.length);
    },
    samplesPerEpoch: train.n,
    maxEpochs: 1,
    budgetS: spec.budgetS,
    maxEpochS: spec.quick ? 0 : spec.maxEpochS ?? spec.budgetS,
    windowBudgetS: spec.budgetS,
    windowBatches: spec.quick ? 20 : 100,
  });
  return [{
    workload: 'W2', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'epoch', metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
    ...r.rate, method: r.method, cpuPar: r.cpuPar, epochS: r.epochS, epochs: r.epochs,
  }];
}

export function nablaW5(spec: CellSpec): CellResult[] {
  const model = nablaMlp(mlpWeights(0));
  model.eval();
  const x = nb.tensor(randomMatrix(28, 5).subarray(0, 784), { shape: [1, 784] });
  let sink = 0;
  const r = timedRoundsSync(() => {
    nb.noGrad(() => {
      sink += (model.forward(x) as Tensor).softmax(1).data()[0]!;
    });
  }, spec.quick ? { warmup: 500, rounds: 5, calls: 500 } : { warmup: 500, rounds: 9, calls: 2000 });
  if (Number.isNaN(sink)) throw new Error('nabla W5: NaN output');
  return [{
    workload: 'W5', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'forward', metric: 'us/call', unit: 'us', higherIsBetter: false,
    ...r.us, method: 'reps', cpuPar: r.cpuPar,
  }];
}

/** The forward (logits) of the W2 MLP on given weights (for the parity test). */
export function nablaForward(w: MlpWeights, x: Float32Array, n: number): Float32Array {
  return nb.noGrad(() => (nablaMlp(w).forward(nb.tensor(x, { shape: [n, 784] })) as Tensor).data() as Float32Array);
}
