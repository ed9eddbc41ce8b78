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
import { Tensor } from '../core/tensor.js';
import { shapesEqual } from '../core/shape.js';
import { NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
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
    const name = this.constructor.name;
    if (!Array.isArray(g.betas) || g.betas.length !== 2) throw new NablaError(`${name}: betas must be a pair [beta1, beta2], got ${describe(g.betas)}`);
    const [b1, b2] = g.betas;
    this.checkHyper('beta1', b1, 0, 1, { max: true });
    this.checkHyper('beta2', b2, 0, 1, { max: true });
    this.checkHyper('eps', g.eps, 0);
    this.checkHyper('weightDecay', g.weightDecay, 0);
    if (typeof g.amsgrad !== 'boolean') throw new NablaError(`${name}: amsgrad must be true or false, got ${describe(g.amsgrad)}`);
  }

  protected update(p: Tensor, grad: Tensor, state: ParamState, h: ParamGroup<AdamHyper>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = zerosLike(p);
      state.exp_avg_sq = zerosLike(p);
      if (h.amsgrad) state.max_exp_avg_sq = zerosLike(p);
    }
    const name = this.constructor.name;
    const m = moment(name, p, state, 'exp_avg');
    const v = moment(name, p, state, 'exp_avg_sq');
    if (h.amsgrad) moment(name, p, state, 'max_exp_avg_sq');
    const t = (state.step as number) + 1;
    state.step = t;
    const [beta1, beta2] = h.betas;
    if (!h.amsgrad && packed(p) && packed(m) && packed(v)) {
      const args = { lr: h.lr, beta1, beta2, eps: h.eps, weightDecay: h.weightDecay, decoupled: this.decoupled, step: t };
      B().adamStep(p._storage, grad._contiguousData(), m._storage, v._storage, args);
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

/** A moment estimate from the state, checked against its parameter (the fused kernel writes p.size elements into it). */
function moment(opt: string, p: Tensor, state: ParamState, key: string): Tensor {
  const t = state[key];
  if (!(t instanceof Tensor) || !shapesEqual(t.shape, p.shape) || t.dtype !== p.dtype) {
    const got = t instanceof Tensor ? `${t.dtype} ${fmtShape(t.shape)}` : describe(t);
    throw new ShapeError(`${opt}.step: state '${key}' of a ${p.dtype} parameter ${fmtShape(p.shape)} must be a tensor of the same shape and dtype, got ${got}`);
  }
  return t;
}

/** True if the tensor owns its whole storage, row-major (what the fused kernel writes into). */
function packed(t: Tensor): boolean {
  return t.offset === 0 && t._storage.length === t.size && t.isContiguous();
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;

  constructor(params: ParamsInput<AdamHyper>, opts: AdamOptions = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, ...opts });
  }
}
