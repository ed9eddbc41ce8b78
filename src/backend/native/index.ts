/**
 * The native backend: float32 kernels in C++ (Node-API addon built from native/ by
 * `npm run build:native`), working in place on the tensors' typed arrays.
 *
 * `loadNativeBackend()` returns a PartialBackend or null (then `nativeLoadError()` says why).
 * Every kernel checks its arguments' dtypes on each call: float32 goes to C++ (and, for unary,
 * binary and where, float32 / bool / int32 inputs mixed, with a float32 or bool result), anything
 * else (float64, int32 results, more than 16 collapsed dims) runs the reference kernel instead,
 * call by call, so the native backend is always complete and always correct.
 *
 * The kernel wrappers are generated from the kernel table (src/backend/kernels/table.ts) into
 * kernels.gen.ts. Shapes, strides and geometry travel through a Float64Array owned by the addon
 * ("scratch"), not as JS arrays or objects, so a call allocates nothing and costs well under a
 * microsecond in the glue.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NablaError, describe } from '../../core/errors.js';
import type { PartialBackend } from '../types.js';
import { nativeKernels, type NativeKernelAddon } from './kernels.gen.js';
import { getBackend } from '../registry.js';
import { setWasmThreads } from '../wasm/threads-node.js';
import { wasmInfo } from '../wasm/index.js';

/** The addon's functions (native/addon.cc; the kernels' from native/gen/napi_glue.inc). */
interface Addon extends NativeKernelAddon {
  info(): NativeInfo;
  scratch(): Float64Array;
  setNumThreads(n: number): number;
  setIsa(name: string): boolean;
}

export interface NativeInfo {
  /** instruction set of the kernels in use: 'avx512', 'avx2' or 'generic' */
  isa: string;
  threads: number;
  /** GEMM register tile and cache blocks */
  mr: number;
  nr: number;
  mc: number;
  kc: number;
  nc: number;
  /** the widest instruction set this CPU supports (what runs unless NABLA_ISA asks otherwise) */
  isaBest?: string;
  /** true when NABLA_ISA chose the kernels (e.g. `NABLA_ISA=avx2` on an AVX-512 CPU) */
  isaForced?: boolean;
  /** data cache sizes in bytes the cache blocks were derived from, and their source */
  caches?: { l1d: number; l2: number; l3: number; source: string };
  /** what the addon did to the C library's malloc for large arrays (see native/malloc_tune.h; NABLA_MALLOC_TUNE=0 leaves it alone) */
  malloc?: string;
}

const ADDON_FILE = 'nabla_native.node';
let addon: Addon | null = null;
let loadError: string | null = null;
let tried = false;

/** Finds build/Release/nabla_native.node above this module (works from src/ and from dist/). */
function findAddon(): string | null {
  const override = process.env.NABLA_NATIVE_PATH;
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'build', 'Release', ADDON_FILE);
    if (existsSync(p)) return p;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function loadAddon(): Addon | null {
  if (tried) return addon;
  tried = true;
  if (process.env.NABLA_NATIVE === '0') {
    loadError = 'disabled by NABLA_NATIVE=0';
    return null;
  }
  const path = findAddon();
  if (!path) {
    loadError = `${ADDON_FILE} not found (the addon is not built)`;
    return null;
  }
  try {
    const require = createRequire(import.meta.url);
    addon = require(path) as Addon;
  } catch (e) {
    addon = null;
    loadError = `loading ${path} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  return addon;
}

/** Why the native addon is not available (null if it loaded, or if loading was not tried yet). */
export function nativeLoadError(): string | null {
  return loadError;
}

/** The addon's ISA, thread count and GEMM blocking, or null if it is not loaded. */
export function nativeInfo(): NativeInfo | null {
  const a = loadAddon();
  return a ? a.info() : null;
}

/**
 * Sets the number of threads the native kernels use (default: all cores, or NABLA_NUM_THREADS);
 * when the current backend is 'wasm', the WebAssembly kernels' (`setWasmThreads`) instead.
 */
export function setNumThreads(n: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new NablaError(`setNumThreads: n must be a positive integer, got ${describe(n)}`);
  if (getBackend() === 'wasm') return setWasmThreads(n);
  const a = loadAddon();
  return a ? a.setNumThreads(Math.max(1, Math.floor(n))) : 1;
}

/** The native kernels' thread count, or the WebAssembly kernels' when the current backend is 'wasm'. */
export function getNumThreads(): number {
  if (getBackend() === 'wasm') return wasmInfo()?.threads ?? 1;
  const a = loadAddon();
  return a ? a.info().threads : 1;
}

/** Switches the kernels' instruction set ('avx512' | 'avx2' | 'generic'); for tests. */
export function setNativeIsa(name: string): boolean {
  const a = loadAddon();
  return a ? a.setIsa(name) : false;
}

/**
 * Loads the addon and returns the native backend, or null (see `nativeLoadError()`).
 * `fill` is not included: TypedArray.prototype.fill is already native.
 */
export function loadNativeBackend(): PartialBackend | null {
  const a = loadAddon();
  if (!a) return null;
  // the kernels' wrappers are generated from the kernel table (kernels.gen.ts)
  return { name: 'native', ...nativeKernels(a, a.scratch()) };
}
