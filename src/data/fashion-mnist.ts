/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 70,000 28x28 grayscale images of clothing in
 * 10 classes (60,000 train, 10,000 test), read from the original IDX gz files:
 *
 *   train-images-idx3-ubyte.gz  train-labels-idx1-ubyte.gz  t10k-images-idx3-ubyte.gz  t10k-labels-idx1-ubyte.gz
 *
 * The default directory is where the Debian package `dataset-fashion-mnist` installs them.
 * Pixels are uint8 / 255 as float32 in [0, 1]; labels are int32 in 0..9 (names in
 * `fashionMNISTClasses`). Images and labels are checked against each other (count, label range).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../core/tensor.js';
import { FileFormatError, NablaError, fmtShape } from '../core/errors.js';
import { readIdx } from './idx-file.js';
import { TensorDataset } from './dataset.js';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Class names by label. */
export const fashionMNISTClasses: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

export interface FashionMNISTOptions {
  /** directory holding the four .gz files (default `/usr/share/datasets/fashion-mnist`) */
  dir?: string;
  /** x as [N, 784] (`'flat'`, default) or [N, 1, 28, 28] (`'image'`, for Conv2d) */
  shape?: 'flat' | 'image';
  /** keep only the first `trainSize` training samples (default all 60,000) */
  trainSize?: number;
  /** keep only the first `testSize` test samples (default all 10,000) */
  testSize?: number;
}

/** uint8 -> float32 in [0, 1], by table (faster than a division per pixel) */
const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

const FILES = {
  train: ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'],
  test: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
} as const;

function loadSplit(dir: string, split: 'train' | 'test', shape: 'flat' | 'image', limit: number | undefined): TensorDataset<[Tensor, Tensor]> {
  const [imgName, lblName] = FILES[split];
  const imgPath = join(dir, imgName);
  const lblPath = join(dir, lblName);
  for (const p of [imgPath, lblPath]) {
    if (!existsSync(p)) {
      throw new FileFormatError(
        `fashionMNIST: ${p} not found. Install the data with \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or download the four IDX .gz files and pass { dir: '<their directory>' }`,
      );
    }
  }
  const img = readIdx(imgPath);
  const lbl = readIdx(lblPath);
  if (img.magic !== 2051 || img.shape.length !== 3 || img.shape[1] !== 28 || img.shape[2] !== 28) {
    throw new FileFormatError(`fashionMNIST: ${imgPath}: expected uint8 images [N,28,28] (magic 2051), got magic ${img.magic} and shape ${fmtShape(img.shape)}`);
  }
  if (lbl.magic !== 2049 || lbl.shape.length !== 1) {
    throw new FileFormatError(`fashionMNIST: ${lblPath}: expected uint8 labels [N] (magic 2049), got magic ${lbl.magic} and shape ${fmtShape(lbl.shape)}`);
  }
  const n = img.shape[0]!;
  if (lbl.shape[0] !== n) throw new FileFormatError(`fashionMNIST: ${imgPath} holds ${n} images but ${lblPath} holds ${lbl.shape[0]} labels`);
  const m = limit === undefined ? n : Math.min(limit, n);
  const pixels = img.data as Uint8Array;
  const labels = lbl.data as Uint8Array;
  const y = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const v = labels[i]!;
    if (v > 9) throw new FileFormatError(`fashionMNIST: ${lblPath}: label ${i} is ${v}, outside the classes 0..9`);
    y[i] = v;
  }
  const x = new Float32Array(m * 784);
  for (let i = 0; i < x.length; i++) x[i] = SCALE[pixels[i]!]!;
  return new TensorDataset(new Tensor(x, shape === 'image' ? [m, 1, 28, 28] : [m, 784]), new Tensor(y, [m]));
}

function checkSize(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new NablaError(`fashionMNIST: ${name} must be a non-negative integer, got ${v}`);
}

/**
 * Loads Fashion-MNIST: both splits as `{ train, test }`, or one split as a TensorDataset with
 * `split: 'train' | 'test'`. Each sample is `[x, y]`: x float32 [784] (or [1,28,28]), y int32 [].
 *
 *   const { train, test } = nb.data.fashionMNIST();
 *   const test = nb.data.fashionMNIST({ split: 'test' });
 */
export function fashionMNIST(opts?: FashionMNISTOptions & { split?: undefined }): { train: TensorDataset<[Tensor, Tensor]>; test: TensorDataset<[Tensor, Tensor]> };
export function fashionMNIST(opts: FashionMNISTOptions & { split: 'train' | 'test' }): TensorDataset<[Tensor, Tensor]>;
export function fashionMNIST(
  opts: FashionMNISTOptions & { split?: 'train' | 'test' } = {},
): TensorDataset<[Tensor, Tensor]> | { train: TensorDataset<[Tensor, Tensor]>; test: TensorDataset<[Tensor, Tensor]> } {
  const dir = opts.dir ?? FASHION_MNIST_DIR;
  const shape = opts.shape ?? 'flat';
  checkSize('trainSize', opts.trainSize);
  checkSize('testSize', opts.testSize);
  if (opts.split !== undefined && opts.split !== 'train' && opts.split !== 'test') {
    throw new NablaError(`fashionMNIST: split must be 'train' or 'test', got ${JSON.stringify(opts.split)}`);
  }
  if (!existsSync(dir)) {
    throw new FileFormatError(
      `fashionMNIST: directory ${dir} not found. Install the data with \`sudo apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), or download the four IDX .gz files and pass { dir: '<their directory>' }`,
    );
  }
  if (opts.split === 'train') return loadSplit(dir, 'train', shape, opts.trainSize);
  if (opts.split === 'test') return loadSplit(dir, 'test', shape, opts.testSize);
  return { train: loadSplit(dir, 'train', shape, opts.trainSize), test: loadSplit(dir, 'test', shape, opts.testSize) };
}
