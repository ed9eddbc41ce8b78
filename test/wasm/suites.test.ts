/**
 * The WebAssembly backend ('wasm', the native kernels compiled to wasm32) held to the same tests
 * as native: in child processes, the kernel parity tests of test/native/ (NaN-poisoned outputs,
 * every edge tile, strided and transposed views) with NABLA_PARITY_BACKEND=wasm, and the model
 * suites with the PyTorch fixtures (cnn, rnn, transformer and decoder fixtures, the op table)
 * with NABLA_BACKEND=wasm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableBackends } from '../../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function filesIn(dirs: string[], skip: (f: string) => boolean = () => false): string[] {
  return dirs.flatMap((d) => {
    const dir = path.join(root, 'test', d);
    return fs.existsSync(dir)
      ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts') && !skip(f)).map((f) => path.join('test', d, f))
      : [];
  });
}

/** Runs the files in a child test runner; returns its exit status, output, and how many tests passed. */
function run(files: string[], env: Record<string, string>): { status: number | null; output: string; passed: number } {
  // without NODE_TEST_CONTEXT: inside a test file it makes `node --test` skip running files
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './src/node/install.ts', '--test', '--test-reporter=tap', ...files], {
    cwd: root,
    encoding: 'utf8',
    env: { ...parentEnv, NABLA_POISON_UNINIT: '1', ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = r.stdout + r.stderr;
  const passed = Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0);
  const failures = out.split('\n').filter((l) => /^\s*not ok /.test(l)).slice(0, 40).join('\n');
  return { status: r.status, output: `${failures}\n...\n${out.slice(-4000)}`, passed };
}

test('kernel parity tests of test/native/ pass on the wasm backend', (t) => {
  if (!availableBackends().includes('wasm')) return t.skip('the wasm module is not loaded');
  // (aarch64-kernels cross-compiles for ARM; conv-determinism is about native threads)
  const files = filesIn(['native'], (f) => f.startsWith('aarch64') || f.startsWith('conv-determinism'));
  const r = run(files, { NABLA_PARITY_BACKEND: 'wasm' });
  assert.equal(r.status, 0, `wasm parity run failed:\n${r.output}`);
  assert.ok(r.passed >= files.length, `only ${r.passed} tests passed in ${files.length} files:\n${r.output}`);
});

test('model suites and PyTorch fixtures pass on the wasm backend', (t) => {
  if (!availableBackends().includes('wasm')) return t.skip('the wasm module is not loaded');
  const files = [
    ...filesIn(['core', 'nn', 'optim', 'cnn', 'rnn', 'train']),
    ...filesIn(['transformer', 'decoder'], (f) => f.startsWith('fixtures')),
    'test/optable/torch.test.ts',
  ].filter((f) => fs.existsSync(path.join(root, f)));
  const r = run(files, { NABLA_BACKEND: 'wasm' });
  assert.equal(r.status, 0, `wasm model-suite run failed:\n${r.output}`);
  assert.ok(r.passed >= files.length, `only ${r.passed} tests passed in ${files.length} files:\n${r.output}`);
});
