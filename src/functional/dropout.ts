/**
 * Inverted dropout (Srivastava et al., 2014): in training, each element is kept with
 * probability 1 - p and scaled by 1/(1 - p), so the expected value is unchanged and evaluation
 * needs no rescaling:
 *   y = x * m / (1 - p),   m_i ~ Bernoulli(1 - p)
 * The mask is drawn from the library's seeded generator (see manualSeed).
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { allocate, isFloat } from '../core/dtype.js';
import { type Generator, defaultGenerator } from '../core/rng.js';

export interface DropoutOptions {
  /** apply dropout (default true); false returns x unchanged */
  training?: boolean;
  generator?: Generator;
}

export function dropout(x: Tensor, p = 0.5, opts: DropoutOptions = {}): Tensor {
  if (!(p >= 0 && p <= 1)) throw new NablaError(`dropout: probability p must be in [0, 1], got ${p}`);
  if (opts.training === false || p === 0) return x;
  const g = opts.generator ?? defaultGenerator;
  const dtype = isFloat(x.dtype) ? x.dtype : 'float32';
  const mask = allocate(dtype, x.size);
  const scale = p === 1 ? 0 : 1 / (1 - p);
  for (let i = 0; i < mask.length; i++) mask[i] = g.random() < p ? 0 : scale;
  return x.mul(new Tensor(mask, x.shape));
}
