/**
 * Errors thrown at the library's boundary. Every message names the operation and the
 * offending shapes, dtypes or files, so that the fix is obvious from the message alone.
 */
export class NablaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit together: `matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ`. */
export class ShapeError extends NablaError {}

/** A tensor of the wrong element type for an operation (e.g. float class targets for cross-entropy). */
export class DTypeError extends NablaError {}

/** A file that is missing, truncated, corrupt or hostile. */
export class FileFormatError extends NablaError {}

/** Formats a shape the way messages print it: `[2,3]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * A value as a message shows it when it is not what was expected: `3`, `'cuda'`, `null`,
 * `an Int8Array`, `an object`, `a function`. Never throws (hostile inputs reach it).
 */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return String(x);
  if (typeof x === 'string') return `'${x.length > 40 ? x.slice(0, 40) + '...' : x}'`;
  if (typeof x === 'function') return 'a function';
  if (typeof x === 'symbol') return 'a symbol';
  if (Array.isArray(x)) return `an array of length ${x.length}`;
  const name = (x as { constructor?: { name?: unknown } }).constructor?.name;
  if (typeof name === 'string' && name !== 'Object' && name !== '') return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  return 'an object';
}
