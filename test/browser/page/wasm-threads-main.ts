// The page of test/browser/wasm-threads.test.ts: on the main thread initWasmThreads stays at one
// thread and says why; the worker (wasm-threads-worker.ts) runs on two.
import * as nb from '../../../src/browser.js';

const g = globalThis as unknown as { nablaThreads: { main?: unknown; worker?: unknown } };
g.nablaThreads = {};
void (async () => {
  await nb.initWasm();
  const n = await nb.initWasmThreads(2);
  g.nablaThreads.main = { n, why: nb.wasmThreadsError(), isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated };
  const W = (globalThis as unknown as { Worker: new (u: string, o: object) => { onmessage: (e: { data: unknown }) => void } }).Worker;
  const w = new W('/app/worker.js', { type: 'module' });
  w.onmessage = (e) => {
    g.nablaThreads.worker = e.data;
  };
})();
