/**
 * W4 with TensorFlow.js: lstm(128, returnSequences) + dense(65, softmax), categorical
 * cross-entropy on one-hot targets, `trainOnBatch` per step; 2 warm-up steps, then a
 * time-bounded run timed per step.
 */
import * as tf from '@tensorflow/tfjs';
import { loadCorpus } from '../corpus.js';
import { W4, charBatches } from '../lib/charbatches.js';
import { timedSteps } from '../lib/windows.js';
import type { CellResult, CellSpec } from '../lib/types.js';
import { charLstm } from './models.js';

export async function runCharLstm(spec: CellSpec): Promise<CellResult[]> {
  const { batch, seq, vocab, hidden } = W4;
  const pool = charBatches(loadCorpus().ids).map((b) => ({
    x: tf.tensor3d(b.x, [batch, seq, vocab]),
    y: tf.oneHot(tf.tensor2d(b.y, [batch, seq], 'int32'), vocab),
  }));
  const model = charLstm(seq, vocab, hidden);
  const r = await timedSteps(
    async (i) => {
      const b = pool[i % pool.length]!;
      await model.trainOnBatch(b.x, b.y);
    },
    { warmup: spec.quick ? 1 : 2, budgetS: spec.budgetS, windowSteps: 1, unitsPerStep: batch * seq },
  );
  return [{
    workload: 'W4', lib: 'tfjs', backend: spec.backend, threads: 1, case: 'train step',
    metric: 'tokens/s', unit: 'tokens/s', higherIsBetter: true, ...r.rate, method: 'windows', cpuPar: r.cpuPar,
  }];
}
