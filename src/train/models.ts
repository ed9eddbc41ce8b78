/**
 * The named models of `npx nabla train` (`--model`), usable everywhere: the browser builds the
 * same network to load weights trained by the CLI (`nb.train.modelRecipe('small-cnn').build()`,
 * then `loadStateDict(nb.deserialize(bytes))`). A recipe says which input layout it wants:
 * 'flat' [N, 784] or 'image' [N, 1, 28, 28].
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Linear } from '../nn/linear.js';
import { ReLU } from '../nn/activation.js';
import { Flatten } from '../nn/flatten.js';
import { Conv2d } from '../nn/conv.js';
import { MaxPool2d } from '../nn/pool.js';
import { BatchNorm2d } from '../nn/batchnorm.js';

export interface ModelRecipe {
  name: string;
  description: string;
  input: 'flat' | 'image';
  build(): Module<[Tensor], Tensor>;
  defaults: { epochs: number; lr: number; batchSize: number };
}

export const MODELS: Record<string, ModelRecipe> = {
  mlp: {
    name: 'mlp',
    description: 'MLP 784-256-128-10 with ReLU (the W2 workload)',
    input: 'flat',
    build: () => new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10)),
    defaults: { epochs: 10, lr: 1e-3, batchSize: 64 },
  },
  cnn: {
    name: 'cnn',
    description: 'CNN conv3x3(16)-pool-conv3x3(32)-pool-fc128-fc10 (the W3 workload)',
    input: 'image',
    build: () =>
      new Sequential(
        new Conv2d(1, 16, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, { padding: 1 }), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(32 * 7 * 7, 128), new ReLU(), new Linear(128, 10),
      ),
    defaults: { epochs: 10, lr: 1e-3, batchSize: 64 },
  },
  'bn-cnn': {
    name: 'bn-cnn',
    description: 'the W3 CNN with BatchNorm after each convolution',
    input: 'image',
    build: () =>
      new Sequential(
        new Conv2d(1, 16, 3, { padding: 1, bias: false }), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
        new Conv2d(16, 32, 3, { padding: 1, bias: false }), new BatchNorm2d(32), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(32 * 7 * 7, 128), new ReLU(), new Linear(128, 10),
      ),
    defaults: { epochs: 10, lr: 1e-3, batchSize: 64 },
  },
  'small-cnn': {
    name: 'small-cnn',
    description: 'CNN conv5x5(8)-pool-conv5x5(16)-pool-fc64-fc10, 54k parameters (the playground\'s digit model)',
    input: 'image',
    build: () =>
      new Sequential(
        new Conv2d(1, 8, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
        new Conv2d(8, 16, 5, { padding: 2 }), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(16 * 7 * 7, 64), new ReLU(), new Linear(64, 10),
      ),
    defaults: { epochs: 15, lr: 2e-3, batchSize: 64 },
  },
};

export function modelRecipe(name: string): ModelRecipe {
  const r = MODELS[name];
  if (!r) throw new NablaError(`unknown model '${name}'; choose one of: ${Object.keys(MODELS).join(', ')}`);
  return r;
}
