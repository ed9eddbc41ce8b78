/**
 * Reading a whole file for a parser, refusing what is not a regular file. `readFileSync` on
 * /dev/zero or /dev/urandom reads until memory runs out, on a FIFO it blocks until a writer
 * comes, and on a directory it fails with a bare EISDIR; here each is a FileFormatError naming
 * the path and what it is. The file is opened without blocking (a FIFO would otherwise hang in
 * `open`) and checked with fstat on that same descriptor, so it cannot be swapped in between.
 * Node only.
 */
import fs from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { FileFormatError } from '../core/errors.js';

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of the regular file at `path`. Failures are FileFormatErrors starting with
 * `${format}: ` and naming the path: missing, unreadable, not a regular file, too large for one
 * array, or changing size while read.
 */
export function readRegularFile(path: string, format: string): Uint8Array {
  const fail = (what: string): never => {
    throw new FileFormatError(`${format}: cannot read ${path}: ${what}`);
  };
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return fail(e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory, not a regular file' : e.message);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) fail(`it is ${kindOf(st)}, not a regular file`);
    const size = st.size;
    if (size > bufferConstants.MAX_LENGTH) fail(`the file has ${size} bytes, more than the ${bufferConstants.MAX_LENGTH} one array can hold`);
    const bytes = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const k = fs.readSync(fd, bytes, got, size - got, got);
      if (k === 0) break;
      got += k;
    }
    if (got !== size) fail(`the file shrank from ${size} to ${got} bytes while being read`);
    return bytes;
  } catch (err) {
    if (err instanceof FileFormatError) throw err;
    return fail((err as Error).message);
  } finally {
    fs.closeSync(fd);
  }
}
