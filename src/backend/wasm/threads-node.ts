/**
 * Threads for the WebAssembly kernels in Node: wasm/nabla-threads.wasm (the kernels built with
 * atomics on an imported shared memory, scripts/build-wasm.mjs) instantiated on the main thread
 * and, once per extra thread, in a worker (node:worker_threads) on the same WebAssembly.Memory,
 * so addresses and function-table indices agree. Each worker gets a block (its stack and
 * thread-local storage) allocated by the main thread and then runs the module's `nb_worker_loop`
 * (the pool of native/wasm/platform.cc: jobs posted through shared memory, the caller never
 * waits for a worker that has not joined, so results do not depend on the thread count).
 *
 * `setWasmThreads(n)` with n > 1 switches the backend to the threaded module on first use (the
 * storage stays in JavaScript arrays, so nothing moves) and starts workers up to n - 1; n = 1 runs
 * everything on the caller. Workers are unref'd: they never keep the process alive. Where there
 * is no SharedArrayBuffer, or the file is missing, it stays at one thread.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { WA, type WasmInstance, type WasmModule } from './api.js';
import { findWasmFile } from './node.js';
import { adoptInstance, wasmRuntime } from './runtime.js';
import { INITIAL_PAGES, MAX_PAGES, STACK_BYTES, type ThreadExports } from './threads-module.js';
import { registerWasm } from './index.js';
import { getBackend, setBackend } from '../registry.js';


interface Threaded {
  module: WasmModule;
  memory: object;
  x: ThreadExports;
  workers: Worker[];
}

let threaded: Threaded | null = null;
let unavailable: string | null = null;

// The worker's code (CommonJS, run with eval): instantiate on the shared memory, take its own
// stack and thread-local block, and loop in the module until nb_stop_workers.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, tid, block, stack } = workerData;
const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
x.__stack_pointer.value = block + stack;
x.__wasm_init_tls(block + stack);
x.nb_worker_loop(tid);
`;

function findThreadsWasm(): string | null {
  // the relaxed-SIMD build where Node validates it, as for one thread
  return process.env['NABLA_WASM_THREADS_PATH'] || findWasmFile('nabla-threads.wasm', 'nabla-threads-relaxed.wasm');
}

/** Loads the threaded module and makes it the wasm backend's runtime; null (and why) if it cannot. */
function startThreaded(): Threaded | null {
  if (threaded !== null || unavailable !== null) return threaded;
  const g = globalThis as { SharedArrayBuffer?: unknown; WebAssembly?: { Memory: new (d: object) => object } };
  if (WA === undefined || g.SharedArrayBuffer === undefined || g.WebAssembly === undefined) {
    unavailable = 'no SharedArrayBuffer';
    return null;
  }
  const path = findThreadsWasm();
  if (path === null) {
    unavailable = 'wasm/nabla-threads.wasm not found (build it with `npm run build:wasm`)';
    return null;
  }
  try {
    const module = new WA.Module(readFileSync(path));
    const memory = new g.WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: true });
    const instance = new WA.Instance(module, { env: { memory } });
    const x = { ...instance.exports, memory } as unknown as ThreadExports;
    const wasCurrent = getBackend() === 'wasm';
    adoptInstance({ exports: x } as unknown as WasmInstance);
    registerWasm(wasCurrent);
    threaded = { module, memory, x, workers: [] };
  } catch (e) {
    unavailable = `loading ${path} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return threaded;
}

/**
 * Sets the WebAssembly kernels' thread count (workers started as needed); returns the count in
 * effect (1 where threads are unavailable, see `wasmThreadsError()`).
 */
export function setWasmThreads(n: number): number {
  const rt = wasmRuntime();
  if (rt === null) return 1;
  if (n <= 1 && threaded === null) return rt.x.nb_set_num_threads(1);
  const t = startThreaded();
  if (t === null) return 1;
  while (t.workers.length < n - 1) {
    const tid = t.workers.length + 1;
    const tls = t.x.__tls_size.value;
    const block = t.x.nb_thread_block(STACK_BYTES + tls + 64);
    if (block === 0) break;
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module: t.module, memory: t.memory, tid, block, stack: STACK_BYTES } });
    w.unref();
    t.workers.push(w);
    t.x.nb_worker_added();
  }
  return t.x.nb_set_num_threads(n);
}

/** The browser entry's `initWasmThreads(n)` in Node: `setWasmThreads(n)`. */
export async function initWasmThreads(n: number): Promise<number> {
  return setWasmThreads(n);
}

/** Why the wasm backend cannot use threads here (null if it can, or has not tried). */
export function wasmThreadsError(): string | null {
  return unavailable;
}

/** Stops the workers (their loops return and the workers exit); the kernels run on one thread after. */
export async function stopWasmThreads(): Promise<void> {
  if (threaded === null) return;
  threaded.x.nb_stop_workers();
  const ws = threaded.workers;
  threaded.workers = [];
  // ref'd while they wind down: an unref'd worker still starting would let the event loop end
  // with this promise pending (the caller's `await` then never returns)
  await Promise.all(ws.map((w) => new Promise((resolve) => {
    if (w.threadId < 0) return resolve(0);
    w.ref();
    w.once('exit', resolve);
  })));
}
