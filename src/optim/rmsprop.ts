/**
 * RMSprop (Hinton, lecture 6e) with PyTorch's options.
 *
 *   input: lr gamma, alpha, eps, weight decay lambda, momentum mu, centered
 *   v_0 <- 0, b_0 <- 0, gbar_0 <- 0
 *   g_t <- grad f(theta_{t-1})
 *   if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
 *   v_t <- alpha v_{t-1} + (1 - alpha) g_t^2
 *   centered:  gbar_t <- alpha gbar_{t-1} + (1 - alpha) g_t;  s_t <- sqrt(v_t - gbar_t^2) + eps
 *   else:      s_t <- sqrt(v_t) + eps
 *   if mu > 0:  b_t <- mu b_{t-1} + g_t / s_t;  theta_t <- theta_{t-1} - gamma b_t
 *   else:       theta_t <- theta_{t-1} - gamma g_t / s_t
 */
import type { Tensor } from '../core/tensor.js';
import { zerosLike } from '../ops/create.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weightDecay?: number;
  momentum?: number;
  centered?: boolean;
}

export type RMSpropHyper = Required<RMSpropOptions>;

export class RMSprop extends Optimizer<RMSpropHyper> {
  constructor(params: ParamsInput<RMSpropHyper>, opts: RMSpropOptions = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, ...opts });
  }

  protected override validate(g: ParamGroup<RMSpropHyper>): void {
    super.validate(g);
    this.checkHyper('alpha', g.alpha, 0);
    this.checkHyper('eps', g.eps, 0);
    this.checkHyper('momentum', g.momentum, 0);
    this.checkHyper('weightDecay', g.weightDecay, 0);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, h: ParamGroup<RMSpropHyper>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.square_avg = zerosLike(p);
      if (h.momentum > 0) state.momentum_buffer = zerosLike(p);
      if (h.centered) state.grad_avg = zerosLike(p);
    }
    state.step = (state.step as number) + 1;
    let g = grad;
    if (h.weightDecay !== 0) g = g.add(p.mul(h.weightDecay));
    const v = state.square_avg as Tensor;
    v.mul_(h.alpha).add_(g.mul(g), 1 - h.alpha);
    let s: Tensor;
    if (h.centered) {
      const gbar = state.grad_avg as Tensor;
      gbar.mul_(h.alpha).add_(g, 1 - h.alpha);
      s = v.sub(gbar.mul(gbar)).sqrt().add(h.eps);
    } else s = v.sqrt().add(h.eps);
    if (h.momentum > 0) {
      const b = state.momentum_buffer as Tensor;
      b.mul_(h.momentum).add_(g.div(s));
      p.add_(b, -h.lr);
    } else p.add_(g.div(s), -h.lr);
  }
}
