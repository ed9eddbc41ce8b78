/**
 * Argument marshalling shared by the table-driven kernel wrappers (kernels.gen.ts): the strided
 * operands' collapsed shape and strides go into the scratch's strided block (layout in
 * tools/kernels/codegen.ts: offsets S[0..3), rank S[3], shape S[4..20), operand j's strides
 * S[20 + 16 j ..)).
 */
import type { TypedArray } from '../../core/dtype.js';
import type { Strided } from '../types.js';

const MAX_DIMS = 16;

/** float32, bool or int32 storage (the input types of the native elementwise kernels). */
export function elem(x: TypedArray): x is Float32Array | Uint8Array | Int32Array {
  return x instanceof Float32Array || x instanceof Uint8Array || x instanceof Int32Array;
}

/**
 * Merges axes that every operand walks contiguously, drops size-1 axes, and writes offsets,
 * rank, shape and strides into the scratch. Returns the rank, 0 for an empty tensor, or -1 if
 * there are too many axes (the caller falls back).
 */
export function prep(S: Float64Array, shape: readonly number[], nops: number, o0: Strided, o1?: Strided, o2?: Strided): number {
  let nd = 0;
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 0) return 0;
    if (n === 1) continue;
    const s0 = o0.strides[d]!;
    const s1 = nops > 1 ? o1!.strides[d]! : 0;
    const s2 = nops > 2 ? o2!.strides[d]! : 0;
    if (
      nd > 0 &&
      S[20 + nd - 1] === s0 * n &&
      (nops < 2 || S[36 + nd - 1] === s1 * n) &&
      (nops < 3 || S[52 + nd - 1] === s2 * n)
    ) {
      S[4 + nd - 1] = S[4 + nd - 1]! * n;
      S[20 + nd - 1] = s0;
      S[36 + nd - 1] = s1;
      S[52 + nd - 1] = s2;
      continue;
    }
    if (nd === MAX_DIMS) return -1;
    S[4 + nd] = n;
    S[20 + nd] = s0;
    S[36 + nd] = s1;
    S[52 + nd] = s2;
    nd++;
  }
  if (nd === 0) {
    S[4] = 1;
    S[20] = 0;
    S[36] = 0;
    S[52] = 0;
    nd = 1;
  }
  S[0] = o0.offset;
  if (nops > 1) S[1] = o1!.offset;
  if (nops > 2) S[2] = o2!.offset;
  S[3] = nd;
  return nd;
}
