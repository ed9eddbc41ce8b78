#!/usr/bin/env node
// Writes the files generated from the kernel table (src/backend/kernels/table.ts; the generator is
// tools/kernels/codegen.ts): native/gen/{kernels.h,napi_glue.inc,wasm_exports.cc},
// src/backend/native/kernels.gen.ts and src/backend/kernels/extents.gen.ts. They are committed, so
// building the addon needs no TypeScript; test/backends/kernel-table.test.ts fails when they are stale.
//
//   npm run gen:kernels            write them (only files whose text changed)
//   node scripts/gen-kernels.mjs --if-possible   the same, skipped without tsx (an installed package)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ifPossible = process.argv.includes('--if-possible');
if (!existsSync(join(root, 'tools', 'kernels', 'write.ts')) || !existsSync(join(root, 'node_modules', 'tsx'))) {
  if (ifPossible) process.exit(0);
  console.error('gen-kernels: needs the repository checkout with its dev dependencies (tsx); run `npm install`');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'tools', 'kernels', 'write.ts')], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
