/**
 * The native kernels on ARM64: scripts/test-kernels.mjs cross-compiles the kernels, their test
 * driver (native/test/kernels_test.cc: NEON GEMM micro-kernel with every edge tile, elementwise,
 * reductions, LSTM/GRU cells, conv2d, each against a scalar oracle) and the whole addon for
 * aarch64, and runs the driver under qemu-aarch64. Skipped when the cross compiler or qemu is
 * missing (Debian: g++-aarch64-linux-gnu qemu-user). Objects are cached in build/kernel-test/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const has = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const missing = ['aarch64-linux-gnu-g++', 'qemu-aarch64'].filter((c) => !has(c));

test('aarch64 kernels (NEON) match the scalar oracles under qemu', { skip: missing.length ? `not installed: ${missing.join(', ')}` : false, timeout: 600_000 }, () => {
  const r = spawnSync(process.execPath, ['scripts/test-kernels.mjs', '--arch', 'aarch64'], { cwd: root, encoding: 'utf8' });
  const out = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.status, 0, out.slice(-3000));
  assert.match(out, /gemm \(MR 8, NR 12, KC \d+\): ok/);
  assert.match(out, /AArch64/);
  assert.match(out, / 0 failure\(s\), 1 kernel set\(s\)/);
});
