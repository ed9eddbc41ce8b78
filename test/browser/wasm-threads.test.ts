/**
 * WebAssembly threads in headless Chromium: a cross-origin isolated page (COOP/COEP headers) runs
 * nabla in a module Web Worker (test/browser/page/wasm-threads-worker.ts), where
 * `nb.initWasmThreads(2)` starts a second thread (wasm/nabla-threads-relaxed.wasm, Chromium having
 * relaxed SIMD, in a Blob-URL worker on
 * the same shared memory) and a GEMM gives the same bits on 1 and 2 threads; on the page's main
 * thread (test/browser/page/wasm-threads-main.ts) it stays at one thread and says why.
 * Skips when /usr/bin/chromium is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ISOLATED, openPage, serve, skip } from './chromium-env.js';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

async function bundle(entry: string): Promise<string> {
  const r = await build({ entryPoints: [join(ROOT, 'test', 'browser', 'page', entry)], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent' });
  return r.outputFiles[0]!.text;
}

test('in a Web Worker of an isolated page, initWasmThreads(2) runs the GEMM on two threads with the same bits; the main thread stays at one', { skip, timeout: 120_000 }, async (t) => {
  const wasm = (f: string) => ({ type: 'application/wasm', body: readFileSync(join(ROOT, 'wasm', f)) });
  const { server, origin } = await serve({
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>nabla wasm threads</title><body><script type="module" src="/app/page.js"></script>' },
    '/app/page.js': { type: 'text/javascript', body: await bundle('wasm-threads-main.ts') },
    '/app/worker.js': { type: 'text/javascript', body: await bundle('wasm-threads-worker.ts') },
    '/wasm/nabla.wasm': wasm('nabla.wasm'),
    '/wasm/nabla-relaxed.wasm': wasm('nabla-relaxed.wasm'),
    '/wasm/nabla-threads.wasm': wasm('nabla-threads.wasm'),
    '/wasm/nabla-threads-relaxed.wasm': wasm('nabla-threads-relaxed.wasm'),
    '/favicon.ico': { type: 'image/x-icon', body: new Uint8Array(0) },
  }, ISOLATED);
  const { page, errors, close } = await openPage('threads');
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => (globalThis as unknown as { nablaThreads?: { worker?: unknown } }).nablaThreads?.worker !== undefined, null, { timeout: 60_000 });
    type R = {
      main: { n: number; why: string | null; isolated: boolean };
      worker: { failed?: string; two: number; threadsReported: number; isa: string; error: string | null; backend: string; diff: number; n: number; ms1: number; ms2: number };
    };
    const r = (await page.evaluate(() => (globalThis as unknown as { nablaThreads: unknown }).nablaThreads)) as R;
    assert.equal(r.main.isolated, true, 'the page is cross-origin isolated');
    assert.equal(r.main.n, 1);
    assert.match(r.main.why ?? '', /main thread, which may not wait for other threads: run it in a Web Worker/);
    assert.equal(r.worker.failed, undefined, r.worker.failed);
    assert.equal(r.worker.two, 2, r.worker.error ?? '');
    assert.equal(r.worker.threadsReported, 2);
    // Chromium runs relaxed SIMD: the threads take the relaxed build, as the one-thread kernels do
    assert.equal(r.worker.isa, 'wasm-relaxed-simd');
    assert.equal(r.worker.backend, 'wasm');
    assert.equal(r.worker.n, 300 * 270);
    assert.equal(r.worker.diff, -1, `the 2-thread product differs from the 1-thread one at element ${r.worker.diff}`);
    t.diagnostic(`GEMM 512x512 in the worker: ${r.worker.ms1.toFixed(2)} ms on 1 thread, ${r.worker.ms2.toFixed(2)} ms on 2 (machine shared; not a measurement)`);
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await close();
    server.close();
  }
});
