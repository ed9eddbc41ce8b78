/**
 * The Node entry's V8 setting (src/node/gc-tune.ts): applied by default, reported by
 * nb.gcTuning(), and left alone when NABLA_GC_TUNE=0 or when the process was started with its own
 * --concurrent-array-buffer-sweeping choice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** nb.gcTuning() in a fresh process with extra environment and node flags */
function tuningIn(env: Record<string, string>, nodeFlags: string[] = []): string {
  const { NODE_TEST_CONTEXT: _, NABLA_GC_TUNE: _t, ...parentEnv } = process.env;
  const r = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e',
    "const nb = await import('./src/index.ts'); process.stdout.write(nb.gcTuning());"], {
    cwd: root, encoding: 'utf8', env: { ...parentEnv, NABLA_NO_NATIVE_WARNING: '1', ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

test('the Node entry turns off concurrent ArrayBuffer sweeping and says so', () => {
  if (process.env['NABLA_GC_TUNE'] === '0') assert.match(nb.gcTuning(), /left alone/);
  else assert.match(nb.gcTuning(), /^--no-concurrent-array-buffer-sweeping /);
  assert.match(tuningIn({}), /^--no-concurrent-array-buffer-sweeping \(.*NABLA_GC_TUNE=0/);
});

test('NABLA_GC_TUNE=0 leaves V8 alone', () => {
  assert.equal(tuningIn({ NABLA_GC_TUNE: '0' }), 'left alone (NABLA_GC_TUNE=0)');
});

test("a --concurrent-array-buffer-sweeping flag of the user's own on node's command line wins", () => {
  assert.match(tuningIn({}, ['--concurrent-array-buffer-sweeping']), /^left alone \(the process was started with its own/);
  assert.match(tuningIn({}, ['--no-concurrent_array_buffer_sweeping']), /^left alone \(the process was started with its own/);
});
