/**
 * Anomaly mode: nb.detectAnomaly and fit({ detectAnomaly: true }) stop at the first op whose
 * forward or backward makes NaN or infinity, and name the op, the pass, the inputs and the line
 * of this file that made the op.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { hasAnyListener } from '../../src/core/events.js';

const { nn, optim, data } = nb;

/** The line this function is called from (to compare with the line an error names). */
function line(): number {
  const frame = new Error().stack!.split('\n')[2]!;
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

/** Runs fn, which must throw an AnomalyError; returns it. */
function anomaly(fn: () => unknown): nb.AnomalyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof nb.AnomalyError) return e;
    throw e;
  }
  assert.fail('no AnomalyError was thrown');
}

test('a forward op that makes NaN is named with its inputs and the line that called it', () => {
  const x = nb.tensor([[1, -2, 3], [4, 5, 6]], { requiresGrad: true });
  let at = 0;
  const e = anomaly(() =>
    nb.detectAnomaly(() => {
      const y = x.mul(2);
      at = line(); const z = y.sqrt(); // prettier-ignore
      return z.sum();
    }),
  );
  assert.equal(e.op, 'sqrt');
  assert.equal(e.phase, 'forward');
  assert.ok(e instanceof nb.NablaError);
  assert.match(e.message, /^anomaly: sqrt \(forward\) produced NaN in its output float32 \[2,3\] \(first at \[0,1\]\); inputs: float32 \[2,3\]; none of its inputs held NaN or infinity, so the op made it; the op was called at /);
  assert.match(e.where!, new RegExp(`anomaly\\.test\\.ts:${at}:\\d+$`));
  assert.ok(e.message.endsWith(e.where!));
});

test('a backward that makes infinity is named, with the line of its forward', () => {
  const x = nb.tensor([4, 0, 1], { dtype: 'float64', requiresGrad: true });
  let at = 0;
  const e = anomaly(() =>
    nb.detectAnomaly(() => {
      at = line(); const r = x.sqrt(); // prettier-ignore
      r.mul(3).sum().backward();
    }),
  );
  assert.equal(e.phase, 'backward');
  assert.equal(e.op, 'sqrt');
  assert.match(e.message, /^anomaly: sqrt \(backward\) produced infinity in the gradient of its input 0 float64 \[3\] \(first at \[1\]\); inputs: float64 \[3\]; the gradient it received was finite, so its backward made it; the op's forward was called at .*anomaly\.test\.ts:\d+:\d+$/);
  assert.match(e.where!, new RegExp(`anomaly\\.test\\.ts:${at}:`));
});

test('inside a layer the user frame is the caller of the layer, and a NaN parameter is blamed as an input', () => {
  const lin = new nn.Linear(3, 2);
  lin.weight.storage[4] = NaN;
  let at = 0;
  const e = anomaly(() =>
    nb.detectAnomaly(() => {
      at = line(); return lin.forward(nb.ones([5, 3])); // prettier-ignore
    }),
  );
  assert.equal(e.phase, 'forward');
  assert.match(e.message, /^anomaly: linear \(forward\) produced NaN in its output float32 \[5,2\] \(first at \[0,1\]\); inputs: float32 \[5,3\], float32 \[2,3\], float32 \[2\]; input 1 already held NaN at \[1,1\] \(a tensor no op made: data, a parameter or a constant\)/);
  assert.match(e.where!, new RegExp(`anomaly\\.test\\.ts:${at}:`), 'not a frame inside src/');
});

test('a NaN gradient handed to backward() is reported as received, not made', () => {
  const x = nb.tensor([1, 2], { requiresGrad: true });
  const e = anomaly(() => nb.detectAnomaly(() => x.mul(2).backward(nb.tensor([NaN, 1]))));
  assert.equal(e.op, 'mul');
  assert.match(e.message, /the gradient it received already held NaN at \[0\]/);
});

test('detectAnomaly returns the callback\'s value, checks NaN only on request, and leaves no listener behind', () => {
  assert.equal(nb.detectAnomaly(() => nb.tensor([1, 2]).add(1).sum().item()), 5);
  assert.equal(nb.isAnomalyEnabled(), false);
  assert.equal(hasAnyListener(), false, 'off: nobody listens to op events, so ops pay nothing');
  // infinity on purpose (a -inf mask) passes with { infinity: false }; NaN still stops
  const masked = nb.detectAnomaly(() => nb.tensor([1, 2, 3]).maskedFill(nb.tensor([false, true, false]), -Infinity).softmax(0), { infinity: false });
  assert.deepEqual(Array.from(masked.data(), (v) => Number(v.toFixed(4))), [0.1192, 0, 0.8808]);
  assert.throws(() => nb.detectAnomaly(() => nb.tensor([-1]).log(), { infinity: false }), /anomaly: log \(forward\) produced NaN/);
  assert.throws(() => nb.detectAnomaly(() => nb.tensor([0]).log()), /anomaly: log \(forward\) produced -infinity/);
  // after an anomaly the mode is off again
  assert.equal(nb.isAnomalyEnabled(), false);
  assert.equal(hasAnyListener(), false);
  assert.deepEqual(nb.tensor([0]).log().toArray(), [-Infinity], 'outside the mode nothing is checked');
  // nested calls share one listener and restore the outer mode
  nb.detectAnomaly(() => {
    nb.detectAnomaly(() => nb.tensor([1]).exp(), { infinity: false });
    assert.equal(nb.isAnomalyEnabled(), true);
    assert.throws(() => nb.tensor([0]).log(), /-infinity/, 'the outer mode checks infinity again');
  });
  assert.throws(() => nb.detectAnomaly(3 as never), /^NablaError: detectAnomaly: expected a function to run, got 3/);
});

function dataset(n: number, poison = -1): nb.data.TensorDataset {
  nb.manualSeed(3);
  const x = nb.randn([n, 4]);
  if (poison >= 0) x.storage[poison * 4 + 2] = NaN;
  return new data.TensorDataset(x, nb.randint(0, 3, [n]));
}

function train(ds: nb.data.TensorDataset, detect: boolean): nb.train.FitResult {
  nb.manualSeed(1);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
  const ce = new nn.CrossEntropyLoss();
  return nb.fit({
    model,
    loss: (o, y) => ce.forward(o, y),
    optimizer: new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
    train: new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 2 }) as never,
    epochs: 2,
    progress: false,
    log: () => {},
    detectAnomaly: detect,
  });
}

test('fit({ detectAnomaly: true }) trains as without it, and stops at the first op that meets a NaN sample', () => {
  const plain = train(dataset(40), false);
  const checked = train(dataset(40), true);
  assert.deepEqual(checked.history.map((h) => h.trainLoss), plain.history.map((h) => h.trainLoss));
  assert.equal(hasAnyListener(), false);
  const e = anomaly(() => train(dataset(40, 17), true));
  assert.equal(e.op, 'linear');
  assert.equal(e.phase, 'forward');
  assert.match(e.message, /input 0 already held NaN at \[\d+,2\] \(a tensor no op made/);
  // without anomaly mode the same run ends in a NaN loss and says nothing
  assert.ok(Number.isNaN(train(dataset(40, 17), false).history[0]!.trainLoss));
});
