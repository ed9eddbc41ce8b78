/**
 * W4 with nabla: nn.LSTM(65, 128, {batchFirst: true}) + Linear(128, 65) on one-hot inputs
 * [32, 64, 65], CrossEntropyLoss over all 32*64 positions, full BPTT, Adam (eps 1e-8), zero
 * initial state per batch. 5 warm-up steps, then a time-bounded run in windows of 5 steps.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { loadCorpus } from '../corpus.js';
import { W4, charBatches } from '../lib/charbatches.js';
import { timedSteps } from '../lib/windows.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export async function runCharLstm(spec: CellSpec): Promise<CellResult[]> {
  const { batch, seq, vocab, hidden } = W4;
  const pool = charBatches(loadCorpus().ids).map((b) => ({
    x: nb.tensor(b.x, { shape: [batch, seq, vocab] }),
    y: nb.tensor(b.y, { shape: [batch * seq], dtype: 'int32' }),
  }));
  nb.manualSeed(0);
  const lstm = new nb.nn.LSTM(vocab, hidden, { batchFirst: true });
  const fc = new nb.nn.Linear(hidden, vocab);
  const lossFn = new nb.nn.CrossEntropyLoss();
  const opt = new nb.optim.Adam([...lstm.parameters(), ...fc.parameters()], { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8 });
  const slow = spec.backend === 'ts';
  const r = await timedSteps(
    (i) => {
      const b = pool[i % pool.length]!;
      opt.zeroGrad();
      const [out] = lstm.forward(b.x);
      const logits = fc.forward(out as Tensor).reshape([batch * seq, vocab]);
      lossFn.forward(logits, b.y).backward();
      opt.step();
    },
    { warmup: spec.quick ? 1 : slow ? 2 : 5, budgetS: spec.budgetS, windowSteps: spec.quick || slow ? 1 : 5, unitsPerStep: batch * seq },
  );
  return [{
    workload: 'W4', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'train step',
    metric: 'tokens/s', unit: 'tokens/s', higherIsBetter: true, ...r.rate, method: 'windows', cpuPar: r.cpuPar,
  }];
}
