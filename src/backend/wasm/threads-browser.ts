/**
 * Threads for the WebAssembly kernels in a browser: `await nb.initWasmThreads(n)` loads
 * wasm/nabla-threads.wasm (the kernels built with atomics on an imported shared memory) onto a
 * shared `WebAssembly.Memory`, makes it the wasm backend's runtime, and starts n - 1 Web Workers
 * that instantiate the same module on the same memory and run its pool's loop (as
 * threads-node.ts does with node:worker_threads; the protocol of native/wasm/platform.cc, so the
 * results are the same bits on any thread count).
 *
 * Opt-in, and only where it can work: the page must be cross-origin isolated (SharedArrayBuffer),
 * and nabla must itself run in a worker, because the calling thread waits for its helpers with
 * `memory.atomic.wait32`, which a page's main thread may not do. Elsewhere it stays on one thread
 * and `wasmThreadsError()` says why. The first user is a worker like the playground's:
 *
 *   await nb.initWasm();                  // the kernels (one thread)
 *   await nb.initWasmThreads(2);          // 2 when isolated and in a worker, else 1
 */
import { NablaError, describe } from '../../core/errors.js';
import { WA, hasRelaxedSimd, type WasmInstance, type WasmModule } from './api.js';
import { adoptInstance, wasmRuntime } from './runtime.js';
import { INITIAL_PAGES, MAX_PAGES, STACK_BYTES, type ThreadExports } from './threads-module.js';
import { registerWasm } from './index.js';
import { getBackend } from '../registry.js';


/** What a browser worker is, as far as this file needs. */
interface WebWorker {
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
  onerror: ((e: { message?: string }) => void) | null;
}
type WorkerCtor = new (url: string, opts?: { name?: string }) => WebWorker;

// A helper thread (a classic script from a Blob URL): instantiate on the shared memory, take its
// own stack and thread-local block, say so, and loop in the module for good.
const WORKER_SOURCE = `
onmessage = (e) => {
  const { module, memory, tid, block, stack } = e.data;
  const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
  x.__stack_pointer.value = block + stack;
  x.__wasm_init_tls(block + stack);
  postMessage('ready');
  x.nb_worker_loop(tid);
};
`;

interface Threaded {
  module: WasmModule;
  memory: object;
  x: ThreadExports;
  workers: WebWorker[];
}

let threaded: Threaded | null = null;
let unavailable: string | null = null;

/** Why threads cannot run here, or null. */
function whyNot(): string | null {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown; document?: unknown; WorkerGlobalScope?: unknown };
  if (WA === undefined) return 'no WebAssembly';
  if (typeof g.Worker !== 'function') return 'no Web Workers here (in Node use nb.setWasmThreads)';
  if (g.SharedArrayBuffer === undefined || g.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp), so there is no SharedArrayBuffer';
  }
  if (g.WorkerGlobalScope === undefined) return "nabla runs on the page's main thread, which may not wait for other threads: run it in a Web Worker";
  return null;
}

/**
 * Starts the WebAssembly kernels' threads in a browser (see the file's comment); resolves with the
 * thread count in effect: n, or 1 where threads cannot run (`wasmThreadsError()` says why).
 * `source`: the URL of nabla-threads.wasm (default: the files beside nabla-relaxed.wasm and
 * nabla.wasm, `wasm/nabla-threads-relaxed.wasm` of the package where the engine runs relaxed
 * SIMD, else `wasm/nabla-threads.wasm`) or its bytes. Load the kernels first
 * (`await nb.initWasm()`). Calling it again changes the count (more workers start if needed).
 */
export async function initWasmThreads(n: number, options: { source?: string | { href: string } | ArrayBuffer | ArrayBufferView } = {}): Promise<number> {
  if (!Number.isInteger(n) || n < 1) throw new NablaError(`initWasmThreads: the thread count must be a positive integer, got ${describe(n)}`);
  const rt = wasmRuntime();
  if (rt === null) throw new NablaError('initWasmThreads: load the WebAssembly kernels first (`await nb.initWasm()`)');
  if (n === 1 && threaded === null) return rt.x.nb_set_num_threads(1);
  if (threaded === null) {
    unavailable = whyNot();
    if (unavailable !== null) return 1;
    try {
      threaded = await start(options.source);
    } catch (e) {
      unavailable = `loading nabla-threads.wasm failed: ${(e as Error).message.split('\n')[0]}`;
      return 1;
    }
  }
  const t = threaded;
  const Worker = (globalThis as unknown as { Worker: WorkerCtor }).Worker;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const ready: Promise<void>[] = [];
  try {
    while (t.workers.length < n - 1) {
      const tid = t.workers.length + 1;
      const block = t.x.nb_thread_block(STACK_BYTES + t.x.__tls_size.value + 64);
      if (block === 0) break;
      const w = new Worker(url, { name: `nabla-wasm-${tid}` });
      ready.push(new Promise<void>((resolve, reject) => {
        w.onmessage = () => resolve();
        w.onerror = (e) => reject(new NablaError(`initWasmThreads: worker ${tid} failed: ${e.message ?? 'unknown error'}`));
      }));
      w.postMessage({ module: t.module, memory: t.memory, tid, block, stack: STACK_BYTES });
      t.workers.push(w);
      t.x.nb_worker_added();
    }
    // (the pool never waits for a worker that has not joined; waiting here makes the first calls use them)
    await Promise.all(ready);
  } finally {
    URL.revokeObjectURL(url);
  }
  return t.x.nb_set_num_threads(n);
}

async function compileUrl(url: string): Promise<WasmModule> {
  const r = (await fetch(url)) as unknown as { ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> };
  if (!r.ok) throw new NablaError(`fetching ${url} gave HTTP ${r.status}`);
  return WA!.compile(await r.arrayBuffer());
}

async function start(source: string | { href: string } | ArrayBuffer | ArrayBufferView | undefined): Promise<Threaded> {
  const wa = WA!;
  let module: WasmModule;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    module = await wa.compile(source);
  } else if (source === undefined) {
    // the relaxed-SIMD build where the engine runs it (as initWasm chooses), else SIMD128; each
    // URL written out in full, so that bundlers which copy assets see both files
    const plain = (): Promise<WasmModule> => compileUrl(new URL('../../../wasm/nabla-threads.wasm', import.meta.url).href);
    module = hasRelaxedSimd()
      ? await compileUrl(new URL('../../../wasm/nabla-threads-relaxed.wasm', import.meta.url).href).catch(plain)
      : await plain();
  } else {
    module = await compileUrl(typeof source === 'string' ? source : source.href);
  }
  const W = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => object } }).WebAssembly;
  const memory = new W.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
  const instance = await wa.instantiate(module, { env: { memory } });
  const x = { ...instance.exports, memory } as unknown as ThreadExports;
  const wasCurrent = getBackend() === 'wasm';
  adoptInstance({ exports: x } as unknown as WasmInstance);
  registerWasm(wasCurrent);
  return { module, memory, x, workers: [] };
}

/** Why the WebAssembly kernels run on one thread in this browser (null if threads started or were not asked for). */
export function wasmThreadsErrorBrowser(): string | null {
  return unavailable;
}
