/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay. Instead of adding
 * lambda theta to the gradient, each step first shrinks the weights:
 *   theta_{t-1} <- theta_{t-1} - gamma lambda theta_{t-1}
 * then takes the Adam step of adam.ts with lambda = 0. Default weightDecay 0.01 (as PyTorch).
 */
import { AdamBase, type AdamHyper, type AdamOptions } from './adam.js';
import type { ParamsInput } from './optimizer.js';

export class AdamW extends AdamBase {
  protected readonly decoupled = true;

  constructor(params: ParamsInput<AdamHyper>, opts: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, ...opts });
  }
}
