/** The `nabla` command line: help, bad flags, a short training run with its report, eval, gradcheck. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;

/** Runs the CLI in a child process (as a user would), capturing stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const script = `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, '--', ...args], {
    encoding: 'utf8',
    env: { ...process.env, NABLA_NO_NATIVE_WARNING: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('help everywhere', async () => {
  const top = await run(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.out, /Commands:[\s\S]*train[\s\S]*eval[\s\S]*explain[\s\S]*gradcheck[\s\S]*bench/);
  for (const cmd of ['train', 'eval', 'gradcheck', 'explain', 'bench']) {
    const r = await run([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.out, /Usage: nabla/, cmd);
  }
});

test('bad commands and flags get a clear message', async () => {
  const r1 = await run(['trian']);
  assert.equal(r1.code, 2);
  assert.match(r1.err, /unknown command 'trian'/);
  const r2 = await run(['train', '--epoch', '3']);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /unknown flag --epoch; valid flags: --model, --dataset, --epochs/);
  const r3 = await run(['train', '--epochs', 'many']);
  assert.equal(r3.code, 2);
  assert.match(r3.err, /--epochs must be an integer, got 'many'/);
  const r4 = await run(['train', '--model', 'transformer']);
  assert.equal(r4.code, 1);
  assert.match(r4.err, /unknown model 'transformer'; choose one of: mlp, cnn/);
  const r5 = await run(['train', '--lr=-1']);
  assert.match(r5.err, /--lr must be a positive number/);
});

test('train writes a run directory with a report; eval reads it back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-cli-'));
  const out = path.join(dir, 'run');
  const r = await run(['train', '--epochs', '1', '--train-size', '512', '--out', out, '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /test accuracy \d+\.\d+%/);
  for (const f of ['config.json', 'summary.json', 'metrics.jsonl', 'checkpoint.safetensors', 'model.safetensors', 'report.html']) {
    assert.ok(fs.existsSync(path.join(out, f)), f);
  }
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.match(html, /Confusion matrix/i);
  assert.match(html, /data:image\/png;base64/);
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as { testAccuracy: number };
  const ev = await run(['eval', out]);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, new RegExp(`accuracy ${(100 * summary.testAccuracy).toFixed(2)}%`));
  assert.match(ev.out, /confusion matrix/);

  // --resume of a run that does not exist: an error, and nothing created
  const never = path.join(dir, 'never');
  const missing = await run(['train', '--resume', '--out', never, '--quiet']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--resume: nothing to resume in .*never \(no such directory\)/);
  assert.ok(!fs.existsSync(never));
  // a resume that fails (another model's checkpoint) leaves config.json and everything else as it was
  const before = Object.fromEntries(fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f)).toString('base64')]));
  const wrong = await run(['train', '--model', 'cnn', '--epochs', '2', '--train-size', '512', '--out', out, '--resume', '--quiet']);
  assert.equal(wrong.code, 1, wrong.err);
  const after = Object.fromEntries(fs.readdirSync(out).map((f) => [f, fs.readFileSync(path.join(out, f)).toString('base64')]));
  assert.deepEqual(after, before);
});

test('gradcheck reports the worst element and fails on request of an unknown name', async () => {
  const r = await run(['gradcheck', 'matmul', 'Linear']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /matmul: ok[\s\S]*worst \[[\d,]+\][\s\S]*Linear: ok[\s\S]*weight/);
  const bad = await run(['gradcheck', 'nope']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown op or layer 'nope'/);
});

test('build-native: help, a bad flag, and an up-to-date addon is not rebuilt', async () => {
  const help = await run(['build-native', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: nabla build-native \[--force\]/);
  const bad = await run(['build-native', '--fast']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown argument --fast/);
  const stamp = new URL('../../build/Release/.nabla-native-stamp', import.meta.url);
  if (fs.existsSync(stamp) && fs.existsSync(new URL('../../build/Release/nabla_native.node', import.meta.url))) {
    const r = await run(['build-native']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /native addon is up to date/);
    assert.doesNotMatch(r.err, /compiling/);
  }
});

test('the hint for getting the native backend fits where nabla is installed', async () => {
  const { nativeBuildHint, installedAsDependency } = await import('../../src/backend/native/hint.js');
  assert.equal(installedAsDependency('file:///home/me/app/node_modules/nabla/dist/backend/native/hint.js'), true);
  assert.equal(installedAsDependency('file:///home/me/nabla/src/backend/native/hint.ts'), false);
  assert.match(nativeBuildHint(true), /npm install-scripts approve nabla && npm rebuild nabla.*npx nabla build-native/);
  assert.match(nativeBuildHint(false), /npm run build:native/);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});`], {
    encoding: 'utf8',
    env: { ...process.env, NABLA_NATIVE: '0', NABLA_NO_NATIVE_WARNING: '' },
  });
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /^nabla: running on the TypeScript backend.*npm run build:native/);
});
