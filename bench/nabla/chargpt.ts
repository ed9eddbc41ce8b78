/**
 * W6 with nabla: the character GPT of WORKLOADS.md (nb.text.CharGPT: token + position embeddings,
 * 4 pre-norm TransformerEncoderLayer(128, 4, 512, gelu) blocks with causal attention, final
 * LayerNorm, Linear 128 -> 65), cross-entropy over all 32*128 positions, AdamW (lr 3e-4, wd 0.01
 * on every parameter). 3 warm-up steps, then a time-bounded run in windows of 2 steps; peak RSS.
 */
import * as nb from '../../src/index.js';
import { loadCorpus } from '../corpus.js';
import { W6, gptBatches, peakRssMB } from '../lib/gptbatches.js';
import { timedSteps } from '../lib/windows.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export async function runCharGpt(spec: CellSpec): Promise<CellResult[]> {
  const { batch, seq, vocab, dModel, heads, layers, ff } = W6;
  const pool = gptBatches(loadCorpus().ids).map((b) => ({
    x: nb.tensor(b.x, { shape: [batch, seq], dtype: 'int32' }),
    y: nb.tensor(b.y, { shape: [batch * seq], dtype: 'int32' }),
  }));
  nb.manualSeed(0);
  const model = new nb.text.CharGPT({ vocabSize: vocab, contextSize: seq, dModel, numHeads: heads, numLayers: layers, dimFeedforward: ff });
  const lossFn = new nb.nn.CrossEntropyLoss();
  const opt = new nb.optim.AdamW(model.parameters(), { lr: 3e-4, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  let loss = NaN;
  const r = await timedSteps(
    (i) => {
      const b = pool[i % pool.length]!;
      opt.zeroGrad();
      const l = lossFn.forward(model.forward(b.x).reshape([batch * seq, vocab]), b.y);
      l.backward();
      opt.step();
      if (i % 8 === 0) loss = l.item();
    },
    { warmup: spec.quick ? 1 : 3, budgetS: spec.budgetS, windowSteps: spec.quick ? 1 : 2, unitsPerStep: batch * seq },
  );
  return [{
    workload: 'W6', lib: 'nabla', backend: spec.backend, threads: spec.threads, case: 'train step',
    metric: 'tokens/s', unit: 'tokens/s', higherIsBetter: true, ...r.rate, method: 'windows', cpuPar: r.cpuPar,
    peakRssMB: peakRssMB(), note: `${model.numParameters()} parameters, loss ${loss.toFixed(3)}`,
  }];
}
