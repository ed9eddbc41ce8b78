/**
 * The WebAssembly backend in headless Chromium (Debian's, through playwright-core): the page
 * (test/browser/page/wasm-main.ts, bundled from the browser entry) starts on 'ts', loads
 * the kernels with `await nb.initWasm()` from the default URLs (wasm/nabla-relaxed.wasm where the
 * engine has relaxed SIMD, else wasm/nabla.wasm; served as application/wasm),
 * checks a product against 'ts', and trains W2's MLP and a small CNN on 'wasm' in the page.
 * Skips when /usr/bin/chromium is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage, serve, skip } from './chromium-env.js';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));


test('in headless Chromium: initWasm loads the kernels, a product matches ts, an MLP and a CNN train on wasm', { skip, timeout: 180_000 }, async (t) => {
  const r = await build({
    entryPoints: [join(ROOT, 'test', 'browser', 'page', 'wasm-main.ts')], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent',
  });
  const { server, origin } = await serve({
    '/': { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>nabla wasm</title><body><script type="module" src="/app/page.js"></script>' },
    '/app/page.js': { type: 'text/javascript', body: r.outputFiles[0]!.text },
    // the default URL: ../../../wasm/nabla.wasm from the module (here /app/page.js)
    '/wasm/nabla.wasm': { type: 'application/wasm', body: readFileSync(join(ROOT, 'wasm', 'nabla.wasm')) },
    '/wasm/nabla-relaxed.wasm': { type: 'application/wasm', body: readFileSync(join(ROOT, 'wasm', 'nabla-relaxed.wasm')) },
    '/favicon.ico': { type: 'image/x-icon', body: new Uint8Array(0) },
  });
  const { page, errors, close } = await openPage('wasm');
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'nablaWasmPage' in globalThis, null, { timeout: 30_000 });
    type Result = {
      before: string; after: string; isa: string; relaxed: boolean; matmulMaxDiff: number; wasmBeforeInit: string;
      mlp: { lossFirst: number; lossLast: number; msPerStepWasm: number; msPerStepTs: number };
      cnn: { lossFirst: number; lossLast: number; msPerStepWasm: number };
    };
    const res = (await page.evaluate(() => (globalThis as unknown as { nablaWasmPage: { run(): Promise<unknown> } }).nablaWasmPage.run())) as Result;
    t.diagnostic(`${res.isa}: W2 MLP batch 64 ${res.mlp.msPerStepWasm.toFixed(1)} ms/step on wasm vs ${res.mlp.msPerStepTs.toFixed(1)} on ts; CNN batch 32 ${res.cnn.msPerStepWasm.toFixed(1)} ms/step`);
    assert.equal(res.before, 'ts');
    assert.match(res.wasmBeforeInit, /setBackend: unknown backend 'wasm' \(the WebAssembly kernels are not loaded: `await nb.initWasm\(\)` loads them\)/);
    assert.equal(res.after, 'wasm');
    // the relaxed-SIMD build where the page's engine validates relaxed SIMD (Chromium does)
    assert.equal(res.isa, res.relaxed ? 'wasm-relaxed-simd' : 'wasm-simd128');
    assert.ok(res.matmulMaxDiff < 1e-3, `wasm and ts products differ by ${res.matmulMaxDiff}`);
    assert.ok(res.mlp.lossLast < 0.5 * res.mlp.lossFirst, `MLP loss ${res.mlp.lossFirst} -> ${res.mlp.lossLast}`);
    assert.ok(res.cnn.lossLast < 0.8 * res.cnn.lossFirst, `CNN loss ${res.cnn.lossFirst} -> ${res.cnn.lossLast}`);
    assert.deepEqual(errors, [], 'no console errors');
  } finally {
    await close();
    server.close();
  }
});
