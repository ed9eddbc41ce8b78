/**
 * Kernels that report what they write: from the roles of the kernel table, a backend whose every
 * call reports each array it wrote (an `out` or `inout` array, strided view or head view, struct
 * fields included) with `noteWrite` (core/residency.ts), so that a copy of that array kept
 * elsewhere (the WebAssembly backend's resident inputs) is dropped. The WebAssembly backend runs
 * its reference fall-backs through this; its compiled kernels report their written ranges
 * themselves.
 */
import { noteWrite } from '../../core/residency.js';
import type { TypedArray } from '../../core/dtype.js';
import type { Backend } from '../types.js';
import { KERNELS, type Leaf, type Param } from './table.js';

type Written = (args: readonly unknown[]) => TypedArray | null | undefined;

/** The written array of one leaf, read from the value passed for it. */
function leafWriter(p: Leaf, get: (args: readonly unknown[]) => unknown): Written | null {
  if (p.kind === 'array' && p.role !== 'in') return (args) => get(args) as TypedArray | null | undefined;
  if ((p.kind === 'strided' || p.kind === 'view') && p.role !== 'in') {
    return (args) => (get(args) as { data?: TypedArray } | null | undefined)?.data;
  }
  return null;
}

/** The arrays a call of this row writes, as readers of its arguments (in the order of the signature). */
export function writtenArrays(params: readonly Param[]): Written[] {
  const out: Written[] = [];
  let i = 0;
  for (const p of params) {
    if ((p.kind === 'int' || p.kind === 'float' || p.kind === 'bool') && p.derived !== undefined) continue;
    const at = i++;
    if (p.kind === 'struct') {
      for (const f of p.fields) {
        const w = leafWriter(f, (args) => (args[at] as Record<string, unknown> | undefined)?.[f.name]);
        if (w !== null) out.push(w);
      }
    } else if (p.kind !== 'shape') {
      const w = leafWriter(p, (args) => args[at]);
      if (w !== null) out.push(w);
    }
  }
  return out;
}

/** `b` with every kernel of the table reporting the arrays it writes. */
export function notingWrites(b: Backend): Backend {
  const out: Record<string, unknown> = { ...b };
  for (const [name, row] of Object.entries(KERNELS as Record<string, { params: readonly Param[] }>)) {
    const fn = (b as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    const writers = writtenArrays(row.params);
    if (typeof fn !== 'function' || writers.length === 0) continue;
    out[name] = (...args: unknown[]): unknown => {
      const r = fn.apply(b, args);
      for (const w of writers) noteWrite(w(args));
      return r;
    };
  }
  return out as unknown as Backend;
}
