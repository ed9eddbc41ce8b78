/**
 * W2 with TensorFlow.js on plain arrays (the browser page's form, also runnable in Node): the
 * layers-API MLP (bench/tfjs/models.ts) from the shared initial weights, `trainOnBatch` per batch
 * of 64 gathered in JS from the arrays, labels one-hot.
 */
import * as tf from '@tensorflow/tfjs';
import { runEpochLoop } from '../lib/epochs.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { batchesOf, gatherBatch, type Fashion } from '../web/fashion.js';
import { mlpWeights, type MlpWeights } from '../web/weights.js';
import { mlp } from './models.js';

/** The layers-API MLP with the given [out, in] weights (TF.js dense kernels are [in, out]). */
export function tfjsMlp(w: MlpWeights): tf.Sequential {
  const m = mlp();
  const k = (a: Float32Array, out: number, inp: number): tf.Tensor => tf.tensor2d(a, [out, inp]).transpose();
  m.setWeights([k(w.w1, 256, 784), tf.tensor1d(w.b1), k(w.w2, 128, 256), tf.tensor1d(w.b2), k(w.w3, 10, 128), tf.tensor1d(w.b3)]);
  return m;
}

/** One trainOnBatch on arrays; returns the loss (for the parity test). */
export async function tfjsStep(m: tf.Sequential, x: Float32Array, y: Int32Array, n: number): Promise<number> {
  const xb = tf.tensor2d(x.subarray(0, n * 784), [n, 784]);
  const yb = tf.oneHot(tf.tensor1d(y.subarray(0, n), 'int32'), 10);
  const loss = (await m.trainOnBatch(xb, yb)) as number;
  tf.dispose([xb, yb]);
  return loss;
}

export async function tfjsW2(spec: CellSpec, train: Fashion): Promise<CellResult[]> {
  const m = tfjsMlp(mlpWeights(0));
  const xb = new Float32Array(64 * 784);
  const yb = new Int32Array(64);
  const r = await runEpochLoop<Int32Array>({
    epoch: (e) => batchesOf(train.n, e, 64),
    size: (b) => b.length,
    step: async (b) => {
      gatherBatch(train, b, xb, yb);
      await tfjsStep(m, xb, yb, b.length);
    },
    samplesPerEpoch: train.n,
    maxEpochs: 1,
    budgetS: spec.budgetS,
    maxEpochS: spec.quick ? 0 : spec.maxEpochS ?? spec.budgetS,
    windowBudgetS: spec.budgetS,
    windowBatches: spec.quick ? 20 : 100,
  });
  return [{
    workload: 'W2', lib: 'tfjs', backend: spec.backend, threads: spec.threads || 1, case: 'epoch', metric: 'samples/s', unit: 'samples/s', higherIsBetter: true,
    ...r.rate, method: r.method, cpuPar: r.cpuPar, epochS: r.epochS, epochs: r.epochs,
  }];
}
