/**
 * Training runs that survive faults and people: kill -9 mid-checkpoint and resume (real child
 * processes), one metrics row per epoch, stale temporary files, the run directory's lock, a
 * refused or failed resume that changes nothing, empty loaders, loss modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

const { nn, optim, data } = nb;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CHILD = path.join(ROOT, 'test', 'helpers', 'fit-child.ts');
const quiet = { progress: false, log: () => {} } as const;

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-faults-'));

function setup(seed = 1) {
  nb.manualSeed(seed);
  const ds = data.moons({ n: 120, noise: 0.1, seed: 2 });
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.Tanh(), new nn.Linear(16, 2));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const train = new data.DataLoader(ds, { batchSize: 32, shuffle: true, seed: 3 });
  return { model, optimizer, train, ds };
}

/** Every file in `dir` with its bytes, to show that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir).sort()) out[f] = fs.readFileSync(path.join(dir, f)).toString('base64');
  return out;
}

const metricsEpochs = (dir: string): number[] =>
  fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { epoch: number }).epoch);

const tempFiles = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));

/** Runs fit-child.ts; with `pauseAt`, waits until it pauses mid-checkpoint and kills it with SIGKILL. */
function child(dir: string, epochs: number, opts: { resume?: boolean; pauseAt?: number } = {}): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, NABLA_NO_NATIVE_WARNING: '1' };
  if (opts.pauseAt !== undefined) env['NABLA_TEST_PAUSE_WRITE'] = `checkpoint.safetensors:${opts.pauseAt}`;
  else delete env['NABLA_TEST_PAUSE_WRITE'];
  const args = ['--import', 'tsx', CHILD, dir, String(epochs), ...(opts.resume ? ['resume'] : [])];
  const p = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.setEncoding('utf8');
  p.stderr.on('data', (s: string) => {
    stderr += s;
    if (opts.pauseAt !== undefined && stderr.includes('nabla-test: paused before renaming')) p.kill('SIGKILL');
  });
  p.stdout.resume();
  return new Promise((resolve) => p.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

test('kill -9 mid-checkpoint, twice, then resume: one metrics row per epoch, no temp files, the same weights as an uninterrupted run', { timeout: 240_000 }, async () => {
  const epochs = 5;
  const whole = tmp();
  const straight = await child(whole, epochs);
  assert.equal(straight.code, 0, straight.stderr);

  const dir = tmp();
  // 1: killed while writing the checkpoint of epoch 2 (its temp file complete, not yet renamed)
  const k1 = await child(dir, epochs, { pauseAt: 2 });
  assert.equal(k1.signal, 'SIGKILL', k1.stderr);
  assert.equal(tempFiles(dir).length, 1, 'the kill left the temporary checkpoint behind');
  assert.ok(fs.existsSync(path.join(dir, '.lock')), 'and a stale lock');
  assert.equal((nb.train.loadCheckpoint(path.join(dir, 'checkpoint.safetensors')).state as { epoch: number }).epoch, 1);
  assert.deepEqual(metricsEpochs(dir), [1]);

  // 2: resumed, then killed again while writing the checkpoint of epoch 3 (its second write)
  const k2 = await child(dir, epochs, { resume: true, pauseAt: 2 });
  assert.equal(k2.signal, 'SIGKILL', k2.stderr);
  assert.match(k2.stderr, /taking over the lock of .* from pid \d+, which is no longer running/);
  assert.match(k2.stderr, /removed 1 unfinished temporary file/);
  assert.match(k2.stderr, /resumed from .* at epoch 1/);
  assert.deepEqual(metricsEpochs(dir), [1, 2]);

  // 3: resumed to the end
  const done = await child(dir, epochs, { resume: true });
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stderr, /resumed from .* at epoch 2/);
  assert.deepEqual(tempFiles(dir), []);
  assert.ok(!fs.existsSync(path.join(dir, '.lock')), 'the lock is released at the end');
  assert.deepEqual(metricsEpochs(dir), [1, 2, 3, 4, 5]);

  const a = nb.train.loadCheckpoint(path.join(whole, 'checkpoint.safetensors'));
  const b = nb.train.loadCheckpoint(path.join(dir, 'checkpoint.safetensors'));
  for (const [k, t] of Object.entries(a.model)) assert.deepEqual([...b.model[k]!.data()], [...t.data()], `parameter ${k}`);
  const ha = (a.state as { history: { trainLoss: number; testAcc: number }[] }).history;
  const hb = (b.state as { history: { trainLoss: number; testAcc: number }[] }).history;
  assert.deepEqual(hb.map((h) => [h.trainLoss, h.testAcc]), ha.map((h) => [h.trainLoss, h.testAcc]));
  // the metrics log agrees with the checkpoint's history, row for row
  const rows = fs.readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { trainLoss: number });
  assert.deepEqual(rows.map((r) => r.trainLoss), hb.map((h) => h.trainLoss));
});

