// The browser run's harness (bench/browser/run.ts), without timing: every page bundles for the
// browser without reaching a node: module, and in headless Chromium the page is cross-origin
// isolated (COOP/COEP: SharedArrayBuffer and wasm threads available), runs a cell and turns a
// backend this build lacks into a skip that names it. Skips without /usr/bin/chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserUnavailable, bundlePage, runBrowserCells, type BrowserCell } from '../../bench/browser/run.js';
import { SKIPPED } from '../../bench/lib/types.js';

const BENCH = fileURLToPath(new URL('../../bench/', import.meta.url));
const peers = existsSync(`${BENCH}node_modules/@tensorflow/tfjs-backend-wasm/package.json`) && existsSync(`${BENCH}node_modules/@jax-js/jax/package.json`);

test('the bench pages bundle for the browser (nabla from its browser entry; the peers when installed)', async () => {
  const js = await bundlePage('nabla');
  assert.ok(js.includes('benchCell'), 'the nabla page exposes benchCell');
  assert.ok(!/from\s*["']node:/.test(js), 'no node: import in the page');
  const worker = await bundlePage('nabla-worker');
  assert.ok(worker.includes('initWasmThreads') && !/from\s*["']node:/.test(worker), 'the nabla worker: the browser entry, no node: import');
  if (!peers) return;
  for (const p of ['tfjs', 'jaxjs'] as const) assert.ok((await bundlePage(p)).includes('benchCell'), `${p} page`);
});

test('in Chromium: the page is cross-origin isolated, a cell runs, a missing backend is skipped by name', { skip: browserUnavailable() ?? false, timeout: 180_000 }, async () => {
  const q = { quick: true, budgetS: 1 };
  const cells: BrowserCell[] = [
    { page: 'nabla', spec: { workload: 'W5', lib: 'nabla', backend: 'ts', threads: 1, ...q } },
    { page: 'nabla', spec: { workload: 'W5', lib: 'nabla', backend: 'no-such-backend', threads: 1, ...q } },
    // more than one thread: the cell runs in the page's worker, where the wasm backend can wait for its helpers
    { page: 'nabla', spec: { workload: 'W5', lib: 'nabla', backend: 'wasm', threads: 2, ...q } },
  ];
  const seen: string[] = [];
  const r = await runBrowserCells(cells, (_l, res, c) => seen.push(`${cells.indexOf(c)} ${res.backend}`));
  assert.equal(r.isolated, true, 'crossOriginIsolated in the page');
  assert.match(r.userAgent ?? '', /Chrome\//);
  assert.deepEqual(seen, ['0 ts', '1 no-such-backend', '2 wasm']);
  const [ok, skipped, threaded] = r.results;
  assert.equal(threaded!.error, undefined, threaded!.error);
  assert.equal(threaded!.threads, 2);
  assert.ok(Number.isFinite(threaded!.median) && threaded!.median > 0);
  assert.equal(ok!.error, undefined, ok!.error);
  assert.equal(ok!.engine, 'chromium');
  assert.equal(ok!.case, 'forward');
  assert.ok(Number.isFinite(ok!.median) && ok!.median > 0);
  assert.ok(skipped!.error?.startsWith(`${SKIPPED}nabla backend 'no-such-backend' is not registered`), skipped!.error);
});
