/**
 * Recipes for `npx nabla train`: named models and datasets with sensible defaults. A model
 * recipe says which input layout it wants; datasets load as [N, 784] and are viewed as
 * [N, 1, 28, 28] for image models.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import type { Module } from '../nn/module.js';
import { Sequential } from '../nn/container.js';
import { Linear } from '../nn/linear.js';
import { ReLU } from '../nn/activation.js';
import { Flatten } from '../nn/flatten.js';
import { Conv2d } from '../nn/conv.js';
import { MaxPool2d } from '../nn/pool.js';
import { BatchNorm2d } from '../nn/batchnorm.js';
import { TensorDataset } from '../data/dataset.js';
import { mnist } from '../data/mnist-node.js';
import { fashionMNIST, fashionMNISTClasses } from '../data/fashion-mnist.js';

export interface ModelRecipe {
  name: string;
  description: string;
  input: 'flat' | 'image';
  build(): Module<[Tensor], Tensor>;
  defaults: { epochs: number; lr: number; batchSize: number };
}

export interface DatasetRecipe {
  name: string;
  description: string;
  classes: readonly string[];
  /** image side (square, one channel) */
  side: number;
  load(opts: { dataDir?: string }): { train: TensorDataset; test: TensorDataset };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

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
};

export const DATASETS: Record<string, DatasetRecipe> = {
  mnist: {
    name: 'mnist',
    description: '10,000 real MNIST digits shipped with nabla (8,000 train / 2,000 test)',
    classes: DIGITS,
    side: 28,
    load: () => mnist(),
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    description: 'Fashion-MNIST, 60,000 train / 10,000 test (Debian package dataset-fashion-mnist, or --data-dir)',
    classes: fashionMNISTClasses,
    side: 28,
    load: ({ dataDir }) => (dataDir === undefined ? fashionMNIST() : fashionMNIST({ dir: dataDir })),
  },
};

export function modelRecipe(name: string): ModelRecipe {
  const r = MODELS[name];
  if (!r) throw new NablaError(`unknown model '${name}'; choose one of: ${Object.keys(MODELS).join(', ')}`);
  return r;
}

export function datasetRecipe(name: string): DatasetRecipe {
  const r = DATASETS[name];
  if (!r) throw new NablaError(`unknown dataset '${name}'; choose one of: ${Object.keys(DATASETS).join(', ')}`);
  return r;
}

/** The dataset with x viewed in the layout a model wants ([N, 784] or [N, 1, side, side]). */
export function asLayout(ds: TensorDataset, layout: 'flat' | 'image', side: number): TensorDataset {
  const [x, y] = ds.tensors as [Tensor, Tensor];
  const n = x.shape[0]!;
  const want = layout === 'flat' ? [n, side * side] : [n, 1, side, side];
  if (x.shape.length === want.length && x.shape.every((d, i) => d === want[i])) return ds;
  return new TensorDataset(x.reshape(want), y);
}