test('resume rewrites metrics.jsonl from the checkpoint: rows of a cut-short epoch and torn lines go', () => {
  const dir = tmp();
  const s = setup();
  nb.fit({ model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: s.train, epochs: 2, outDir: dir, ...quiet });
  // a kill after the metrics row of epoch 3 but before its checkpoint, then one in the middle of a line
  fs.appendFileSync(path.join(dir, 'metrics.jsonl'), JSON.stringify({ epoch: 3, trainLoss: 0.1 }) + '\n{"epoch":4,"trainL');
  fs.writeFileSync(path.join(dir, '.checkpoint.safetensors.999999.0123456789ab.tmp'), 'partial');
  fs.writeFileSync(path.join(dir, 'report.html.999999.1700000000000.tmp'), 'partial');
  fs.writeFileSync(path.join(dir, 'notes.tmp.txt'), 'mine');
  const r = setup();
  const logs: string[] = [];
  nb.fit({ model: r.model, loss: new nn.CrossEntropyLoss(), optimizer: r.optimizer, train: r.train, epochs: 4, outDir: dir, resume: true, progress: false, log: (l) => logs.push(l) });
  assert.deepEqual(metricsEpochs(dir), [1, 2, 3, 4]);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['checkpoint.safetensors', 'metrics.jsonl', 'notes.tmp.txt']);
  assert.ok(logs.some((l) => /removed 2 unfinished temporary files/.test(l)), logs.join('\n'));
});

test('a second run on the same directory is refused while the first is alive; a stale lock is taken over', () => {
  const dir = tmp();
  const lock = path.join(dir, '.lock');
  // this process holds the lock (as a run in progress would)
  fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), started: '2026-01-01T00:00:00Z' }));
  const s = setup();
  assert.throws(
    () => nb.fit({ model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: s.train, epochs: 1, outDir: dir, ...quiet }),
    new RegExp(`fit: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another run \\(pid ${process.pid} on ${os.hostname()}`),
  );
  assert.deepEqual(fs.readdirSync(dir), ['.lock'], 'the refused run wrote nothing');
  assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).pid, process.pid, 'and left the owner\'s lock alone');
  // a lock whose process has exited
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(gone.stdout);
  fs.writeFileSync(lock, JSON.stringify({ pid: deadPid, host: os.hostname(), started: '2026-01-01T00:00:00Z' }));
  const logs: string[] = [];
  nb.fit({ model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: s.train, epochs: 1, outDir: dir, progress: false, log: (l) => logs.push(l) });
  assert.ok(logs.some((l) => l.includes(`from pid ${deadPid}, which is no longer running`)), logs.join('\n'));
  assert.ok(!fs.existsSync(lock), 'released at the end');
  // a lock naming a live PID whose process started at another time: the PID was reused
  fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), procStart: '1', started: '2026-01-01T00:00:00Z' }));
  if (fs.existsSync(`/proc/${process.pid}/stat`)) {
    assert.equal(nb.train.lockOwnerAlive(JSON.parse(fs.readFileSync(lock, 'utf8'))), false);
  }
});

