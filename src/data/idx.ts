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
 * corrupt file (bad magic, unknown type, sizes that disagree with the byte count, gzip errors,
 * bytes after the gzip data) gives a FileFormatError naming the file and what is wrong. Sizes
 * are computed exactly (a file of shape [0, 4e9] is valid and empty). Decompression is capped by
 * the size the header declares: the header is read from the first decompressed bytes, and the
 * inflater stops the moment the output would exceed it, so a small gzip bomb cannot allocate
 * more than the file claims to hold.
 *
 * This module works on bytes (gzip included, in plain TypeScript) and runs in any JavaScript
 * environment; `readIdx(path)` is in idx-file.ts (Node only).
 */
import { FileFormatError, fmtShape } from '../core/errors.js';
import { alignedCopy } from '../io/bytes.js';
import { InflateError, gunzip, isGzip } from '../io/gunzip.js';

export type IdxArray = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxData {
  /** the magic number: (type code << 8) | number of dimensions */
  magic: number;
  /** sizes of the dimensions, e.g. [60000, 28, 28] */
  shape: number[];
  /** the elements, row-major, in the file's element type; length = prod(shape) */
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

/** The largest IDX file (after decompression) nabla reads: one typed array's worth of bytes. */
export const MAX_IDX_BYTES = 2 ** 32 - 1;

function fail(source: string, what: string): never {
  throw new FileFormatError(`IDX: ${source}: ${what}`);
}

/** A shape for messages: up to 8 sizes, then the number of dimensions (a header may declare 255). */
const showBytes = (n: bigint): string => (n < 2n ** 64n ? String(n) : 'more than 2^64');
const showShape = (shape: number[]): string => (shape.length <= 8 ? fmtShape(shape) : `[${shape.slice(0, 8).join(',')},…] (${shape.length} dims)`);

interface Header {
  magic: number;
  code: number;
  shape: number[];
  headerLen: number;
  /** prod(shape) * itemsize, exact */
  dataBytes: bigint;
}

/**
 * Reads and checks the header at the start of `bytes`. With `partial`, returns undefined when
 * more bytes are needed (the header is being decompressed); otherwise a short file is an error.
 */
function readHeader(bytes: Uint8Array, source: string, partial: boolean): Header | undefined {
  if (bytes.length < 4) {
    if (partial) return undefined;
    fail(source, `only ${bytes.length} bytes, too few for the 4-byte magic number (truncated?)`);
  }
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
  if (bytes.length < headerLen) {
    if (partial) return undefined;
    fail(source, `the header declares ${ndim} dimensions (${headerLen} bytes) but the file has only ${bytes.length} bytes (truncated?)`);
  }
  const shape: number[] = [];
  let count = 1n;
  for (let i = 0; i < ndim; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= BigInt(d);
  }
  return { magic, code, shape, headerLen, dataBytes: count * BigInt(type.itemsize) };
}

function decompress(raw: Uint8Array, source: string): Uint8Array {
  let header: Header | undefined;
  // the output limit: the header's declared size, as soon as the header has been decompressed
  const limitFrom = (head: Uint8Array): number | undefined => {
    header = readHeader(head, source, true);
    if (header === undefined) return undefined;
    const total = BigInt(header.headerLen) + header.dataBytes;
    if (total > BigInt(MAX_IDX_BYTES)) {
      fail(source, `shape ${showShape(header.shape)} of ${TYPES[header.code]!.name} needs ${showBytes(header.dataBytes)} bytes of data, more than the ${MAX_IDX_BYTES} bytes nabla reads (corrupt header?)`);
    }
    return Number(total);
  };
  try {
    return gunzip(raw, { maxOutput: MAX_IDX_BYTES, limitFrom });
  } catch (err) {
    if (!(err instanceof InflateError)) throw err;
    if (err.kind === 'limit' && header !== undefined) {
      const total = BigInt(header.headerLen) + header.dataBytes;
      fail(source, `the gzip data decompresses to more than the ${total} bytes its header declares (shape ${showShape(header.shape)} of ${TYPES[header.code]!.name}): trailing bytes or a gzip bomb; decompression stopped there`);
    }
    if (err.kind === 'trailing') fail(source, `${err.detail}: the file must end with its last gzip member`);
    return fail(source, `gzip decompression failed: ${err.detail}`);
  }
}

/** Parses IDX bytes (gzip-compressed or not; detected from the gzip magic bytes 1f 8b). */
export function parseIdx(raw: Uint8Array, source = '<bytes>'): IdxData {
  const bytes = isGzip(raw) ? decompress(raw, source) : raw;
  const h = readHeader(bytes, source, false)!;
  const type = TYPES[h.code]!;
  const actual = bytes.length - h.headerLen;
  if (h.dataBytes !== BigInt(actual)) {
    const expected = h.dataBytes;
    fail(source, `shape ${showShape(h.shape)} of ${type.name} needs ${showBytes(expected)} bytes of data but the file has ${actual}${actual < expected ? ' (truncated?)' : ' (trailing bytes)'}`);
  }
  // single bytes need no conversion: view them in place (no copy of a 47 MB image file)
  const data =
    h.code === 0x08
      ? new Uint8Array(bytes.buffer, bytes.byteOffset + h.headerLen, actual)
      : h.code === 0x09
        ? new Int8Array(bytes.buffer, bytes.byteOffset + h.headerLen, actual)
        : type.make(alignedCopy(bytes, h.headerLen, bytes.length, type.itemsize, false));
  return { magic: h.magic, shape: h.shape, data };
}
