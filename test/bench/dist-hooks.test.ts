// The benchmark cells measure the compiled package: bench/lib/use-dist.mjs maps every import of the
// source tree (src/**.ts through tsx) to dist/**.js, deep imports included, so a cell holds one copy
// of the library. Checked in a child process, as bench/run.ts starts the cells.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function probe(hooks: boolean): { sameInstance: boolean; registryUrl: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-dist-hooks-'));
  try {
    const script = join(dir, 'probe.mts');
    const src = (p: string): string => pathToFileURL(join(ROOT, 'src', p)).href;
    writeFileSync(script, [
      `const a = await import(${JSON.stringify(src('index.ts'))});`,
      `const b = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)});`,
      `const r = await import(${JSON.stringify(src('backend/registry.ts'))});`,
      `const d = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'backend', 'registry.js')).href)});`,
      `console.log(JSON.stringify({ sameInstance: a.setBackend === b.setBackend && r.B === d.B, registryUrl: import.meta.resolve(${JSON.stringify(src('backend/registry.ts'))}) }));`,
    ].join('\n'));
    const args = ['--import', 'tsx', ...(hooks ? ['--import', join(ROOT, 'bench', 'lib', 'use-dist.mjs')] : []), script];
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NABLA_NATIVE: '0', NABLA_WASM: '0', NABLA_NO_NATIVE_WARNING: '1' } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split('\n').pop()!) as { sameInstance: boolean; registryUrl: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('with the hooks, src/ imports load dist/ (one copy of the library); without them, two copies', () => {
  const withHooks = probe(true);
  assert.equal(withHooks.sameInstance, true);
  const without = probe(false);
  assert.equal(without.sameInstance, false);
});
