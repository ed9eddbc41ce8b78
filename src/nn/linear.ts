/**
 * Fully connected layers: `Linear` (z = W a + b, the seed's layer) and `Identity`.
 */
import type { Tensor } from '../core/tensor.js';
import { type FloatDType, withAllocationContext } from '../core/dtype.js';
import { NablaError } from '../core/errors.js';
import { empty } from '../ops/result.js';
import { linear } from '../functional/linear.js';
import { Module, Parameter } from './module.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from './init.js';

export interface LinearOptions {
  /** learn an additive bias b (default true) */
  bias?: boolean;
  /** parameter dtype (default 'float32') */
  dtype?: FloatDType;
}

/**
 * y = x W^T + b for x [..., inFeatures] -> y [..., outFeatures] (any leading dimensions);
 * for one column vector this is the seed's z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}.
 * Parameters `weight` [out, in] and `bias` [out], initialised as PyTorch: Kaiming-uniform with
 * a = sqrt(5), i.e. W, b ~ U(-1/sqrt(in), 1/sqrt(in)).
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new NablaError(`Linear: ${k} must be a non-negative integer, got ${v}`);
    }
    const dtype = opts.dtype ?? 'float32';
    [this.weight, this.bias] = withAllocationContext(`Linear(${inFeatures}, ${outFeatures})`, () => [
      new Parameter(empty(dtype, [outFeatures, inFeatures])),
      opts.bias === false ? null : new Parameter(empty(dtype, [outFeatures])),
    ]);
    this.resetParameters();
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias !== null) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound);
    }
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

/** y = x: a placeholder layer. */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
