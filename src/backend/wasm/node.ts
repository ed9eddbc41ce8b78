/**
 * Node's synchronous load of the WebAssembly kernels (at import, by src/backend/init.ts): finds
 * wasm/nabla.wasm above this module (from src/ and from dist/), compiles it (Node compiles any
 * size synchronously) and registers the 'wasm' backend. Where Node validates relaxed SIMD
 * (`--experimental-wasm-relaxed-simd` in Node 20) it takes wasm/nabla-relaxed.wasm instead
 * (NABLA_WASM_RELAXED=0: not). NABLA_WASM=0 disables it; NABLA_WASM_PATH names another file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initWasm as initWasmFrom, loadWasmModule, wasmInfo, type WasmInfo, type WasmSource } from './index.js';
import { wasmRuntime } from './runtime.js';
import { setBackend } from '../registry.js';
import { NablaError } from '../../core/errors.js';
import { WA, hasRelaxedSimd } from './api.js';

let loadError: string | null = null;
let tried = false;
let loaded = false;

/**
 * The path of wasm/<plain> above this module (from src/ and from dist/), or of wasm/<relaxed> where
 * Node validates relaxed SIMD and NABLA_WASM_RELAXED is not 0; null if neither is found.
 */
export function findWasmFile(plain: string, relaxed: string): string | null {
  const wantRelaxed = hasRelaxedSimd() && process.env['NABLA_WASM_RELAXED'] !== '0';
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const r = join(dir, 'wasm', relaxed);
    if (wantRelaxed && existsSync(r)) return r;
    const p = join(dir, 'wasm', plain);
    if (existsSync(p)) return p;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function findWasm(): string | null {
  return process.env['NABLA_WASM_PATH'] || findWasmFile('nabla.wasm', 'nabla-relaxed.wasm');
}

/** Loads and registers the wasm backend (once); returns whether it is available. */
export function loadWasmBackendSync(): boolean {
  if (tried) return loaded;
  tried = true;
  if (process.env['NABLA_WASM'] === '0') {
    loadError = 'disabled by NABLA_WASM=0';
    return false;
  }
  const path = findWasm();
  if (path === null) {
    loadError = 'wasm/nabla.wasm not found (build it with `npm run build:wasm`)';
    return false;
  }
  if (WA === undefined) {
    loadError = 'this Node has no WebAssembly';
    return false;
  }
  try {
    loadWasmModule(new WA.Module(readFileSync(path)));
    loaded = true;
  } catch (e) {
    loadError = `loading ${path} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return loaded;
}

/** Why the wasm backend is not available in Node (null if it loaded or was not tried). */
export function wasmLoadError(): string | null {
  return loadError;
}

/**
 * Node's `initWasm`: the module is normally loaded at import already, so this only selects the
 * 'wasm' backend (unless `select: false`); with a source, or if loading at import was disabled,
 * it loads from there (a path or file: URL is read from disk).
 */
export async function initWasm(source?: WasmSource, options: { select?: boolean } = {}): Promise<WasmInfo> {
  const select = options.select ?? true;
  if (wasmRuntime() !== null) {
    if (select) setBackend('wasm');
    return wasmInfo()!;
  }
  if (source === undefined) {
    tried = false;
    const saved = process.env['NABLA_WASM'];
    delete process.env['NABLA_WASM'];
    try {
      if (!loadWasmBackendSync()) throw new NablaError(`initWasm: ${loadError ?? 'the WebAssembly module did not load'}`);
    } finally {
      if (saved !== undefined) process.env['NABLA_WASM'] = saved;
    }
    if (select) setBackend('wasm');
    return wasmInfo()!;
  }
  if (typeof source === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) source = readFileSync(source);
  else if (typeof source === 'object' && 'href' in source && source.href.startsWith('file:')) source = readFileSync(new URL(source.href));
  else if (typeof source === 'string' && source.startsWith('file:')) source = readFileSync(new URL(source));
  return initWasmFrom(source, options);
}
