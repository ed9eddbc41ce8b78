/**
 * The IDX file format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/), optionally
 * gzip-compressed:
 *
 *   bytes 0-1  zero
 *   byte  2    element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3    number of dimensions d
 *   then       d sizes, uint32 big-endian
 *   then       the elements, row-major, big-endian
 *
 * So the magic number (bytes 0-3 read as one big-endian integer) is 2051 for uint8 images
 * [N, rows, cols] and 2049 for uint8 labels [N]. Everything is validated: a truncated, padded or
 * corrupt file (bad magic, unknown type, sizes that disagree with the byte count, gzip errors)
 * gives a FileFormatError naming the file and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FileFormatError, fmtShape } from '../core/errors.js';
import { alignedCopy } from '../io/bytes.js';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxData {
  /** the magic number: (type code << 8) | number of dimensions */
  magic: number;
  /** sizes of the dimensions, e.g. [60000, 28, 28] */
  shape: number[];
  /** the elements, row-major, in the file's element type */
  data: IdxArray;
}

const TYPES: Record<number, { name: string; itemsize: number; make: (b: ArrayBuffer) => IdxArray }> = {
  0x08: { name: 'uint8', itemsize: 1, make: (b) => new Uint8Array(b) },
  0x09: { name: 'int8', itemsize: 1, make: (b) => new Int8Array(b) },
  0x0b: { name: 'int16', itemsize: 2, make: (b) => new Int16Array(b) },
  0x0c: { name: 'int32', itemsize: 4, make: (b) => new Int32Array(b) },
  0x0d: { name: 'float32', itemsize: 4, make: (b) => new Float32Array(b) },
  0x0e: { name: 'float64', itemsize: 8, make: (b) => new Float64Array(b) },
};

function fail(source: string, what: string): never {
  throw new FileFormatError(`IDX: ${source}: ${what}`);
}

/** Parses IDX bytes (gzip-compressed or not; detected from the gzip magic bytes 1f 8b). */
export function parseIdx(raw: Uint8Array, source = '<bytes>'): IdxData {
  let bytes = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (err) {
      fail(source, `gzip decompression failed (${(err as Error).message}): the file is truncated or corrupt`);
    }
  }
  if (bytes.length < 4) fail(source, `only ${bytes.length} bytes, too few for the 4-byte magic number (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const code = bytes[2]!;
  const ndim = bytes[3]!;
  const type = TYPES[code];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined) {
    fail(source, `bad magic number ${magic} (0x${magic.toString(16).padStart(8, '0')}): expected 00 00 <type> <ndim> with type 08, 09, 0B, 0C, 0D or 0E (e.g. 2051 for images, 2049 for labels)`);
  }
  if (ndim === 0) fail(source, `magic number ${magic} declares 0 dimensions`);
  const headerLen = 4 + 4 * ndim;
  if (bytes.length < headerLen) fail(source, `the header declares ${ndim} dimensions (${headerLen} bytes) but the file has only ${bytes.length} bytes (truncated?)`);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const expected = count * type.itemsize;
  const actual = bytes.length - headerLen;
  if (expected !== actual) {
    fail(source, `shape ${fmtShape(shape)} of ${type.name} needs ${expected} bytes of data but the file has ${actual}${actual < expected ? ' (truncated?)' : ' (trailing bytes)'}`);
  }
  // single bytes need no conversion: view them in place (no copy of a 47 MB image file)
  const data =
    code === 0x08
      ? new Uint8Array(bytes.buffer, bytes.byteOffset + headerLen, actual)
      : code === 0x09
        ? new Int8Array(bytes.buffer, bytes.byteOffset + headerLen, actual)
        : type.make(alignedCopy(bytes, headerLen, bytes.length, type.itemsize, false));
  return { magic, shape, data };
}

/** Reads an IDX file (`.gz` or not), validating its header against its size. */
export function readIdx(path: string): IdxData {
  let raw: Uint8Array;
  try {
    raw = readFileSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new FileFormatError(`IDX: cannot read ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  return parseIdx(raw, path);
}
