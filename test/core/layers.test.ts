/**
 * Layers depend one way: src/core imports nothing from src/ops (Tensor's op methods are installed
 * from ops/install.ts). Walks the import graph from every file under src/core, following relative
 * imports (type-only ones too) through whatever they reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const src = resolve(import.meta.dirname, '..', '..', 'src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (existsSync(target)) out.push(target);
    else if (existsSync(target.replace(/\.ts$/, '.cts'))) out.push(target.replace(/\.ts$/, '.cts'));
    else assert.fail(`${relative(src, file)} imports ${spec}, which does not resolve to a file`);
  }
  return out;
}

/** Every file reachable from `start`, with the chain that reached it. */
function reach(start: string): Map<string, string[]> {
  const seen = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const f = queue.shift()!;
    for (const t of importsOf(f)) {
      if (seen.has(t)) continue;
      seen.set(t, [...seen.get(f)!, t]);
      queue.push(t);
    }
  }
  return seen;
}

test('src/core imports nothing from src/ops, directly or through other modules', () => {
  const core = join(src, 'core');
  const files = readdirSync(core).filter((f) => f.endsWith('.ts')).map((f) => join(core, f));
  assert.ok(files.length > 5);
  for (const f of files) {
    for (const [target, chain] of reach(f)) {
      if (target.startsWith(join(src, 'ops') + '/')) {
        assert.fail(`core reaches ops: ${chain.map((c) => relative(src, c)).join(' -> ')}`);
      }
    }
  }
});

test('the walk sees imports: src/ops/create.ts reaches src/core and src/ops/install.ts', () => {
  const r = reach(join(src, 'ops', 'create.ts'));
  assert.ok(r.has(join(src, 'core', 'tensor.ts')));
  assert.ok(r.has(join(src, 'ops', 'install.ts')));
});
