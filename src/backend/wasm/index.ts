/**
 * The WebAssembly backend's controls, shared by both entries: `initWasm()` loads the module
 * (compiled from the native kernels, wasm/nabla.wasm) asynchronously from bytes, a
 * `WebAssembly.Module`, or a URL (default: the file beside this package), registers the backend as
 * 'wasm' and makes it current unless `{ select: false }`; `wasmInfo()` says which kernels run.
 * Browsers must compile a module of this size asynchronously on the main thread, hence `initWasm`
 * is async; Node also loads it synchronously at import (src/backend/wasm/node.ts).
 */
import { NablaError, describe } from '../../core/errors.js';
import { registerBackend, setBackend } from '../registry.js';
import { wasmKernels } from './kernels.js';
import { adoptInstance, startRuntime, wasmRuntime, type WasmInfo } from './runtime.js';
import { WA, hasRelaxedSimd, isWasmModule, type WasmModule, type WasmResponse } from './api.js';

export type { WasmInfo } from './runtime.js';

/** A URL object (anything with an `href`). */
export interface UrlLike {
  readonly href: string;
}
/** Where the module comes from: its bytes, a compiled module, or a URL to fetch. */
export type WasmSource = ArrayBuffer | ArrayBufferView | WasmModule | UrlLike | string;

/**
 * The URL of wasm/nabla.wasm (or, with `relaxed`, wasm/nabla-relaxed.wasm, the relaxed-SIMD build)
 * relative to this file (src/backend/wasm/ or dist/backend/wasm/).
 */
export function defaultWasmUrl(relaxed = false): string {
  return new URL(relaxed ? '../../../wasm/nabla-relaxed.wasm' : '../../../wasm/nabla.wasm', import.meta.url).href;
}

/** Registers the backend over a started runtime (once) and selects it if asked. */
export function registerWasm(select: boolean): void {
  const rt = wasmRuntime();
  if (rt === null) throw new NablaError('the WebAssembly module is not loaded');
  registerBackend(wasmKernels(rt));
  if (select) setBackend('wasm');
}

/** Starts the runtime on a compiled module and registers the backend (synchronous; Node's path). */
export function loadWasmModule(module: WasmModule, select = false): void {
  startRuntime(module);
  registerWasm(select);
}

/**
 * Loads the WebAssembly kernels and registers the 'wasm' backend, selecting it (unless
 * `select: false`). Resolves at once if they are already loaded (then only selects). Without a
 * source it fetches the relaxed-SIMD build (wasm/nabla-relaxed.wasm) where the engine has relaxed
 * SIMD, falling back to wasm/nabla.wasm if that cannot be fetched, else wasm/nabla.wasm.
 *
 *   await nb.initWasm();                       // the files beside the package
 *   await nb.initWasm('/assets/nabla.wasm');   // a bundler's URL for the file
 */
export async function initWasm(source?: WasmSource, options: { select?: boolean } = {}): Promise<WasmInfo> {
  const select = options.select ?? true;
  checkWasmSource(source);
  if (wasmRuntime() === null) {
    // calls made while the module is on its way share one load
    loading ??= load(source).finally(() => {
      loading = null;
    });
    await loading;
  }
  if (select) setBackend('wasm');
  return wasmInfo()!;
}

let loading: Promise<void> | null = null;

async function load(source: WasmSource | undefined): Promise<void> {
  if (WA === undefined) throw new NablaError('initWasm: this JavaScript engine has no WebAssembly');
  let module: WasmModule;
  if (isWasmModule(source)) {
    module = source;
  } else if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    module = await WA.compile(source);
  } else if (source === undefined) {
    if (hasRelaxedSimd()) {
      try {
        module = await compileFrom(new URL(defaultWasmUrl(true)));
      } catch {
        module = await compileFrom(new URL(defaultWasmUrl()));
      }
    } else {
      module = await compileFrom(new URL(defaultWasmUrl()));
    }
  } else {
    const here = (globalThis as { location?: { href: string } }).location?.href;
    module = await compileFrom(new URL(typeof source === 'string' ? source : source.href, here ?? defaultWasmUrl()));
  }
  const instance = await WA.instantiate(module, {});
  if (wasmRuntime() !== null) return;
  adoptInstance(instance);
  registerWasm(false);
}

async function compileFrom(url: URL): Promise<WasmModule> {
  const wa = WA!;
  if (url.protocol === 'file:') {
    // (Node's entry reads files itself; see node.ts)
    throw new NablaError(`initWasm: cannot fetch ${url.href} here; pass the file's bytes instead`);
  }
  let r: WasmResponse;
  try {
    r = (await fetch(url)) as WasmResponse;
  } catch (e) {
    throw new NablaError(`initWasm: could not fetch ${url.href}: ${(e as Error).message}`);
  }
  if (!r.ok) throw new NablaError(`initWasm: fetching ${url.href} gave HTTP ${r.status} ${r.statusText}`);
  const type = r.headers.get('content-type') ?? '';
  if (wa.compileStreaming !== undefined && type.startsWith('application/wasm')) return wa.compileStreaming(r);
  return wa.compile(await r.arrayBuffer());
}

/**
 * Whether this engine runs WebAssembly relaxed SIMD (Chromium; Node 20 only with
 * `--experimental-wasm-relaxed-simd`): then `initWasm()` and `initWasmThreads()` load the relaxed
 * builds (wasm/nabla-relaxed.wasm, wasm/nabla-threads-relaxed.wasm) by default. For a caller that
 * passes its own URLs (a bundler's), to pick the pair the defaults would:
 *
 *   await nb.initWasm(nb.wasmRelaxedSimd() ? relaxedUrl : plainUrl);
 */
export function wasmRelaxedSimd(): boolean {
  return hasRelaxedSimd();
}

/** The WebAssembly kernels' instruction set, GEMM tile and threads, or null before they are loaded. */
export function wasmInfo(): WasmInfo | null {
  const rt = wasmRuntime();
  return rt === null ? null : rt.info();
}

/** Checks initWasm's source argument; for the entries' argument errors. */
export function checkWasmSource(source: unknown): void {
  if (source === undefined || typeof source === 'string' || isWasmModule(source)) return;
  if (typeof source === 'object' && source !== null && typeof (source as { href?: unknown }).href === 'string') return;
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return;
  throw new NablaError(`initWasm: source must be a URL, a string, bytes or a WebAssembly.Module, got ${describe(source)}`);
}
