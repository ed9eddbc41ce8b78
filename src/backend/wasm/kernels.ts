/**
 * The WebAssembly backend ('wasm'): the kernels of the table (src/backend/kernels/table.ts)
 * compiled to wasm32 with SIMD128 (wasm/nabla.wasm), driven by the same generated wrappers as the
 * native backend (src/backend/native/kernels.gen.ts: dtype checks, reference fallback, the
 * scratch). Where the native backend hands its addon the typed arrays, this one hands them to a
 * table-driven glue: for each array argument of the kernel, in the order of
 * src/backend/kernels/extents.gen.ts, the element range the call touches (from the scratch) is
 * copied into the module's memory (inputs), the export `nb_<kernel>` of native/gen/wasm_exports.cc
 * runs on the copies with the scratch, and the written ranges are copied back. No kernel is
 * declared here: a row added to the table reaches this backend through the generated files.
 */
import type { TypedArray } from '../../core/dtype.js';
import { NablaError } from '../../core/errors.js';
import type { PartialBackend } from '../types.js';
import { KERNELS, type Param } from '../kernels/table.js';
import { EXTENTS, type ArrayExtent } from '../kernels/extents.gen.js';
import { numel } from '../kernels/span.js';
import { nativeKernels, type NativeKernelAddon } from '../native/kernels.gen.js';
import { referenceBackend } from '../reference/index.js';
import { notingWrites } from '../kernels/writes.js';
import { IN, INOUT, OUT, type WasmRuntime } from './runtime.js';

/**
 * The reference kernels this backend falls back on (dtypes the compiled kernels do not take, a
 * few elements, `fill`), reporting what they write: the runtime may keep copies of arrays
 * (resident inputs, see runtime.ts) that such a write makes stale.
 */
const R = notingWrites(referenceBackend);

/** Elementwise calls on fewer elements run the reference kernel (see wasmKernels). */
const SMALL_ELEMENTWISE = 16;
/** Doubles of the scratch the kernels read (the strided block ends at 68, the op code is at 68). */
const SCRATCH_USED = 72;

/** ElemType of native/gen/kernels.h for a typed array. */
function elemType(a: TypedArray): number {
  if (a instanceof Float32Array) return 0;
  if (a instanceof Uint8Array) return 1;
  if (a instanceof Int32Array) return 2;
  if (a instanceof Float64Array) return 3;
  return -1;
}

/** The kind of each array parameter of a kernel (array, strided, view), struct fields included. */
function arrayKinds(params: readonly Param[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of params) {
    if (p.kind === 'struct') for (const f of p.fields) out.set(f.name, f.kind);
    else out.set(p.name, p.kind);
  }
  return out;
}

/**
 * How a written array is copied: an `array` range is written in full (OUT: nothing copied in); a
 * strided or view output may leave gaps in its range, so it is copied in as well (INOUT), unless a
 * strided output covers its range densely (as many elements as the collapsed shape has).
 */
function modeOf(kernel: string, e: ArrayExtent, kind: string | undefined): (S: Float64Array, lo: number, hi: number) => number {
  if (e.role === 'in') return () => IN;
  const full = WRITTEN_IN_FULL_WHEN[kernel]?.[e.name];
  if (full !== undefined) return (S, lo, hi) => (full(S, hi - lo) ? OUT : INOUT);
  if (e.role === 'inout') return () => INOUT;
  if (kind === 'array') return () => OUT;
  if (kind === 'strided') return (S, lo, hi) => (hi - lo === numel(S) ? OUT : INOUT);
  return () => INOUT;
}

/**
 * `inout` arrays that a call writes in full, with no gaps, when its scalars say so (the scratch as
 * the generated wrapper fills it, and the number of elements of the array's range): nothing to
 * copy in then. gemm's C with beta = 0 when its range is dense: ldc = n and, with more than one
 * matrix, strideC = m * n (the scratch indices of kernels.gen.ts: batch 0, m 1, n 2, ldc 13,
 * strideC 14, beta 15).
 */
const WRITTEN_IN_FULL_WHEN: Record<string, Record<string, (S: Float64Array, span: number) => boolean>> = {
  gemm: { c: (S, span) => S[15] === 0 && S[13] === S[2] && (S[0]! <= 1 || S[14] === S[1]! * S[2]!) && span === S[0]! * S[1]! * S[2]! },
};

/**
 * The WebAssembly backend over a started runtime. `direct`: every call goes to the module, also
 * for a few elements (the parity tests hold the compiled kernels themselves to the reference).
 */
