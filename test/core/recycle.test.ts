/**
 * The backward pass gives the large gradient arrays it made and that are dead (consumed by the
 * op that needed them, held by no tensor) back to allocateUninit, which reuses them for the next
 * array of the same size. Gradients handed out (a leaf's .grad, a retained grad) must never be
 * reused, and a reused array must not be what the pass returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { setUninitAllocator } from '../../src/core/dtype.js';
import { onOp } from '../../src/core/events.js';

/** Counts the host allocations of large uninitialised arrays while `fn` runs. */
function countingHostAllocations<T>(fn: (count: () => number) => T): T {
  let n = 0;
  setUninitAllocator((bytes) => {
    n++;
    return Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;
  });
  try {
    return fn(() => n);
  } finally {
    setUninitAllocator((bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
  }
}

test('a dead gradient array of the backward pass is reused by the next array of its size', () => {
  countingHostAllocations((count) => {
    const x = nb.randn([64, 512], { requiresGrad: true }); // 128 KB: above the uninitialised-allocation floor
    const a = x.mul(2);
    const b = a.mul(3);
    b.sum().backward(); // b's gradient times 3 goes to a and is dead once a's backward has used it
    const before = count();
    const y = x.detach().add(1); // same size: takes the recycled array instead of a new one
    assert.equal(count(), before, 'the dead gradient array was not reused');
    const again = x.detach().add(2); // the pool is empty now: a fresh array
    assert.equal(count(), before + 1);
    // the leaf's gradient was handed out, so it was not the reused array
    assert.ok(x.grad!.data().every((v) => v === 6));
    assert.ok(y.data().every((v, i) => v === Math.fround(x.data()[i]! + 1)));
    assert.ok(again.data().every((v, i) => v === Math.fround(x.data()[i]! + 2)));
  });
});

test('retained and leaf gradients are never reused, and training is unchanged by the reuse', () => {
  countingHostAllocations(() => {
    const x = nb.randn([64, 512], { requiresGrad: true });
    const h = x.mul(2);
    h.retainGrad();
    const k = h.mul(3);
    k.retainGrad();
    k.relu().mul(5).sum().backward();
    const hg = h.grad!.data().slice();
    const kg = k.grad!.data().slice();
    const xg = x.grad!.data().slice();
    // many arrays of the same size after the pass: none may land on a gradient still held
    const others = Array.from({ length: 6 }, (_, i) => x.detach().mul(100 + i));
    assert.deepEqual(h.grad!.data(), hg);
    assert.deepEqual(k.grad!.data(), kg);
    assert.deepEqual(x.grad!.data(), xg);
    for (let i = 0; i < others.length; i++) assert.equal(others[i]!.data()[0], Math.fround(x.data()[0]! * (100 + i)));
  });
  // training on recycled arrays gives the same bits as without recycling (an op listener turns
  // the pass's ownership tracking, and with it the recycling, off)
  const run = (): string => {
    nb.manualSeed(3);
    const m = new nb.nn.Sequential(new nb.nn.Linear(300, 128), new nb.nn.ReLU(), new nb.nn.Linear(128, 256), new nb.nn.ReLU(), new nb.nn.Linear(256, 4));
    const opt = new nb.optim.Adam(m.parameters(), { lr: 1e-2 });
    const xb = nb.randn([96, 300]);
    const yb = nb.tensor(Array.from({ length: 96 }, (_, i) => i % 4), { dtype: 'int32' });
    const out: number[] = [];
    for (let s = 0; s < 5; s++) {
      opt.zeroGrad();
      const loss = new nb.nn.CrossEntropyLoss().forward(m.forward(xb) as nb.Tensor, yb);
      loss.backward();
      opt.step();
      out.push(loss.item());
    }
    return out.map((v) => v.toPrecision(17)).join(',');
  };
  const recycledRun = run();
  const off = onOp(() => {});
  try {
    assert.equal(run(), recycledRun);
  } finally {
    off();
  }
});
