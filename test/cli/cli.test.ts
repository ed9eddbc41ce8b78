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
  assert.match(r1.err, /unknown command 'trian' \(did you mean 'train'\?\)/);
  const r2 = await run(['train', '--epoch', '3']);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /unknown flag --epoch \(did you mean --epochs\?\); valid flags: --model, --dataset, --epochs/);
  const r3 = await run(['train', '--epochs', 'many']);
  assert.equal(r3.code, 2);
  assert.match(r3.err, /--epochs must be a positive integer, got 'many'/);
  const r4 = await run(['train', '--model', 'transformer']);
  assert.equal(r4.code, 2);
  assert.match(r4.err, /unknown model 'transformer'; choose one of: mlp, cnn/);
  const r5 = await run(['train', '--lr=-1']);
  assert.match(r5.err, /--lr must be a positive number, got '-1'/);
});

test('negative numbers are values: --lr -1 gets the same message as --lr=-1', async () => {
  const spaced = await run(['train', '--lr', '-1']);
  const joined = await run(['train', '--lr=-1']);
  assert.equal(spaced.code, 2);
  assert.equal(spaced.err, joined.err);
  assert.equal(spaced.err, "nabla train: --lr must be a positive number, got '-1'\n");
  const e = await run(['train', '--weight-decay', '-1e-3']);
  assert.match(e.err, /--weight-decay must be a number >= 0, got '-1e-3'/);
  const t = await run(['generate', '-t', '-0.5', '--checkpoint', 'nowhere']);
  assert.match(t.err, /--temperature must be a number >= 0, got '-0\.5'/);
  const lone = await run(['train', '-5']);
  assert.equal(lone.code, 2);
  assert.match(lone.err, /unexpected -5: a negative number must follow a flag that takes a value/);
});

test('stray arguments, --epochs 0 and values given to switches are errors', async () => {
  const stray = await run(['train', 'mnist']);
  assert.equal(stray.code, 2);
  assert.match(stray.err, /^nabla train: unexpected argument 'mnist': it takes no arguments besides flags/);
  const two = await run(['eval', 'a', 'b']);
  assert.equal(two.code, 2);
  assert.match(two.err, /unexpected argument 'b': it takes at most 1 run directory or \.safetensors file/);
  const zero = await run(['train', '--epochs', '0']);
  assert.equal(zero.code, 2);
  assert.match(zero.err, /--epochs must be a positive integer, got '0'/);
  const sw = await run(['train', '--quiet=yes']);
  assert.equal(sw.code, 2);
  assert.match(sw.err, /--quiet is a switch and takes no value/);
  const missing = await run(['train', '--out']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--out needs a value/);
});

test('names are matched case-insensitively, with a suggestion for a typo', async () => {
  for (const args of [['TRAIN', '--help'], ['Eval', '--help']]) {
    const r = await run(args);
    assert.equal(r.code, 0, args.join(' ') + r.err);
    assert.match(r.out, /Usage: nabla/);
  }
  const flag = await run(['train', '--Epochs', '0']);
  assert.match(flag.err, /--epochs must be a positive integer, got '0'/, 'flag names ignore case');
  const model = await run(['train', '--model', 'mpl']);
  assert.match(model.err, /^nabla train: unknown model 'mpl' \(did you mean 'mlp'\?\); choose one of: mlp, cnn, bn-cnn, small-cnn\n$/);
  const dataset = await run(['train', '--dataset', 'fashion-mnsit']);
  assert.match(dataset.err, /unknown dataset 'fashion-mnsit' \(did you mean 'fashion-mnist'\?\)/);
  const sched = await run(['train', '--scheduler', 'cosin']);
  assert.match(sched.err, /unknown scheduler 'cosin' \(did you mean 'cosine'\?\)/);
  const gc = await run(['gradcheck', 'LINEAR', 'Matmul']);
  assert.equal(gc.code, 0, gc.err);
  assert.match(gc.out, /Linear: ok[\s\S]*matmul: ok/);
  const ex = await run(['explain', '--LOSS', 'BCE', '--Format', 'JSON']);
  assert.equal(ex.code, 0, ex.err);
  assert.doesNotThrow(() => JSON.parse(ex.out));
  const exTypo = await run(['explain', '--los', 'bce']);
  assert.match(exTypo.err, /unknown flag '--los' \(did you mean --loss\?\)/);
  const typo = await run(['gradcheck', 'lstn']);
  // both the lstm op (op table) and the LSTM layer exist; either is the nearest name
  assert.match(typo.err, /unknown op or layer 'lstn' \(did you mean '(LSTM|lstm)'\?\)/);
});

