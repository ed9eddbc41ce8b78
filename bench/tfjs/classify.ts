/**
 * W2/W3 with TensorFlow.js: `model.trainOnBatch` per batch of 64, the batch gathered with
 * `tf.gather` from the in-memory dataset (images NHWC for W3, labels one-hot), a fresh seeded
 * permutation per epoch. Slow backends use the time-bounded window method (lib/epochs.ts).
 */
import * as tf from '@tensorflow/tfjs';
import * as nbdata from '../../src/data/index.js';
import { runEpochLoop } from '../lib/epochs.js';
import { mulberry32 } from '../lib/charbatches.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { cnn, mlp } from './models.js';

function permutation(n: number, seed: number): Int32Array {
  const r = mulberry32(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

export async function runClassify(spec: CellSpec): Promise<CellResult[]> {
  const cnnMode = spec.workload === 'W3';
  const { train, test } = nbdata.fashionMNIST();
  const toTf = (ds: typeof train): [tf.Tensor, tf.Tensor] => {
    const [x, y] = ds.tensors;
    const n = x!.shape[0]!;
    const xs = tf.tensor(x!.storage as Float32Array, cnnMode ? [n, 28, 28, 1] : [n, 784]);
    const ys = tf.oneHot(tf.tensor1d(y!.storage as Int32Array, 'int32'), 10);
    return [xs, ys];
  };
  const [X, Y] = toTf(train);
  const [Xt, Yt] = toTf(test);
  const model = cnnMode ? cnn() : mlp();
  const n = train.length;
  const accs: number[] = [];
  const slow = spec.backend === 'cpu' || cnnMode;
  if (cnnMode && spec.backend === 'wasm') {
    // TF.js's wasm backend has no conv-gradient kernels: say so from the library's own error
    try {
      await model.trainOnBatch(X.slice(0, 2), Y.slice(0, 2));
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return [{
        workload: 'W3', lib: 'tfjs', backend: 'wasm', threads: 1, case: 'epoch', metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
        median: NaN, min: NaN, max: NaN, n: 0, method: '', cpuPar: NaN, error: `cannot train a CNN: ${why} (tfjs-backend-wasm 4.22 has no conv2d gradient kernels)`,
      }];
    }
  }
  const r = await runEpochLoop<Int32Array>({
    *epoch(e: number) {
      const p = permutation(n, e);
      for (let s = 0; s < n; s += 64) yield p.subarray(s, Math.min(n, s + 64));
    },
    size: (b) => b.length,
    step: async (b) => {
      const idx = tf.tensor1d(b, 'int32');
      const xb = tf.gather(X, idx);
      const yb = tf.gather(Y, idx);
      await model.trainOnBatch(xb, yb);
      tf.dispose([idx, xb, yb]);
    },
    afterEpoch: () => {
      const acc = tf.tidy(() => tf.mean(tf.equal(tf.argMax(model.predict(Xt, { batchSize: 1000 }) as tf.Tensor, 1), tf.argMax(Yt, 1)).toFloat()).dataSync()[0]!);
      accs.push(acc);
    },
    samplesPerEpoch: n,
    maxEpochs: 1,
    budgetS: spec.budgetS,
    maxEpochS: spec.quick ? 0 : slow ? 0 : 60,
    windowBudgetS: spec.budgetS,
    windowBatches: slow ? 1 : spec.quick ? 20 : 100,
  });
  const res: CellResult = {
    workload: spec.workload, lib: 'tfjs', backend: spec.backend, threads: 1, case: 'epoch',
    metric: 'samples/s', unit: 'samples/s', higherIsBetter: true, ...r.rate, method: r.method, cpuPar: r.cpuPar,
    epochS: r.epochS, epochs: r.epochs,
  };
  if (accs.length > 0) res.acc = accs[0]!;
  return [res];
}
