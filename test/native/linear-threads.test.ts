/**
 * A Linear layer's backward is one kernel call (linearBackward): with two threads and a medium
 * size, dx and dw run side by side, each on one thread; otherwise each product is split over the
 * threads in turn. Every element must come out the same either way (a product's sums run in the
 * same order on one thread or two), so the thread count never changes a training run's bits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';

const native = nb.availableBackends().includes('native');

function grads(rows: number, inF: number, outF: number): Uint32Array[] {
  nb.manualSeed(3);
  const lin = new nb.nn.Linear(inF, outF);
  const x = nb.randn([rows, inF], { requiresGrad: true });
  const y = lin.forward(x);
  y.mul(nb.randn([rows, outF])).sum().backward();
  return [x.grad!, lin.weight.grad!, lin.bias!.grad!].map((t) => new Uint32Array((t.data() as Float32Array).slice().buffer));
}

test('native Linear backward: the same bits on one and two threads, side by side or split', { skip: native ? false : 'native addon not built' }, () => {
  const prevBackend = nb.getBackend();
  const prevThreads = nb.getNumThreads();
  nb.setBackend('native');
  try {
    // 128 x 512 x 64 (the two products side by side), 64 x 40 x 17 (one thread), 256 x 512 x 256 (each split)
    for (const [rows, inF, outF] of [[128, 512, 64], [64, 40, 17], [256, 512, 256]] as const) {
      nb.setNumThreads(1);
      const one = grads(rows, inF, outF);
      nb.setNumThreads(2);
      const two = grads(rows, inF, outF);
      ['dx', 'dw', 'db'].forEach((name, i) => assert.deepEqual(two[i], one[i], `${name} of ${rows} x ${inF} x ${outF}`));
      // and against the reference backend, within float32 rounding
      nb.setBackend('ts');
      const ref = grads(rows, inF, outF).map((u) => new Float32Array(u.buffer));
      nb.setBackend('native');
      for (let i = 0; i < 3; i++) {
        const got = new Float32Array(two[i]!.buffer);
        for (let j = 0; j < got.length; j++) assert.ok(Math.abs(got[j]! - ref[i]![j]!) <= 1e-3 * (1 + Math.abs(ref[i]![j]!)), `${rows} x ${inF} x ${outF} output ${i} element ${j}: ${got[j]} vs ${ref[i]![j]}`);
      }
    }
  } finally {
    nb.setBackend(prevBackend);
    nb.setNumThreads(prevThreads);
  }
});