test('resume of a missing run is an error that creates nothing; a failed resume changes nothing on disk', () => {
  const base = tmp();
  const missing = path.join(base, 'never-ran');
  const s = setup();
  const args = { model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: s.train, epochs: 2, ...quiet };
  assert.throws(() => nb.fit({ ...args, outDir: missing, resume: true }), /fit: nothing to resume in .*never-ran: the directory does not exist/);
  assert.ok(!fs.existsSync(missing));
  const empty = path.join(base, 'empty');
  fs.mkdirSync(empty);
  assert.throws(() => nb.fit({ ...args, outDir: empty, resume: true }), /it has no checkpoint\.safetensors/);
  assert.deepEqual(fs.readdirSync(empty), []);

  const dir = path.join(base, 'run');
  nb.fit({ ...args, outDir: dir });
  fs.writeFileSync(path.join(dir, 'config.json'), '{"model":"mine"}\n');
  const before = snapshot(dir);
  // another model's shapes: loading its state dict fails, after the checkpoint was read
  const other = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
  assert.throws(() => nb.fit({ ...args, model: other, optimizer: new optim.Adam(other.parameters()), outDir: dir, resume: true }), /shape|size/i);
  assert.deepEqual(snapshot(dir), before);
  // a torn checkpoint
  const ck = path.join(dir, 'checkpoint.safetensors');
  fs.writeFileSync(ck, fs.readFileSync(ck).subarray(0, 100));
  const torn = snapshot(dir);
  assert.throws(() => nb.fit({ ...args, outDir: dir, resume: true }), /safetensors|checkpoint|truncated|header/i);
  assert.deepEqual(snapshot(dir), torn);
  assert.throws(() => nb.fit({ ...args, resume: true }), /resume: true needs outDir/);
});

test('fit over an empty loader is an error, not a loss of 0', () => {
  const s = setup();
  const empty = new data.TensorDataset(nb.zeros([0, 2]), nb.zeros([0], { dtype: 'int32' }));
  const loader = new data.DataLoader(empty, { batchSize: 4 });
  assert.throws(() => nb.fit({ model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: loader, epochs: 1, ...quiet }), /fit: the training loader has no batches/);
  // a source that claims batches but yields none
  const liar = { length: 3, [Symbol.iterator]: function* (): Iterator<readonly Tensor[]> {} };
  assert.throws(() => nb.fit({ model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: liar, epochs: 1, ...quiet }), /yielded no batches in epoch 1/);
  assert.throws(() => nb.fit({ model: s.model, loss: new nn.CrossEntropyLoss(), optimizer: s.optimizer, train: s.train, test: loader, epochs: 1, ...quiet }), /evaluate: the loader yielded no samples/);
  assert.throws(() => nb.train.evaluate(s.model, loader, new nn.CrossEntropyLoss()), /evaluate: the loader yielded no samples/);
});

test('fit takes a loss module as well as a function, with the same result', () => {
  const a = setup(9);
  const ce = new nn.CrossEntropyLoss();
  const ra = nb.fit({ model: a.model, loss: (o: Tensor, y: Tensor) => ce.forward(o, y), optimizer: a.optimizer, train: a.train, epochs: 2, ...quiet });
  const b = setup(9);
  const rb = nb.fit({ model: b.model, loss: new nn.CrossEntropyLoss(), optimizer: b.optimizer, train: b.train, epochs: 2, ...quiet });
  assert.deepEqual(rb.history.map((h) => h.trainLoss), ra.history.map((h) => h.trainLoss));
  assert.deepEqual([...b.model.parameters()[0]!.data()], [...a.model.parameters()[0]!.data()]);
  assert.throws(() => nb.fit({ model: b.model, loss: 42 as unknown as nb.train.LossLike, optimizer: b.optimizer, train: b.train, epochs: 1, ...quiet }), /fit: loss must be a function \(output, target\) => Tensor or a loss module/);
});
