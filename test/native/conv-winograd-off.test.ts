/**
 * With the Winograd path on (the default), 3x3 stride-1 convolutions with >= 8 channels no longer
 * reach the direct and implicit paths: this reruns the native conv tests and the conv
 * determinism test in a child process with NABLA_CONV_WINOGRAD=0, so those paths stay tested on
 * the same shapes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { availableBackends } from '../../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('native conv tests pass with the Winograd path off (NABLA_CONV_WINOGRAD=0)', { skip: availableBackends().includes('native') ? false : 'native addon not built' }, () => {
  // without NODE_TEST_CONTEXT: inside a test file it makes `node --test` skip running files (and pass)
  const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
  const files = ['test/native/conv.test.ts', 'test/native/conv-determinism.test.ts'];
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], {
    cwd: root, encoding: 'utf8', env: { ...parentEnv, NABLA_CONV_WINOGRAD: '0' }, maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `conv tests with NABLA_CONV_WINOGRAD=0 failed:\n${(r.stdout + r.stderr).slice(-6000)}`);
  const pass = /# pass (\d+)/.exec(r.stdout);
  assert.ok(pass && Number(pass[1]) >= 2, `expected the conv tests to run, got:\n${r.stdout.slice(-2000)}`);
});
