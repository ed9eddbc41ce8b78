/**
 * Adam (Kingma & Ba, 2015) with PyTorch's options.
 *
 *   input: lr gamma, betas (beta1, beta2), eps, weight decay lambda, amsgrad
 *   m_0 <- 0, v_0 <- 0, vmax_0 <- 0
 *   g_t <- grad f(theta_{t-1})
 *   if lambda != 0:  g_t <- g_t + lambda theta_{t-1}
 *   m_t <- beta1 m_{t-1} + (1 - beta1) g_t
 *   v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
 *   mhat_t <- m_t / (1 - beta1^t)
 *   amsgrad:  vmax_t <- max(vmax_{t-1}, v_t);  vhat_t <- vmax_t / (1 - beta2^t)
 *   else:     vhat_t <- v_t / (1 - beta2^t)
 *   theta_t <- theta_{t-1} - gamma mhat_t / (sqrt(vhat_t) + eps)
 *
 * Without amsgrad, the whole update of a parameter is one call to the backend kernel
 * `adamStep` (so a native backend runs it in one fused pass); the amsgrad path (and any
 * parameter that is a view into a larger storage) spells the equations out with tensor ops.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { B } from '../backend/registry.js';
import { zerosLike } from '../ops/create.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';

export interface AdamOptions {
  lr?: number;
  betas?: readonly [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}

export type AdamHyper = Required<AdamOptions> & { lr: number };

/** Adam, or AdamW when `decoupled` (the weight decay then shrinks theta directly). */
export abstract class AdamBase extends Optimizer<AdamHyper> {
  protected abstract readonly decoupled: boolean;

  protected override validate(g: ParamGroup<AdamHyper>): void {
    super.validate(g);
    const [b1, b2] = g.betas;
    const name = this.constructor.name;
    if (!(b1 >= 0 && b1 < 1)) throw new NablaError(`${name}: invalid beta1 ${b1} (must be in [0, 1))`);
    if (!(b2 >= 0 && b2 < 1)) throw new NablaError(`${name}: invalid beta2 ${b2} (must be in [0, 1))`);
    if (!(g.eps >= 0)) throw new NablaError(`${name}: invalid eps ${g.eps}`);
    if (!(g.weightDecay >= 0)) throw new NablaError(`${name}: invalid weightDecay ${g.weightDecay}`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, h: ParamGroup<AdamHyper>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = zerosLike(p);
      state.exp_avg_sq = zerosLike(p);
      if (h.amsgrad) state.max_exp_avg_sq = zerosLike(p);
    }
    const t = (state.step as number) + 1;
    state.step = t;
    const m = state.exp_avg as Tensor;
    const v = state.exp_avg_sq as Tensor;
    const [beta1, beta2] = h.betas;
    if (!h.amsgrad && packed(p) && packed(m) && packed(v)) {
      const args = { lr: h.lr, beta1, beta2, eps: h.eps, weightDecay: h.weightDecay, decoupled: this.decoupled, step: t };
      B().adamStep(p.storage, grad._contiguousData(), m.storage, v.storage, args);
      return;
    }
    let g = grad;
    if (h.weightDecay !== 0) {
      if (this.decoupled) p.mul_(1 - h.lr * h.weightDecay); // AdamW: theta <- theta - gamma lambda theta
      else g = g.add(p.mul(h.weightDecay)); //                  Adam:  g <- g + lambda theta
    }
    m.mul_(beta1).add_(g, 1 - beta1);
    v.mul_(beta2).add_(g.mul(g), 1 - beta2);
    let vhat = v;
    if (h.amsgrad) {
      const vmax = state.max_exp_avg_sq as Tensor;
      vmax.copy_(vmax.maximum(v));
      vhat = vmax;
    }
    const biasCorrection1 = 1 - Math.pow(beta1, t);
    const biasCorrection2 = 1 - Math.pow(beta2, t);
    const denom = vhat.sqrt().div(Math.sqrt(biasCorrection2)).add(h.eps);
    p.add_(m.div(denom), -h.lr / biasCorrection1);
  }
}

/** True if the tensor owns its whole storage, row-major (what the fused kernel writes into). */
function packed(t: Tensor): boolean {
  return t.offset === 0 && t.storage.length === t.size && t.isContiguous();
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamHyper>, opts: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts });
  }
}
