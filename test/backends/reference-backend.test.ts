/**
 * Every model test on both backends. The suite runs on the default backend (native when the
 * addon is built); this file runs the model-level suites again on the TypeScript reference
 * backend, in a child process with NABLA_BACKEND=ts. (Kernel-by-kernel parity of the native
 * backend against the reference is in test/native/.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableBackends } from '../../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SUITES = ['core', 'nn', 'optim', 'cnn', 'rnn', 'train'];

test('model suites pass on the reference backend too', (t) => {
  if (!availableBackends().includes('native')) {
    t.skip('the native addon is not built, so the main run already used the reference backend');
    return;
  }
  const files = SUITES.flatMap((d) => {
    const dir = path.join(root, 'test', d);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => path.join('test', d, f)) : [];
  });
  // without NODE_TEST_CONTEXT: inside a test file it makes `node --test` skip running files (and pass)
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', ...files], {
    cwd: root,
    encoding: 'utf8',
    env: { ...parentEnv, NABLA_BACKEND: 'ts' },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `reference-backend run failed:\n${(r.stdout + r.stderr).slice(-6000)}`);
});