export function wasmKernels(rt: WasmRuntime, options: { direct?: boolean } = {}): PartialBackend {
  // the wrappers write the scratch here (a JavaScript array: the module's memory may grow and
  // detach its views); each call copies the used part into the module's scratch
  const S = new Float64Array(512);
  const used = S.subarray(0, SCRATCH_USED);

  type Arr = TypedArray | null | undefined;
  function glue(kernel: string): (...arrays: Arr[]) => void {
    const ext = EXTENTS[kernel]!;
    const kinds = arrayKinds((KERNELS as Record<string, { params: readonly Param[] }>)[kernel]!.params);
    const modes = ext.map((e) => modeOf(kernel, e, kinds.get(e.name)));
    const slots = new Int32Array(ext.length);
    const fn = rt.x[`nb_${kernel}`];
    if (typeof fn !== 'function') throw new NablaError(`wasm: the module has no export nb_${kernel}; rebuild it with \`npm run build:wasm\``);
    const n = ext.length;
    const ptrs = new Int32Array(n), types = new Int32Array(n);
    // one call: the arrays in the order of the extents (at most 10: attentionBackward's)
    return (a0?: Arr, a1?: Arr, a2?: Arr, a3?: Arr, a4?: Arr, a5?: Arr, a6?: Arr, a7?: Arr, a8?: Arr, a9?: Arr): void => {
      rt.begin();
      for (let i = 0; i < n; i++) {
        const a = i === 0 ? a0 : i === 1 ? a1 : i === 2 ? a2 : i === 3 ? a3 : i === 4 ? a4 : i === 5 ? a5 : i === 6 ? a6 : i === 7 ? a7 : i === 8 ? a8 : a9;
        if (a == null) {
          slots[i] = -1;
          types[i] = -1;
          continue;
        }
        const e = ext[i]!;
        const lo = e.lo(S), hi = e.hi(S);
        slots[i] = rt.add(a, lo, hi, modes[i]!(S, lo, hi));
        types[i] = elemType(a);
      }
      rt.commit();
      rt.S.set(used);
      for (let i = 0; i < n; i++) ptrs[i] = slots[i]! < 0 ? 0 : rt.ptr(slots[i]!);
      const sa = rt.scratchAddress();
      let err: number;
      // the exports take (address, dtype) per array, then the scratch: no spread in the common arities
      switch (n) {
        case 2: err = fn(ptrs[0]!, types[0]!, ptrs[1]!, types[1]!, sa); break;
        case 3: err = fn(ptrs[0]!, types[0]!, ptrs[1]!, types[1]!, ptrs[2]!, types[2]!, sa); break;
        case 4: err = fn(ptrs[0]!, types[0]!, ptrs[1]!, types[1]!, ptrs[2]!, types[2]!, ptrs[3]!, types[3]!, sa); break;
        default: {
          const args: number[] = [];
          for (let i = 0; i < n; i++) args.push(ptrs[i]!, types[i]!);
          args.push(sa);
          err = fn(...args);
        }
      }
      if (err !== 0) {
        rt.begin(); // nothing is copied back
        throw new NablaError(`wasm ${rt.cString(err)}`);
      }
      rt.finish();
    };
  }

  const addon: Record<string, unknown> = {};
  for (const kernel of Object.keys(EXTENTS)) addon[kernel] = glue(kernel);
  const k = nativeKernels(addon as unknown as NativeKernelAddon, S, R);
  // (every kernel given here, so that none comes unwrapped from the registry's reference fill-in)
  if (options.direct) return { ...R, name: 'wasm', ...k };
  // Elementwise ops on a few elements cost less as JavaScript loops than as a call into the module
  // (copies, scratch, call: ~1.3 us against ~0.9 us for `a.add(b)` of 1-element tensors, OPS in
  // bench/cell.ts): below SMALL_ELEMENTWISE elements they run the reference kernel.
  const few = (shape: readonly number[]): boolean => {
    let n = 1;
    for (const d of shape) n *= d;
    return n < SMALL_ELEMENTWISE;
  };
  return {
    ...R,
    name: 'wasm',
    ...k,
    unary: (op, x, shape, out) => (few(shape) ? R.unary(op, x, shape, out) : k.unary(op, x, shape, out)),
    binary: (op, a, b, shape, out) => (few(shape) ? R.binary(op, a, b, shape, out) : k.binary(op, a, b, shape, out)),
    where: (cond, a, b, shape, out) => (few(shape) ? R.where(cond, a, b, shape, out) : k.where(cond, a, b, shape, out)),
    copy: (x, shape, out) => (few(shape) ? R.copy(x, shape, out) : k.copy(x, shape, out)),
  };
}
