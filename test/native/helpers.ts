/**
 * Shared helpers of the native-backend parity tests: seeded data, views, and comparisons. With
 * NABLA_PARITY_BACKEND=wasm the same tests hold the WebAssembly backend (the same C++ kernels
 * compiled to wasm32) to the reference instead (test/wasm/parity.test.ts runs them so).
 */
import type { TestContext } from 'node:test';
import { loadNativeBackend, nativeLoadError, setNativeIsa, nativeInfo } from '../../src/backend/native/index.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import { wasmKernels } from '../../src/backend/wasm/kernels.js';
import { wasmRuntime } from '../../src/backend/wasm/runtime.js';
import { loadWasmBackendSync, wasmLoadError } from '../../src/backend/wasm/node.js';
import { wasmInfo } from '../../src/backend/wasm/index.js';
import type { Backend, PartialBackend, Strided } from '../../src/backend/types.js';
import type { TypedArray } from '../../src/core/dtype.js';

/** 'native' (default) or 'wasm': the backend these parity tests hold to the reference. */
export const target = process.env['NABLA_PARITY_BACKEND'] === 'wasm' ? 'wasm' : 'native';
export const native: PartialBackend | null =
  target === 'wasm' ? (loadWasmBackendSync() ? wasmKernels(wasmRuntime()!, { direct: true }) : null) : loadNativeBackend();
export const ref: Backend = referenceBackend;
export const loadError = target === 'wasm' ? wasmLoadError() : nativeLoadError();

/** The kernels' GEMM tile and blocking (of the ISA in use), for the edge-tile cases. */
export function kernelInfo(): { mr: number; nr: number; mc: number; kc: number; nc: number } {
  return target === 'wasm' ? wasmInfo()! : nativeInfo()!;
}

/** The native kernels with every kernel present (the wrapper implements all but fill). */
export function nb(): Backend {
  return { ...referenceBackend, ...native! } as Backend;
}

/** Skips the test when the addon is not built; returns true if it may run. */
export function needNative(t: TestContext): boolean {
  if (!native) {
    t.skip(target === 'wasm' ? `wasm module not loaded (${loadError})` : 'native addon not built');
    return false;
  }
  return true;
}

/** The instruction sets this CPU can run (the default one first). */
export function isas(): string[] {
  if (!native) return [];
  if (target === 'wasm') return [wasmInfo()!.isa];
  const def = nativeInfo()!.isa;
  const out = [def];
  for (const name of ['avx512', 'avx2', 'generic']) if (name !== def && setNativeIsa(name)) out.push(name);
  setNativeIsa(def);
  return out;
}

/** Runs fn once per supported ISA, restoring the default afterwards. */
export function forEachIsa(fn: (isa: string) => void): void {
  const all = isas();
  try {
    for (const isa of all) {
      if (target !== 'wasm') setNativeIsa(isa);
      fn(isa);
    }
  } finally {
    if (all.length && target !== 'wasm') setNativeIsa(all[0]!);
  }
}

/** mulberry32: a small seeded generator. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randF32(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

export function randInt(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let k = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = k;
    k *= shape[d]!;
  }
  return s;
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function contiguous(data: TypedArray, shape: readonly number[], offset = 0): Strided {
  return { data, offset, strides: contiguousStrides(shape) };
}

/**
 * A random strided view of `shape` of one of several kinds: contiguous, offset, permuted
 * (a transposed layout), every-other-element, or broadcast along some axes (stride 0).
 */
export function randomView(r: () => number, shape: readonly number[], kind: number, make: (n: number) => TypedArray): Strided {
  const nd = shape.length;
  switch (kind % 5) {
    case 0:
      return contiguous(make(size(shape)), shape);
    case 1: {
      const off = randInt(r, 1, 7);
      return contiguous(make(size(shape) + off), shape, off);
    }
    case 2: {
      // stored with the axes reversed, read transposed
      const rev = [...shape].reverse();
      const rs = contiguousStrides(rev);
      return { data: make(size(shape)), offset: 0, strides: shape.map((_, d) => rs[nd - 1 - d]!) };
    }
    case 3: {
      const st = contiguousStrides(shape).map((s) => 2 * s);
      return { data: make(2 * size(shape) + 3), offset: 3, strides: st };
    }
    default: {
      // broadcast: every other axis has stride 0
      const sub = shape.map((n, d) => (d % 2 === 0 ? 1 : n));
      const st = contiguousStrides(sub).map((s, d) => (d % 2 === 0 ? 0 : s));
      return { data: make(size(sub) + 1), offset: 1, strides: st };
    }
  }
}

/** First index where a and b differ beyond atol + rtol*|b| (NaN matches NaN), or -1. */
export function mismatch(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x !== x && y !== y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) return i;
  }
  return -1;
}

export function assertClose(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  const i = mismatch(a, b, rtol, atol);
  if (i === -2) throw new Error(`${what}: lengths differ (${a.length} vs ${b.length})`);
  if (i >= 0) throw new Error(`${what}: element ${i}: native ${a[i]} vs reference ${b[i]} (rtol ${rtol}, atol ${atol})`);
}
