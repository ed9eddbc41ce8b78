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
  const api = nb as unknown as Record<string, unknown>;
  for (const f of ['loadWasmBackend', 'initWasm', 'ready']) {
    if (name === 'wasm' && typeof api[f] === 'function') {
      await (api[f] as () => unknown)();
      return;
    }
  }
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
    // nb.setNumThreads drives the native addon's pool; the wasm backend's threads are its own
    if (threads > 1) throw new SkipCell(`nabla wasm: this build has no thread pool for the WebAssembly backend (asked for ${threads} threads)`);
    return 1;
  }
  if (threads > 0) {
    nb.setNumThreads(threads);
    const got = nb.getNumThreads();
    if (got !== threads) throw new SkipCell(`nabla ${name}: asked for ${threads} threads, the backend runs ${got} here`);
  }
  return nb.getNumThreads();
}
