/**
 * The seed's worked example (section 4.3) and small fully connected networks for explain's CLI:
 * a stack of layers z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, a^{(l)} = sigma(z^{(l)}), written with
 * tensor ops on a batch of row vectors (z = a W^T + b), parameters named `fc1.weight`, `fc1.bias`, ...
 */
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../core/dtype.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { tensor } from '../ops/create.js';
import { Module, Parameter } from '../nn/module.js';
import type { LayerStep } from './types.js';

export type Activation = 'sigmoid' | 'tanh' | 'relu' | 'identity';

export interface LayerWeights {
  /** W^{(l)} [out][in] */
  W: number[][];
  /** b^{(l)} [out] */
  b: number[];
}

/** A fully connected network with given weights; every layer uses `activation`. */
export class DenseNet extends Module {
  constructor(layers: readonly LayerWeights[], readonly activation: Activation = 'sigmoid', dtype: DType = 'float64') {
    super();
    if (layers.length === 0) throw new NablaError('DenseNet: give at least one layer');
    layers.forEach((l, i) => {
      const W = tensor(l.W, { dtype });
      const b = tensor(l.b, { dtype });
      if (W.ndim !== 2 || b.ndim !== 1 || b.shape[0] !== W.shape[0]) {
        throw new ShapeError(`DenseNet: layer ${i + 1} needs W [out, in] and b [out], got W ${fmtShape(W.shape)} and b ${fmtShape(b.shape)}`);
      }
      const prev = layers[i - 1];
      if (prev !== undefined && prev.W.length !== W.shape[1]) {
        throw new ShapeError(`DenseNet: layer ${i + 1} takes ${W.shape[1]} inputs but layer ${i} gives ${prev.W.length}`);
      }
      this.registerParameter(`fc${i + 1}.weight`, new Parameter(W));
      this.registerParameter(`fc${i + 1}.bias`, new Parameter(b));
    });
    this.depth = layers.length;
  }

  readonly depth: number;

  forward(x: Tensor): Tensor {
    let a = x;
    for (let l = 1; l <= this.depth; l++) {
      const z = a.matmul(this.getParameter(`fc${l}.weight`)!.mT).add(this.getParameter(`fc${l}.bias`)!);
      a = this.activation === 'sigmoid' ? z.sigmoid() : this.activation === 'tanh' ? z.tanh() : this.activation === 'relu' ? z.relu() : z;
    }
    return a;
  }
}

/** The seed's 2-2-1 sigmoid network, input and label. */
export const SEED_EXAMPLE = {
  layers: [
    { W: [[0.1, 0.2], [0.3, 0.4]], b: [0.5, 0.6] },
    { W: [[0.7, 0.8]], b: [0.9] },
  ] as LayerWeights[],
  x: [1, 2],
  y: [1],
};

export function seedNetwork(dtype: DType = 'float64'): DenseNet {
  return new DenseNet(SEED_EXAMPLE.layers, 'sigmoid', dtype);
}

/**
 * What the seed prints in its worked example, for the values it prints: z^{(1)} = [1.1, 1.7].
 * Its first entry is an arithmetic slip (0.1·1 + 0.2·2 + 0.5 = 1.0); the text stops after z^{(1)}.
 */
export const SEED_PRINTED = { z1: [1.1, 1.7] };

function near(a: readonly number[], b: readonly number[], tol: number): boolean {
  return a.length === b.length && a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}

/** True if an explanation's first dense layer is the seed's W^{(1)}, b^{(1)} applied to the seed's x (a batch of one). */
export function isSeedFirstLayer(first: LayerStep): boolean {
  const [l1] = SEED_EXAMPLE.layers;
  return l1 !== undefined && first.b !== null && near(first.W.data, l1.W.flat(), 1e-6) && near(first.b.data, l1.b, 1e-6) && near(first.aPrev.data, SEED_EXAMPLE.x, 1e-6);
}
