/**
 * Stochastic gradient descent, the seed's update W := W - alpha dJ/dW, with PyTorch's options.
 *
 *   input: lr gamma, momentum mu, dampening tau, weight decay lambda, nesterov
 *   g_t <- grad f(theta_{t-1})
 *   if lambda != 0:  g_t <- g_t + lambda theta_{t-1}          (the seed's L2 term (lambda/2)||W||^2)
 *   if mu != 0:
 *     b_t <- g_t                          if t = 1
 *     b_t <- mu b_{t-1} + (1 - tau) g_t   otherwise
 *     g_t <- g_t + mu b_t (nesterov)  or  g_t <- b_t
 *   theta_t <- theta_{t-1} - gamma g_t
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError, describe } from '../core/errors.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export type SGDHyper = Required<SGDOptions>;

export class SGD extends Optimizer<SGDHyper> {
  constructor(params: ParamsInput<SGDHyper>, opts: SGDOptions) {
    if (opts === null || typeof opts !== 'object') throw new NablaError(`SGD: options must be an object with a learning rate, e.g. { lr: 0.1 }, got ${describe(opts)}`);
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts });
  }

  protected override validate(g: ParamGroup<SGDHyper>): void {
    super.validate(g);
    this.checkHyper('momentum', g.momentum, 0);
    this.checkHyper('dampening', g.dampening, -Infinity);
    this.checkHyper('weightDecay', g.weightDecay, 0);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new NablaError('SGD: nesterov momentum requires momentum > 0 and dampening 0');
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, h: ParamGroup<SGDHyper>): void {
    let g = grad;
    if (h.weightDecay !== 0) g = g.add(p.mul(h.weightDecay));
    if (h.momentum !== 0) {
      let buf = state.momentum_buffer as Tensor | undefined;
      if (buf === undefined) buf = state.momentum_buffer = g.clone().detach();
      else buf.mul_(h.momentum).add_(g, 1 - h.dampening);
      g = h.nesterov ? g.add(buf.mul(h.momentum)) : buf;
    }
    p.add_(g, -h.lr);
  }
}
