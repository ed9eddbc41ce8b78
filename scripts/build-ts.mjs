#!/usr/bin/env node
// Compiles src/ to dist/ with tsc, unless dist/ is already current: dist/.build-stamp holds a
// hash of every input (the files under src/, the tsconfig files, the TypeScript version), and
// when it matches nothing runs (`npm start` then starts at once). `--force` always compiles.
// When it compiles it says so, and removes dist/ first so no output of a deleted source remains.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, hashInputs, readStamp, writeStamp } from './stamp.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stampPath = join(dist, '.build-stamp');
const force = process.argv.includes('--force');

const require = createRequire(import.meta.url);
let tscPath;
let tsVersion = 'none';
try {
  tscPath = require.resolve('typescript/bin/tsc');
  tsVersion = JSON.parse(readFileSync(require.resolve('typescript/package.json'), 'utf8')).version;
} catch {
  tscPath = null;
}

const inputs = [...filesUnder(join(root, 'src')), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')].filter((f) => existsSync(f));
const hash = hashInputs(root, inputs, [tsVersion]);
if (!force && existsSync(join(dist, 'index.js')) && readStamp(stampPath) === hash) process.exit(0);

if (tscPath === null) {
  if (existsSync(join(dist, 'index.js'))) {
    // an installed package (no TypeScript, dist/ shipped): nothing to do
    process.exit(0);
  }
  console.error('nabla: dist/ is missing and TypeScript is not installed; run `npm install` first');
  process.exit(1);
}
const t0 = Date.now();
process.stderr.write(`nabla: compiling TypeScript (src/ -> dist/, ${inputs.length} files)...\n`);
rmSync(dist, { recursive: true, force: true });
const r = spawnSync(process.execPath, [tscPath, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`nabla: tsc failed (exit ${r.status ?? r.signal})`);
  process.exit(r.status ?? 1);
}
writeStamp(stampPath, hash);
process.stderr.write(`nabla: compiled in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
