/** `Dropout(p)`: inverted dropout in training mode, the identity in evaluation mode. */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { dropout } from '../functional/dropout.js';
import { Module } from './module.js';

/**
 * Training: y = x * m / (1 - p), m_i ~ Bernoulli(1 - p), from the seeded generator.
 * Evaluation (`eval()`): y = x.
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new NablaError(`Dropout: probability p must be in [0, 1], got ${p}`);
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training });
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
