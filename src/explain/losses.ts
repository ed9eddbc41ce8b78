/**
 * The losses explain knows by name, composed from tensor ops (so their gradients come from
 * autograd like everything else), each with its formula in the seed's notation.
 * m is the batch size; a = a^{(L)} is the network's output, y the target.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';

export type LossName = 'halfSquaredError' | 'mse' | 'bce';

export interface LossInfo {
  name: string;
  /** J in LaTeX, for a batch of m samples */
  tex: string;
  /** the same in plain text */
  text: string;
  fn: (yhat: Tensor, y: Tensor) => Tensor;
}

/** Anything that maps (prediction, target) to a scalar loss: a function or a loss module. */
export type LossFunction = ((yhat: Tensor, y: Tensor) => Tensor) | { call(yhat: Tensor, y: Tensor): Tensor };

function batchOf(yhat: Tensor): number {
  return yhat.ndim <= 1 ? 1 : yhat.size / yhat.shape[yhat.ndim - 1]!;
}

export const LOSSES: Readonly<Record<LossName, (m: number) => LossInfo>> = {
  halfSquaredError: (m) => ({
    name: '1/2 squared error',
    tex: m === 1 ? 'J = \\tfrac{1}{2}\\,\\lVert a^{(L)} - y \\rVert^2' : 'J = \\frac{1}{m}\\sum_{i=1}^{m} \\tfrac{1}{2}\\,\\lVert a^{(L)}_i - y_i \\rVert^2',
    text: m === 1 ? 'J = ½ ‖a⁽ᴸ⁾ − y‖²' : 'J = (1/m) Σᵢ ½ ‖a⁽ᴸ⁾ᵢ − yᵢ‖²',
    fn: (a, y) => a.sub(y).pow(2).sum().mul(0.5 / batchOf(a)),
  }),
  mse: () => ({
    name: 'mean squared error',
    tex: 'J = \\frac{1}{N}\\sum_{k=1}^{N} (a^{(L)}_k - y_k)^2',
    text: 'J = (1/N) Σₖ (a⁽ᴸ⁾ₖ − yₖ)²   (N = all output entries)',
    fn: (a, y) => a.sub(y).pow(2).mean(),
  }),
  bce: () => ({
    name: 'binary cross-entropy',
    tex: 'J = -\\frac{1}{N}\\sum_{k=1}^{N} \\left[ y_k \\ln a^{(L)}_k + (1 - y_k) \\ln (1 - a^{(L)}_k) \\right]',
    text: 'J = −(1/N) Σₖ [yₖ ln a⁽ᴸ⁾ₖ + (1 − yₖ) ln(1 − a⁽ᴸ⁾ₖ)]',
    fn: (a, y) => y.mul(a.log()).add(y.neg().add(1).mul(a.neg().add(1).log())).mean().neg(),
  }),
};

const ALIASES: Record<string, LossName> = {
  halfSquaredError: 'halfSquaredError',
  'half-mse': 'halfSquaredError',
  halfMse: 'halfSquaredError',
  mse: 'mse',
  bce: 'bce',
  binaryCrossEntropy: 'bce',
};

/** Resolves a loss given by name, function or module into its formula and function. */
export function resolveLoss(loss: LossName | string | LossFunction, yhat: Tensor, name?: string, tex?: string): LossInfo {
  if (typeof loss === 'string') {
    const key = ALIASES[loss];
    if (key === undefined) {
      throw new NablaError(`explain: unknown loss '${loss}'; use 'halfSquaredError' (the seed's J = 1/2 (a - y)^2), 'mse' or 'bce', or pass a function (yhat, y) => J`);
    }
    return LOSSES[key](batchOf(yhat));
  }
  const fn = typeof loss === 'function' ? loss : (a: Tensor, y: Tensor) => loss.call(a, y);
  const n = name ?? (typeof loss === 'function' ? loss.name || 'loss' : loss.constructor.name);
  return { name: n, tex: tex ?? `J = \\mathrm{${n.replace(/[^A-Za-z0-9]/g, '')}}(a^{(L)}, y)`, text: `J = ${n}(a⁽ᴸ⁾, y)`, fn };
}

export function lossBatch(yhat: Tensor): number {
  return batchOf(yhat);
}
