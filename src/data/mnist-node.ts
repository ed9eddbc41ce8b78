/**
 * Node's synchronous `nb.data.mnist()`: the shipped digits file read from disk and gunzipped with
 * node:zlib, then split as in mnist.ts (where the format, the split and `loadMnist` are).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { FileFormatError } from '../core/errors.js';
import { cachedDigits, checkMnistOptions, decodeDigits, digitsAssetHref, isGzip, setCachedDigits, splitDigits, type MnistOptions, type MnistSplit } from './mnist.js';

function readDigits(): Uint8Array {
  const url = digitsAssetHref();
  const path = url === null ? '<unknown>' : fileURLToPath(url);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new FileFormatError(`mnist: cannot read the digits file shipped with nabla, ${path}: ${(e as Error).message}`);
  }
  try {
    return isGzip(bytes) ? gunzipSync(bytes) : bytes;
  } catch (e) {
    throw new FileFormatError(`mnist: ${path}: not a valid gzip stream (${(e as Error).message})`);
  }
}

/**
 * The 10,000 MNIST digits shipped with nabla, split deterministically (see mnist.ts). Each sample
 * is `[x, y]`: x float32 [784] in [0, 1] (or [1, 28, 28]), y int32 [] in 0..9. Synchronous (Node);
 * `await nb.data.loadMnist()` does the same everywhere.
 *
 *   const { train, test } = nb.data.mnist();                 // 8000 / 2000
 *   const small = nb.data.mnist({ trainSize: 1000, testSize: 200, shape: 'image' });
 */
export function mnist(opts: MnistOptions = {}): MnistSplit {
  checkMnistOptions(opts);
  let d = cachedDigits();
  if (d === null) {
    const url = digitsAssetHref();
    d = decodeDigits(readDigits(), url === null ? '<digits>' : fileURLToPath(url));
    setCachedDigits(d);
  }
  return splitDigits(d, opts);
}
