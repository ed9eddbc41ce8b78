/**
 * Recipes for `npx nabla train`: named datasets with sensible defaults, and the named models
 * (src/train/models.ts, which the browser entry also has). Datasets load as [N, 784] and are
 * viewed as [N, 1, 28, 28] for image models.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { TensorDataset } from '../data/dataset.js';
import { mnist } from '../data/mnist-node.js';
import { fashionMNIST, fashionMNISTClasses } from '../data/fashion-mnist.js';

export { MODELS, modelRecipe } from './models.js';
export type { ModelRecipe } from './models.js';

export interface DatasetRecipe {
  name: string;
  description: string;
  classes: readonly string[];
  /** image side (square, one channel) */
  side: number;
  load(opts: { dataDir?: string }): { train: TensorDataset; test: TensorDataset };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

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
