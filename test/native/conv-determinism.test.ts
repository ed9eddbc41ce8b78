/**
 * The native conv weight and bias gradients sum over the batch on two threads: the sums must
 * not depend on which thread took which images (fixed per-slot ranges), so the same seed gives
 * the same bits on every run. Before the fix the accumulators were per thread, filled from a
 * shared counter, and two runs of this training loop parted in the first step. The slots do not
 * depend on the thread count either, so one thread gives the same bits as two.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

const native = nb.availableBackends().includes('native');

function losses(): string {
  nb.manualSeed(0);
  const { nn } = nb;
  const m = new nn.Sequential(
    new nn.Conv2d(1, 16, 3, { padding: 1 }), new nn.ReLU(),
    new nn.Conv2d(16, 32, 3, { padding: 1 }), new nn.ReLU(),
    new nn.Conv2d(32, 8, 1),
  );
  const opt = new nb.optim.Adam(m.parameters(), { lr: 3e-3 });
  const x = nb.randn([32, 1, 40, 40]);
  const y = nb.randn([6, 1, 10, 10]); // a batch that does not split evenly into the slots
  const out: string[] = [];
  for (let i = 0; i < 4; i++) {
    const loss = (m.forward(x) as nb.Tensor).square().mean().add((m.forward(y) as nb.Tensor).square().mean());
    opt.zeroGrad();
    loss.backward();
    opt.step();
    out.push(loss.item().toPrecision(17));
  }
  return [...out, ...m.parameters().map((p) => Array.from(p.data().subarray(0, 8)).join(','))].join(';');
}

test('native conv training on two threads gives the same bits on every run', { skip: native ? false : 'native addon not built' }, () => {
  const prevBackend = nb.getBackend();
  const prevThreads = nb.getNumThreads();
  nb.setBackend('native');
  nb.setNumThreads(2);
  try {
    const first = losses();
    for (let r = 0; r < 4; r++) assert.equal(losses(), first, `run ${r + 2} differs from run 1`);
  } finally {
    nb.setNumThreads(prevThreads);
    nb.setBackend(prevBackend);
  }
});

test('native conv training gives the same bits on one thread as on two', { skip: native ? false : 'native addon not built' }, () => {
  const prevBackend = nb.getBackend();
  const prevThreads = nb.getNumThreads();
  nb.setBackend('native');
  try {
    nb.setNumThreads(1);
    const one = losses();
    nb.setNumThreads(2);
    assert.equal(losses(), one);
  } finally {
    nb.setNumThreads(prevThreads);
    nb.setBackend(prevBackend);
  }
});
