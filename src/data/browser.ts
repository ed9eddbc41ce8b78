/**
 * `nb.data` everywhere: datasets, the DataLoader, synthetic 2-D and sequence data, and the MNIST
 * digits shipped with nabla, loaded asynchronously (`await nb.data.mnist()`, also called
 * `loadMnist`), and `parseIdx` for IDX bytes (gzip included). The Node entry adds the synchronous `mnist()`, Fashion-MNIST and IDX files read
 * from disk. Each line re-exports one file.
 */
export { TensorDataset, Subset, randomSplit } from './dataset.js';
export type { Dataset, BatchDataset } from './dataset.js';
export { DataLoader, defaultCollate } from './dataloader.js';
export type { DataLoaderOptions, Batch } from './dataloader.js';
export { loadMnist, loadMnist as mnist, MNIST_SPLIT_SEED, MNIST_SIZE } from './mnist.js';
export type { MnistOptions, LoadMnistOptions, MnistSplit } from './mnist.js';
export { parseIdx } from './idx.js';
export type { IdxData, IdxArray } from './idx.js';
export { xor, spirals, moons, circles, sine } from './synthetic.js';
export type { SyntheticOptions, SineOptions } from './synthetic.js';
