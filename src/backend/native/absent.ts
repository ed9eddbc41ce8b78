/**
 * The native addon's controls where there is no addon (the browser entry): the same functions
 * as native/index.ts, answering that nothing is loaded, so code written for Node runs unchanged.
 */

/** Why the native backend is not available here. */
export function nativeLoadError(): string | null {
  return 'the native addon runs only in Node (this is the browser entry of nabla)';
}

/** The addon's ISA, threads and blocking: null, as no addon is loaded. */
export function nativeInfo(): null {
  return null;
}

/** Without the addon the kernels run on one thread; returns 1. */
export function setNumThreads(n: number): number {
  void n;
  return 1;
}

export function getNumThreads(): number {
  return 1;
}
