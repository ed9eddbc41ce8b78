/**
 * Walking strided views. Every elementwise kernel of the reference backend is "for each output
 * position, read each input at its own strided offset". `rows` does that walk once: it merges
 * axes that are contiguous in every operand (so a plain contiguous tensor is one long row), then
 * steps an odometer over the outer axes and hands the caller one innermost row at a time.
 */
import type { Strided } from '../types.js';

export interface Row {
  /** start offset of this row in each operand */
  offs: number[];
  /** offset of this row in the contiguous output */
  outStart: number;
}

/** Merges adjacent axes that every operand walks contiguously; drops size-1 axes. */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 1) continue;
    const last = sh.length - 1;
    if (last >= 0 && strides.every((s, j) => st[j]![last] === s[d]! * n)) {
      sh[last] = sh[last]! * n;
      for (let j = 0; j < strides.length; j++) st[j]![last] = strides[j]![d]!;
    } else {
      sh.push(n);
      for (let j = 0; j < strides.length; j++) st[j]!.push(strides[j]![d]!);
    }
  }
  if (sh.length === 0) {
    sh.push(1);
    for (const s of st) s.push(0);
  }
  return { shape: sh, strides: st };
}

/**
 * Calls `body(offs, outStart, len, innerStrides)` for each innermost row of `shape`, where
 * `offs[j]` is operand j's offset of the row's first element.
 */
export function forEachRow(
  shape: readonly number[],
  ops: readonly Strided[],
  body: (offs: number[], outStart: number, len: number, inner: number[]) => void,
): void {
  let total = 1;
  for (const d of shape) total *= d;
  if (total === 0) return;
  const { shape: sh, strides: st } = collapse(
    shape,
    ops.map((o) => o.strides),
  );
  const nd = sh.length;
  const len = sh[nd - 1]!;
  const inner = st.map((s) => s[nd - 1]!);
  const idx = new Array<number>(nd - 1).fill(0);
  const offs = ops.map((o) => o.offset);
  const rows = total / len;
  for (let r = 0; r < rows; r++) {
    body(offs, r * len, len, inner);
    // advance the odometer over the outer axes
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < offs.length; j++) offs[j]! += st[j]![d]!;
      if (idx[d]! < sh[d]!) break;
      for (let j = 0; j < offs.length; j++) offs[j]! -= st[j]![d]! * sh[d]!;
      idx[d] = 0;
    }
  }
}
