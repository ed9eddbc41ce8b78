/** `Flatten`: folds a range of axes into one (by default all but the batch axis). */
import type { Tensor } from '../core/tensor.js';
import { Module } from './module.js';

/** [N, C, H, W] -> [N, C*H*W] with the defaults startDim = 1, endDim = -1 (a view when possible). */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