test('messages never show class names', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-cli-'));
  const bad = path.join(dir, 'bad.safetensors');
  fs.writeFileSync(bad, 'not a safetensors file');
  const cases = [
    await run(['eval', bad, '--model', 'mlp', '--dataset', 'mnist']),
    await run(['train', '--backend', 'TS', '--model', 'mlp', '--epochs', '1', '--train-size', '0']),
    await run(['generate', '--checkpoint', path.join(dir, 'missing')]),
  ];
  for (const r of cases) {
    assert.notEqual(r.code, 0);
    assert.ok(r.err.length > 0);
    assert.doesNotMatch(r.err, /(Nabla|Shape|DType|FileFormat|Usage|Type|Range)Error/, r.err);
    assert.doesNotMatch(r.err, /^\s+at /m, 'no stack trace');
  }
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
  // a .safetensors file works as the help says: its model and dataset come from the config.json beside it
  const file = await run(['eval', path.join(out, 'model.safetensors')]);
  assert.equal(file.code, 0, file.err);
  assert.equal(file.out, ev.out);
  // a bare weights file elsewhere: the model is recognised from the tensors, the dataset is asked for
  const lone = path.join(dir, 'weights.safetensors');
  fs.copyFileSync(path.join(out, 'model.safetensors'), lone);
  const asked = await run(['eval', lone]);
  assert.equal(asked.code, 2);
  assert.match(asked.err, /which dataset\? .*weights\.safetensors has no config\.json beside it; add --dataset mnist or --dataset fashion-mnist/);
  const given = await run(['eval', lone, '--dataset', 'MNIST']);
  assert.equal(given.code, 0, given.err);
  assert.equal(given.out, ev.out);

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

test('train --weights-out writes the final weights with the run as metadata; eval reads them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nabla-cli-'));
  const file = path.join(dir, 'models', 'digits.safetensors');
  const bad = await run(['train', '--weights-out', path.join(dir, 'digits.bin')]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--weights-out must name a \.safetensors file, got '.*digits\.bin'/);
  const r = await run(['train', '--model', 'small-cnn', '--epochs', '1', '--train-size', '256', '--seed', '3', '--out', path.join(dir, 'run'), '--weights-out', file, '--quiet', '--no-report']);
  assert.equal(r.code, 0, r.err);
  const { loadSafetensors } = await import('../../src/io/safetensors-file.js');
  const { tensors, metadata } = loadSafetensors(file);
  const summary = JSON.parse(fs.readFileSync(path.join(dir, 'run', 'summary.json'), 'utf8')) as { testAccuracy: number; testLoss: number };
  assert.equal(metadata['model'], 'small-cnn');
  assert.equal(metadata['dataset'], 'mnist');
  assert.equal(metadata['seed'], '3');
  assert.equal(metadata['trainSamples'], '256');
  assert.equal(Number(metadata['testAccuracy']), summary.testAccuracy);
  assert.deepEqual(Object.keys(tensors).sort(), ['0.bias', '0.weight', '3.bias', '3.weight', '7.bias', '7.weight', '9.bias', '9.weight']);
  assert.deepEqual(tensors['0.weight']!.shape, [8, 1, 5, 5]);
  // the model is recognised from its tensors (no config.json beside the file)
  const ev = await run(['eval', file, '--dataset', 'mnist']);
  assert.equal(ev.code, 0, ev.err);
  assert.match(ev.out, new RegExp(`^small-cnn on mnist test set \\(2000 samples\\): accuracy ${(100 * summary.testAccuracy).toFixed(2)}%`));
});

test('the confusion matrix prints every label whole', async () => {
  const { confusionLines } = await import('../../src/cli/eval.js');
  const classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot with a long name'];
  const m = classes.map((_, i) => classes.map((__, j) => (i === j ? 1000 : 3)));
  const lines = confusionLines(m, classes);
  classes.forEach((c, i) => assert.ok(lines[i + 2]!.startsWith(`${i} ${c} `), lines[i + 2]));
  const widths = new Set(lines.slice(1).map((l) => l.length));
  assert.equal(widths.size, 1, 'columns line up');
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
  // without the addon the default is the WebAssembly kernels; the one line still says how to build it
  assert.match(lines[0]!, /^nabla: the native addon is not available .*falling back to the WebAssembly kernels.*npm run build:native/);
  const ts = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `await import(${JSON.stringify(new URL('../../src/index.ts', import.meta.url).href)});`], {
    encoding: 'utf8',
    env: { ...process.env, NABLA_NATIVE: '0', NABLA_WASM: '0', NABLA_NO_NATIVE_WARNING: '' },
  });
  const tsLines = ts.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(tsLines.length, 1, ts.stderr);
  assert.match(tsLines[0]!, /^nabla: running on the TypeScript backend.*npm run build:native/);
});
