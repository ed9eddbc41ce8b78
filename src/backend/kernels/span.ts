/**
 * The helpers of the generated extents (extents.gen.ts): element ranges of strided operands and
 * views, read from a filled scratch (layout in tools/kernels/codegen.ts).
 */

/** Integer division as C++ does it (truncating; 0 for a zero divisor). */
export function idiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.trunc(a / b);
}

/** Number of elements of the collapsed shape of a strided kernel. */
export function numel(S: Float64Array): number {
  let n = 1;
  const nd = S[3]!;
  for (let d = 0; d < nd; d++) n *= S[4 + d]!;
  return n;
}

/** Strided operand j: its lowest touched element (which = 0) or one past its highest (which = 1). */
export function stridedSpan(S: Float64Array, j: number, which: 0 | 1): number {
  const nd = S[3]!;
  let lo = 0;
  let hi = 0;
  for (let d = 0; d < nd; d++) {
    const n = S[4 + d]!;
    if (n === 0) return S[j]!;
    const e = (n - 1) * S[20 + 16 * j + d]!;
    if (e < 0) lo += e;
    else hi += e;
  }
  return S[j]! + (which === 0 ? lo : hi + 1);
}

function span(S: Float64Array, at: number, dims: readonly number[], nStrides: number, which: 0 | 1, last: number): number {
  let lo = 0;
  let hi = 0;
  for (let d = 0; d < dims.length; d++) if (dims[d] === 0) return S[at]!;
  for (let d = 0; d < nStrides; d++) {
    const e = (dims[d]! - 1) * S[at + 1 + d]!;
    if (e < 0) lo += e;
    else hi += e;
  }
  return S[at]! + (which === 0 ? lo : hi + last);
}

/** A head view ([b, h, rows, width], last axis contiguous) whose offset and 3 strides are at S[at..at+4). */
export function headSpan(S: Float64Array, at: number, dims: readonly number[], which: 0 | 1): number {
  return span(S, at, dims, 3, which, dims[3]!);
}

/** A rank-4 strided view (the attention mask) whose offset and 4 strides are at S[at..at+5). */
export function viewSpan(S: Float64Array, at: number, dims: readonly number[], which: 0 | 1): number {
  return span(S, at, dims, 4, which, 1);
}
