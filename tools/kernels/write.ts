/** Writes the generated kernel files (see codegen.ts); prints the ones that changed. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from './codegen.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
for (const [path, text] of generate()) {
  const file = join(root, path);
  if (existsSync(file) && readFileSync(file, 'utf8') === text) continue;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`gen-kernels: wrote ${path}`);
}
