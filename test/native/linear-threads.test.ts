/**
 * A Linear layer's backward is one kernel call (linearBackward): with two threads and a medium
 * size, dx and dw run side by side, each on one thread; otherwise each product is split over the
 * threads in turn. Every element must come out the same either way (a product's sums run in the
 * same order on one thread or two), so the thread count never changes a training run's bits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { backendByName } from '../../src/backend/registry.js';

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

test('linearBackward called directly: an output without the operand it needs is refused, on every backend', () => {
  for (const name of nb.availableBackends()) {
    const b = backendByName(name);
    const base = { rows: 2, inF: 3, outF: 4, g: new Float32Array(8), gOffset: 0, ldg: 4, transG: false, x: null, xOffset: 0, ldx: 3, transX: false, w: null, wOffset: 0, ldw: 3, transW: false, dx: null, dw: null, db: null };
    assert.throws(() => b.linearBackward({ ...base, dx: new Float32Array(6) }), /dx needs w/, name);
    assert.throws(() => b.linearBackward({ ...base, dw: new Float32Array(12) }), /dw needs x/, name);
    // db alone needs neither
    const db = new Float32Array(4);
    b.linearBackward({ ...base, g: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), db });
    assert.deepEqual(Array.from(db), [6, 8, 10, 12], name);
  }
});
