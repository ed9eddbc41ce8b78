/**
 * `nb.data` in Node: everything of browser.ts plus the synchronous `mnist()` (the shipped digits
 * read from disk), Fashion-MNIST and IDX files on disk. Each line re-exports one file.
 */
export * from './browser.js';
export { mnist } from './mnist-node.js';
export { fashionMNIST, fashionMNISTClasses, FASHION_MNIST_DIR } from './fashion-mnist.js';
export type { FashionMNISTOptions } from './fashion-mnist.js';
export { readIdx } from './idx-file.js';
