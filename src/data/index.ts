/** `nb.data`: datasets and the DataLoader. Each line re-exports one file. */
export {};
export { TensorDataset, Subset, randomSplit } from './dataset.js';
export type { Dataset, BatchDataset } from './dataset.js';
export { DataLoader, defaultCollate } from './dataloader.js';
export type { DataLoaderOptions, Batch } from './dataloader.js';
export { mnist, MNIST_SPLIT_SEED } from './mnist.js';
export type { MnistOptions } from './mnist.js';
export { fashionMNIST, fashionMNISTClasses, FASHION_MNIST_DIR } from './fashion-mnist.js';
export type { FashionMNISTOptions } from './fashion-mnist.js';
export { parseIdx } from './idx.js';
export { readIdx } from './idx-file.js';
export type { IdxData, IdxArray } from './idx.js';
export { xor, spirals, moons, circles, sine } from './synthetic.js';
export type { SyntheticOptions, SineOptions } from './synthetic.js';
