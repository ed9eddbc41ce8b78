/**
 * W2 (MLP) and W3 (CNN) epochs on Fashion-MNIST with nabla's public API: Sequential model,
 * CrossEntropyLoss, Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8), batches of 64 from a
 * DataLoader over the in-memory dataset with a fresh seeded permutation per epoch (the last
 * batch has 32 samples; 938 steps). Test accuracy after epoch 1 (and after the last epoch).
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { runEpochLoop } from '../lib/epochs.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export function mlp(): nb.nn.Sequential {
  return new nb.nn.Sequential(
    new nb.nn.Linear(784, 256), new nb.nn.ReLU(),
    new nb.nn.Linear(256, 128), new nb.nn.ReLU(),
    new nb.nn.Linear(128, 10),
  );
}

export function cnn(): nb.nn.Sequential {
  return new nb.nn.Sequential(
    new nb.nn.Conv2d(1, 16, 3, { padding: 1 }), new nb.nn.ReLU(), new nb.nn.MaxPool2d(2),
    new nb.nn.Conv2d(16, 32, 3, { padding: 1 }), new nb.nn.ReLU(), new nb.nn.MaxPool2d(2),
    new nb.nn.Flatten(),
    new nb.nn.Linear(32 * 7 * 7, 128), new nb.nn.ReLU(),
    new nb.nn.Linear(128, 10),
  );
}

function accuracy(model: nb.nn.Sequential, test: nb.data.TensorDataset): number {
  model.eval();
  const [x, y] = test.tensors as [Tensor, Tensor];
  const n = x.shape[0]!;
  let correct = 0;
  nb.noGrad(() => {
    for (let s = 0; s < n; s += 1000) {
      const e = Math.min(n, s + 1000);
      const pred = (model.forward(x.narrow(0, s, e - s)) as Tensor).argmax(1).data();
      const lab = y.narrow(0, s, e - s).data();
      for (let i = 0; i < pred.length; i++) if (pred[i] === lab[i]) correct++;
    }
  });
  model.train();
  return correct / n;
}

/** W2's (or, `cnn`, W3's) training as the workload defines it: data, seeded model, Adam, the batches, one step. */
export function classifierTraining(cnnMode: boolean) {
  const { train, test } = nb.data.fashionMNIST({ shape: cnnMode ? 'image' : 'flat' });
  nb.manualSeed(0);
  const model = cnnMode ? cnn() : mlp();
  const lossFn = new nb.nn.CrossEntropyLoss();
  const opt = new nb.optim.Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  const loader = new nb.data.DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 });
  const step = (x: Tensor, y: Tensor): void => {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x) as Tensor, y);
    loss.backward();
    opt.step();
  };
  return { train, test, model, loader, step };
}

export async function runClassify(spec: CellSpec): Promise<CellResult[]> {
  const cnnMode = spec.workload === 'W3';
  const { train, test, model, loader, step } = classifierTraining(cnnMode);
  const accs: number[] = [];
  const r = await runEpochLoop<Tensor[]>({
    epoch: () => loader[Symbol.iterator](),
    size: (b) => b[0]!.shape[0]!,
    step: ([x, y]) => step(x!, y!),
    afterEpoch: () => { accs.push(accuracy(model, test)); },
    samplesPerEpoch: train.length,
    maxEpochs: spec.quick || cnnMode ? 1 : 3,
    budgetS: spec.budgetS,
    maxEpochS: spec.quick ? 0 : spec.maxEpochS ?? spec.budgetS,
    windowBudgetS: spec.budgetS,
    windowBatches: spec.backend === 'ts' && cnnMode ? (spec.quick ? 2 : 5) : spec.quick ? 20 : 100,
  });
  const res: CellResult = {
    workload: spec.workload, lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'epoch',
    metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
    ...r.rate, method: r.method, cpuPar: r.cpuPar, epochS: r.epochS, epochs: r.epochs,
  };
  if (accs.length > 0) res.acc = accs[0]!;
  if (accs.length > 1) res.accLast = accs[accs.length - 1]!;
  return [res];
}
