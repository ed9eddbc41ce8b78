/** Fashion-MNIST for the Node cells of the platform-neutral workloads (bench/web), from nabla's reader. */
import * as nbdata from '../../src/data/index.js';
import type { Fashion } from './fashion.js';

export function fashionNode(): { train: Fashion; test: Fashion } {
  const { train, test } = nbdata.fashionMNIST();
  const conv = (ds: typeof train): Fashion => {
    const [x, y] = ds.tensors;
    return { x: x!.storage as Float32Array, y: y!.storage as Int32Array, n: x!.shape[0]! };
  };
  return { train: conv(train), test: conv(test) };
}
