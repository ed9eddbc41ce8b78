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
