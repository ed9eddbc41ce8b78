/**
 * W5 with TensorFlow.js, two ways: `model.predict(x).dataSync()` (layers API) and the same raw
 * ops (matMul, add, relu, ..., softmax) inside `tf.tidy`, read with dataSync(). OPS: `tf.add` of
 * two 1-element tensors plus `dispose()` of the result.
 */
import * as tf from '@tensorflow/tfjs';
import { timedRoundsSync } from '../lib/rounds.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { mlp } from './models.js';

export function runLatency(spec: CellSpec): CellResult[] {
  const model = mlp();
  const x = tf.randomUniform([1, 784]);
  const plan = spec.quick ? { warmup: 200, rounds: 5, calls: 200 } : { warmup: 500, rounds: 9, calls: 2000 };
  let sink = 0;
  const predict = timedRoundsSync(() => {
    const y = model.predict(x) as tf.Tensor;
    sink += (y.dataSync() as Float32Array)[0]!;
    y.dispose();
  }, plan);
  const [w1, b1, w2, b2, w3, b3] = model.getWeights() as [tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  const raw = timedRoundsSync(() => {
    const y = tf.tidy(() => {
      const h1 = tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1));
      const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
      return tf.softmax(tf.add(tf.matMul(h2, w3), b3));
    });
    sink += (y.dataSync() as Float32Array)[0]!;
    y.dispose();
  }, plan);
  if (Number.isNaN(sink)) throw new Error('tfjs W5: NaN');
  const base = { workload: 'W5' as const, lib: 'tfjs', backend: spec.backend, threads: spec.threads || 1, metric: 'us/call', unit: 'us', higherIsBetter: false, method: 'reps' };
  return [
    { ...base, case: 'predict', ...predict.us, cpuPar: predict.cpuPar },
    { ...base, case: 'raw ops', ...raw.us, cpuPar: raw.cpuPar },
  ];
}

export function runOps(spec: CellSpec): CellResult[] {
  const a = tf.tensor1d([1]);
  const b = tf.tensor1d([2]);
  const r = timedRoundsSync(() => { tf.add(a, b).dispose(); }, spec.quick ? { warmup: 2000, rounds: 5, calls: 5000 } : { warmup: 20000, rounds: 9, calls: 20000 });
  return [{
    workload: 'OPS', lib: 'tfjs', backend: spec.backend, threads: spec.threads || 1, case: 'add 1-element',
    metric: 'us/op', unit: 'us', higherIsBetter: false, ...r.us, method: 'reps', cpuPar: r.cpuPar,
  }];
}
