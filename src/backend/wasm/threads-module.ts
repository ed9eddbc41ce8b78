/**
 * What the Node (threads-node.ts) and browser (threads-browser.ts) thread starters share about
 * wasm/nabla-threads.wasm: its shared memory's size, each helper thread's block, and the exports
 * they call beyond the kernels'.
 */
import type { WasmExports } from './runtime.js';

/** The threaded module's initial memory (--initial-memory in scripts/build-wasm.mjs) and its maximum (1 GiB). */
export const INITIAL_PAGES = 512;
export const MAX_PAGES = 16384;
/** A worker's stack (as the module's own, -z stack-size) plus room for its thread-local storage. */
export const STACK_BYTES = 1 << 20;

/** The threaded module's exports: the kernels' plus the pool's (native/wasm/platform.cc). */
export interface ThreadExports extends WasmExports {
  /** allocates a helper thread's stack and thread-local block of `bytes`; 0 when memory is exhausted */
  nb_thread_block(bytes: number): number;
  /** tells the pool one more helper is starting */
  nb_worker_added(): number;
  /** asks the helpers' loops to return */
  nb_stop_workers(): number;
  __tls_size: { value: number };
}
