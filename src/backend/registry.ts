/**
 * Backend registry. `setBackend('ts' | 'native' | 'wasm')` chooses which kernels tensors call. A backend
 * may supply only some kernels; the rest come from the reference backend, kernel by kernel.
 */
import { NablaError } from '../core/errors.js';
import type { Backend, PartialBackend } from './types.js';
import { referenceBackend } from './reference/index.js';
import { dropAllCopies } from '../core/residency.js';

const registered = new Map<string, Backend>([['ts', referenceBackend]]);
let current: Backend = referenceBackend;

/** Registers a (possibly partial) backend; missing kernels fall back to the reference ones. */
export function registerBackend(b: PartialBackend): Backend {
  const full = { ...referenceBackend, ...b } as Backend;
  registered.set(b.name, full);
  return full;
}

export function setBackend(name: string): void {
  const b = registered.get(name);
  if (!b) {
    const hint =
      name === 'native'
        ? ' (the native addon did not load; the line nabla printed at start-up says why and how to build it)'
        : name === 'wasm'
          ? ' (the WebAssembly kernels are not loaded: `await nb.initWasm()` loads them)'
          : '';
    throw new NablaError(`setBackend: unknown backend '${name}'${hint}; available: ${[...registered.keys()].join(', ')}`);
  }
  // copies of storage kept by one backend (core/residency.ts) go stale while another writes
  if (b !== current) dropAllCopies();
  current = b;
}

export function getBackend(): string {
  return current.name;
}

export function availableBackends(): string[] {
  return [...registered.keys()];
}

/** The kernels of the current backend. */
export function B(): Backend {
  return current;
}

/** The kernels of a named backend (for parity tests). */
export function backendByName(name: string): Backend {
  const b = registered.get(name);
  if (!b) throw new NablaError(`unknown backend '${name}'`);
  dropAllCopies(); // the caller may write with it
  return b;
}
