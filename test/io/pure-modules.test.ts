/**
 * The byte-level readers run in any JavaScript environment (the browser entry imports them):
 * they and the io/data helpers they import use no `node:*` module, no `process`, no `Buffer`.
 * (src/core/, which they also import, is held to that by the browser build's own test.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['src/io/safetensors.ts', 'src/data/idx.ts', 'src/io/gunzip.ts'];

/** Source without comments and string contents, so that prose mentioning Buffer does not count. */
function code(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

test('safetensors, IDX and gzip byte readers import nothing Node-only', () => {
  const seen = new Set<string>();
  const queue = ENTRIES.map((f) => join(ROOT, f));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = code(readFileSync(file, 'utf8'));
    const name = relative(ROOT, file);
    assert.doesNotMatch(src, /from\s+'node:|import\(\s*'node:|require\(/, `${name} imports a Node module`);
    assert.doesNotMatch(src, /\bprocess\.|\bBuffer\b/, `${name} uses process or Buffer`);
    for (const m of src.matchAll(/from\s+'(\.[^']+)'/g)) {
      const target = join(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      if (relative(ROOT, target).startsWith('src/core/')) continue;
      queue.push(target);
    }
  }
  assert.ok(seen.size >= 8, `walked ${[...seen].map((f) => relative(ROOT, f)).join(', ')}`);
});
