/**
 * Loss modules: `loss = new nn.CrossEntropyLoss(); J = loss.forward(logits, target)`. Each
 * holds its options and calls the functional form (src/functional/loss.ts, where the formulas
 * are). `reduction` is 'mean' (default), 'sum' or 'none'.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, describe } from '../core/errors.js';
import * as F from '../functional/loss.js';
import { Module } from './module.js';

export type { Reduction } from '../functional/loss.js';

/** Base of the losses: forward(input, target) -> loss. */
export abstract class Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: F.Reduction;

  constructor(opts: F.LossOptions = {}) {
    super();
    const name = new.target.name;
    if (opts === null || typeof opts !== 'object') throw new NablaError(`${name}: options must be an object such as { reduction: 'sum' }, got ${describe(opts)}`);
    this.reduction = opts.reduction ?? 'mean';
    if (!['mean', 'sum', 'none'].includes(this.reduction)) throw new NablaError(`${name}: reduction must be 'mean', 'sum' or 'none', got ${describe(this.reduction)}`);
    for (const key of ['weight', 'posWeight'] as const) {
      const w = (opts as Record<string, unknown>)[key];
      if (w !== undefined && w !== null && !(w instanceof Tensor)) throw new NablaError(`${name}: ${key} must be a Tensor, got ${describe(w)}`);
    }
  }

  override extraRepr(): string {
    return `reduction='${this.reduction}'`;
  }
}

/** L = (yhat - y)^2 */
export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.mseLoss(input, target, this);
  }
}

/** L = |yhat - y| */
export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return F.l1Loss(input, target, this);
  }
}

/** L = 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta */
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts: F.SmoothL1Options = {}) {
    super(opts);
    this.beta = opts.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.smoothL1Loss(input, target, this);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, beta=${this.beta}`;
  }
}

/** L = 0.5 d^2 if |d| < delta else delta (|d| - 0.5 delta) */
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(opts: F.HuberOptions = {}) {
    super(opts);
    this.delta = opts.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.huberLoss(input, target, this);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, delta=${this.delta}`;
  }
}

/** Negative log-likelihood of log-probabilities [N, C, ...] and int32 class targets. */
export class NLLLoss extends Loss {
  readonly ignoreIndex: number;
  /** class weights [C] (a buffer, saved in the state dict as PyTorch does) */
  declare weight: Tensor | null;
  constructor(opts: F.NLLOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, this);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, ignoreIndex=${this.ignoreIndex}`;
  }
}

/**
 * Cross-entropy of logits [N, C, ...] against int32 class targets [N, ...] (or class
 * probabilities of the logits' shape); softmax is included, so pass raw scores.
 */
export class CrossEntropyLoss extends NLLLoss {
  readonly labelSmoothing: number;
  constructor(opts: F.CrossEntropyOptions = {}) {
    super(opts);
    this.labelSmoothing = opts.labelSmoothing ?? 0;
  }
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, this);
  }
  override extraRepr(): string {
    return `${super.extraRepr()}, labelSmoothing=${this.labelSmoothing}`;
  }
}

/** Binary cross-entropy of probabilities in [0, 1]. */
export class BCELoss extends Loss {
  declare weight: Tensor | null;
  constructor(opts: F.BCEOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropy(input, target, this);
  }
}

/** Binary cross-entropy on logits (sigmoid included, numerically stable), with `posWeight`. */
export class BCEWithLogitsLoss extends Loss {
  declare weight: Tensor | null;
  declare pos_weight: Tensor | null;
  constructor(opts: F.BCEWithLogitsOptions = {}) {
    super(opts);
    this.registerBuffer('weight', opts.weight ?? null);
    this.registerBuffer('pos_weight', opts.posWeight ?? null);
  }
  get posWeight(): Tensor | null {
    return this.pos_weight;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, this);
  }
}
