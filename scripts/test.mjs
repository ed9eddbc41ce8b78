#!/usr/bin/env node
// Runs every test file under test/ with Node's own test runner, through tsx so the
// TypeScript sources are tested directly (no build step needed). Extra arguments are
// passed as file filters: `npm test -- tensor` runs only files whose path contains "tensor".
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}
const filters = process.argv.slice(2);
const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
// src/node/install.ts fills the platform hooks (environment, stderr, uninitialised memory) in every
// test process, also for test files that import internal modules rather than src/index.ts
const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './src/node/install.ts', '--test', '--test-concurrency=2', ...files], {
  cwd: root,
  stdio: 'inherit',
  // uninitialised kernel outputs are filled with NaN / poison values, so a kernel that leaves
  // an element unwritten fails the tests instead of passing on memory that happened to be zero
  env: { ...process.env, NABLA_POISON_UNINIT: process.env.NABLA_POISON_UNINIT ?? '1' },
});
process.exit(r.status ?? 1);
