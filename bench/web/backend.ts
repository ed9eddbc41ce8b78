/**
 * Selects nabla's backend for a cell by name ('native', 'wasm', 'ts') and its thread count, in
 * Node and in the browser page alike. A backend that is not registered in this build or on this
 * engine makes the cell SKIP with a message naming what is missing (never a silent fallback to
 * another backend: the figure would be labelled with the wrong name).
 */
import * as nb from '../../src/index.js';

/** Thrown to skip a cell; bench/cell.ts (and the browser runner) print it as "SKIPPED <message>". */
export class SkipCell extends Error {
  override readonly name = 'SkipCell';
}

/** The loader a backend may need before it is registered (the wasm module is compiled asynchronously). */
async function loadIfNeeded(name: string): Promise<void> {
  if (nb.availableBackends().includes(name)) return;
  if (name === 'wasm') {
    // nb.initWasm(source?, { select }): in a page it fetches wasm/nabla.wasm beside the package
    try {
      await nb.initWasm(undefined, { select: false });
    } catch (e) {
      throw new SkipCell(`nabla backend 'wasm' did not load: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** The wasm backend's thread count (wasmInfo().threads), or null when this build does not report it. */
function wasmThreads(): number | null {
  return nb.wasmInfo()?.threads ?? null;
}

/**
 * Sets the wasm backend's threads with whatever this build offers (`initWasmThreads`, which in a
 * browser starts Web Workers and in Node is `setWasmThreads`; else `setNumThreads` reaching it);
 * returns the count in effect (wasmInfo().threads). Why it could not is in `wasmThreadsError()`.
 */
async function setWasmThreads(n: number): Promise<number | null> {
  const api = nb as unknown as Record<string, unknown>;
  if (wasmThreads() === n) return n;
  if (typeof api['initWasmThreads'] === 'function') await (api['initWasmThreads'] as (n: number) => Promise<number>)(n);
  else if (typeof api['setWasmThreads'] === 'function') (api['setWasmThreads'] as (n: number) => unknown)(n);
  else nb.setNumThreads(n);
  return wasmThreads();
}

/** Why the wasm backend has no threads here, if the build says. */
function threadsError(): string | null {
  const api = nb as unknown as Record<string, unknown>;
  return typeof api['wasmThreadsError'] === 'function' ? (api['wasmThreadsError'] as () => string | null)() : null;
}

/** Makes `name` current with `threads` threads (0 = leave the default); returns the thread count in effect. */
export async function useBackend(name: string, threads: number): Promise<number> {
  await loadIfNeeded(name);
  if (!nb.availableBackends().includes(name)) {
    const why = name === 'native' ? ` (${nb.nativeLoadError() ?? 'the addon did not load'})` : name === 'wasm' ? ' (this build has no WebAssembly backend yet, or its module did not load)' : '';
    throw new SkipCell(`nabla backend '${name}' is not registered${why}; available: ${nb.availableBackends().join(', ')}`);
  }
  nb.setBackend(name);
  if (name === 'ts') {
    if (threads > 1) throw new SkipCell("nabla's ts backend is single-threaded");
    return 1;
  }
  if (name === 'wasm') {
    if (threads <= 0) return wasmThreads() ?? 1;
    const got = await setWasmThreads(threads);
    if (got !== threads) throw new SkipCell(`nabla wasm: asked for ${threads} thread${threads > 1 ? 's' : ''}, the WebAssembly backend runs ${got ?? 'an unreported number of'} here${threads > 1 ? ` (${threadsError() ?? 'no thread pool for it in this build or on this engine'})` : ''}`);
    return got;
  }
  if (threads > 0) {
    nb.setNumThreads(threads);
    const got = nb.getNumThreads();
    if (got !== threads) throw new SkipCell(`nabla ${name}: asked for ${threads} threads, the backend runs ${got} here`);
  }
  return nb.getNumThreads();
}
