/** The training loop: learning, metrics log, checkpoints, exact resumption, early stopping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const { nn, optim, data } = nb;

function setup(seed: number) {
  nb.manualSeed(seed);
  const ds = data.moons({ n: 240, noise: 0.1, seed: 5 });
  const model = new nn.Sequential(new nn.Linear(2, 32), new nn.Tanh(), new nn.Dropout(0.1), new nn.Linear(32, 2));
  const opt = new optim.Adam(model.parameters(), { lr: 0.02 });
  const sched = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
  const loader = new data.DataLoader(ds, { batchSize: 32, shuffle: true, seed: 11 });
  const testLoader = new data.DataLoader(ds, { batchSize: 240 });
  const ce = new nn.CrossEntropyLoss();
  const loss = (o: Tensor, y: Tensor): Tensor => ce.forward(o, y);
  return { model, opt, sched, loader, testLoader, loss };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-fit-'));
}

const quiet = { progress: false, log: () => {} } as const;

test('fit learns spirals and logs metrics.jsonl and a checkpoint each epoch', () => {
  const s = setup(1);
  const dir = tmp();
  const sched = new optim.StepLR(s.opt, { stepSize: 10, gamma: 0.5 });
  const r = nb.fit({ model: s.model, loss: s.loss, optimizer: s.opt, scheduler: sched, train: s.loader, test: s.testLoader, epochs: 30, outDir: dir, ...quiet });
  assert.equal(r.history.length, 30);
  assert.ok(r.history[29]!.trainLoss < r.history[0]!.trainLoss / 2, 'loss falls');
  assert.ok(r.history[29]!.testAcc! > 0.85, `accuracy ${r.history[29]!.testAcc}`);
  assert.deepEqual(r.history.map((h) => h.lr).filter((_, i) => i % 10 === 0), [0.02, 0.01, 0.005]);
  const lines = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { epoch: number });
  assert.deepEqual(lines.map((l) => l.epoch), Array.from({ length: 30 }, (_, i) => i + 1));
  const ck = nb.train.loadCheckpoint(path.join(dir, 'checkpoint.safetensors'));
  assert.equal((ck.state as { epoch: number }).epoch, 30);
  // the checkpoint's model part is a plain state dict: it loads into a fresh model
  const fresh = setup(2).model;
  fresh.loadStateDict(ck.model);
  assert.deepEqual(fresh.parameters()[0]!.data(), s.model.parameters()[0]!.data());
});

test('a run resumed from its checkpoint ends exactly where an uninterrupted run ends', () => {
  const full = setup(3);
  nb.fit({ model: full.model, loss: full.loss, optimizer: full.opt, scheduler: full.sched, train: full.loader, epochs: 5, ...quiet });

  const dir = tmp();
  const a = setup(3);
  nb.fit({ model: a.model, loss: a.loss, optimizer: a.opt, scheduler: a.sched, train: a.loader, epochs: 2, outDir: dir, ...quiet });
  // a new process would start from scratch: new objects, a different global RNG state
  const b = setup(999);
  const r = nb.fit({ model: b.model, loss: b.loss, optimizer: b.opt, scheduler: b.sched, train: b.loader, epochs: 5, outDir: dir, resume: true, ...quiet });
  assert.equal(r.history.length, 5, 'history carries over');
  const pf = full.model.parameters().map((p) => [...p.data()]);
  const pb = b.model.parameters().map((p) => [...p.data()]);
  assert.deepEqual(pb, pf);
});

test('early stopping ends the run when the monitored metric stops improving', () => {
  const s = setup(4);
  const opt = new optim.SGD(s.model.parameters(), { lr: 0 }); // nothing improves
  const r = nb.fit({ model: s.model, loss: s.loss, optimizer: opt, train: s.loader, test: s.testLoader, epochs: 20, earlyStopping: { patience: 2, monitor: 'testLoss' }, ...quiet });
  assert.equal(r.stoppedEarly, true);
  assert.equal(r.history.length, 3);
});

test('callbacks see every epoch and can stop training', () => {
  const s = setup(5);
  const seen: number[] = [];
  let batches = 0;
  const r = nb.fit({
    model: s.model, loss: s.loss, optimizer: s.opt, train: s.loader, epochs: 10, ...quiet,
    callbacks: [{ onEpochEnd: (rec) => (seen.push(rec.epoch), rec.epoch === 3 ? 'stop' : undefined), onBatchEnd: () => void batches++ }],
  });
  assert.deepEqual(seen, [1, 2, 3]);
  assert.equal(batches, 3 * s.loader.length);
  assert.equal(r.stoppedEarly, true);
});

test('evaluate reports loss, accuracy and predictions, and restores training mode', () => {
  const s = setup(6);
  s.model.train();
  const ev = nb.evaluate(s.model, s.testLoader, s.loss, { collect: true });
  assert.equal(ev.predictions!.length, 240);
  assert.ok(ev.accuracy! >= 0 && ev.accuracy! <= 1);
  assert.equal(s.model.training, true);
});

test('the progress bar prints plain lines when not on a terminal', () => {
  const out: string[] = [];
  const bar = new nb.train.ProgressBar({ total: 3, label: 'x', stream: { write: (s: string) => (out.push(s), true), isTTY: false }, plainEveryMs: 0 });
  bar.tick(1, { loss: 0.5 });
  bar.tick(2, { loss: 0.25, acc: 0.9 });
  bar.finish('done');
  assert.match(out[1]!, /^x 3\/3 \(100%\) elapsed 00:00 ETA 00:00 {2}loss 0\.2500 {2}acc 0\.9000\n$/);
  assert.equal(out[2], 'done\n');
  assert.equal(nb.train.formatDuration(3725), '1:02:05');
});
