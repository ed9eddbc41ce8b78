/**
 * Copies of storage kept elsewhere (the WebAssembly backend keeps large read-only inputs, a
 * model's weights, resident in its memory between calls instead of copying them in on every
 * call), and the rule that keeps such a copy from going stale.
 *
 * The rule: a copy may be kept only of an array that nabla allocated itself (`allocate`,
 * `allocateUninit`, at least RESIDENT_MIN_BYTES, owning its whole ArrayBuffer) and never handed
 * out; and every write nabla makes into storage is reported with `noteWrite`. Then every write to
 * such an array is one nabla knows of:
 * - user code reaches a tensor's array only through `t.storage` (the getter hands the array out:
 *   from then on it is never kept elsewhere, and any copy is dropped) or through arrays it gave
 *   nabla itself (`nb.tensor(typedArray)`, `new Tensor(array, ...)`: not allocated here, never
 *   kept); `t.data()` is a copy (`t._storage`, `t._contiguousData()` and the backend objects
 *   are internal: nabla's own code, which reports its writes);
 * - the backends' kernels report the arrays they write (the WebAssembly glue its written ranges,
 *   the reference kernels it falls back on through `notingWrites`), and changing or looking up a
 *   backend by name drops every copy (`dropAllCopies`: another backend may write while it is in
 *   use);
 * - the few places that write storage in TypeScript outside a backend call `noteWrite`.
 * Everything is keyed by ArrayBuffer, so a write through any view of the buffer counts.
 */
import type { TypedArray } from './dtype.js';

/** Arrays smaller than this are copied on every call (cheaper than keeping track of them). */
export const RESIDENT_MIN_BYTES = 16 * 1024;

/** Buffers nabla allocated whole and never handed out. */
const owned = new WeakSet<ArrayBufferLike>();

/** Something that keeps copies of storage: told when a buffer is written, or that all may be. */
export interface StorageCopies {
  dropCopy(buffer: ArrayBufferLike): void;
  dropAllCopies(): void;
}
const holders: StorageCopies[] = [];
/** how many holders hold anything (noteWrite is one test when none does) */
let active = 0;

/** Marks an array nabla has just allocated (its whole buffer) as one that may be kept elsewhere. */
export function own(a: TypedArray): void {
  if (a.byteLength >= RESIDENT_MIN_BYTES && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) owned.add(a.buffer);
}

/** The array has been handed to user code: it is never kept elsewhere again. */
export function handOut(a: TypedArray): void {
  if (owned.delete(a.buffer) && active > 0) for (const h of holders) h.dropCopy(a.buffer);
}

/** Whether a copy of this whole array may be kept elsewhere (see the rule above). */
export function mayKeepCopy(a: TypedArray): boolean {
  return owned.has(a.buffer) && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
}

/** Reports a write into `a` (any range): copies of its buffer are dropped. */
export function noteWrite(a: TypedArray | null | undefined): void {
  if (active > 0 && a != null) for (const h of holders) h.dropCopy(a.buffer);
}

/** Reports a write into a buffer (any range, through any view). */
export function noteBufferWrite(buffer: ArrayBufferLike): void {
  if (active > 0) for (const h of holders) h.dropCopy(buffer);
}

/** Drops every copy (a backend other than the one keeping copies may write from now on). */
export function dropAllCopies(): void {
  if (active > 0) for (const h of holders) h.dropAllCopies();
}

/** Registers a holder of copies (once). */
export function addCopyHolder(h: StorageCopies): void {
  if (!holders.includes(h)) holders.push(h);
}

/** A holder says whether it holds anything now (noteWrite costs one test while none does). */
export function setHolding(h: StorageCopies, holding: boolean): void {
  const i = holders.indexOf(h);
  if (i < 0) return;
  const mask = 1 << i;
  active = holding ? active | mask : active & ~mask;
}
