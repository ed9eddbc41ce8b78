/**
 * Batch normalisation layers: `BatchNorm1d` (input [N, C] or [N, C, L]) and `BatchNorm2d`
 * ([N, C, H, W]), one implementation over the channel axis 1 (see functional/batchnorm.ts for
 * the equations).
 *
 * State, with PyTorch's names: parameters `weight` (gamma, ones) and `bias` (beta, zeros) when
 * `affine`; buffers `running_mean` (zeros), `running_var` (ones) and `num_batches_tracked`
 * (int32 scalar) when `trackRunningStats`. Training normalises with the batch's biased
 * variance and updates the running statistics with the unbiased one; evaluation uses the
 * running statistics. `momentum: null` makes the running statistics a cumulative average
 * (the factor is 1 / num_batches_tracked).
 */
import { Tensor } from '../core/tensor.js';
import type { FloatDType } from '../core/dtype.js';
import { NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
import { full, zeros } from '../ops/create.js';
import { batchNorm } from '../functional/batchnorm.js';
import { Module, Parameter } from './module.js';

export interface BatchNormOptions {
  /** added to the variance (default 1e-5) */
  eps?: number;
  /** weight of each new batch in the running statistics (default 0.1); null = cumulative average */
  momentum?: number | null;
  /** learn gamma and beta (default true) */
  affine?: boolean;
  /** keep running statistics for evaluation (default true); if false, batch statistics are always used */
  trackRunningStats?: boolean;
  dtype?: FloatDType;
}

/** The shared implementation; subclasses only say which input ranks they accept. */
export abstract class BatchNormBase extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  declare running_mean: Tensor | null;
  declare running_var: Tensor | null;
  declare num_batches_tracked: Tensor | null;

  /** accepted input ranks and how to describe them in errors */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) throw new NablaError(`${new.target.name}: numFeatures must be a positive integer, got ${numFeatures}`);
    if (opts === null || typeof opts !== 'object') throw new NablaError(`${new.target.name}: options must be an object, got ${describe(opts)}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (typeof this.eps !== 'number' || !(this.eps >= 0) || this.eps === Infinity) throw new NablaError(`${new.target.name}: eps must be a finite number >= 0, got ${describe(this.eps)}`);
    if (this.momentum !== null && (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1))) {
      throw new NablaError(`${new.target.name}: momentum must be in [0, 1] (or null for a cumulative average), got ${describe(this.momentum)}`);
    }
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.affine ? new Parameter(full([numFeatures], 1, { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const track = this.trackRunningStats;
    this.registerBuffer('running_mean', track ? zeros([numFeatures], { dtype }) : null);
    this.registerBuffer('running_var', track ? full([numFeatures], 1, { dtype }) : null);
    this.registerBuffer('num_batches_tracked', track ? zeros([], { dtype: 'int32' }) : null);
  }

  /** Running statistics back to mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    this.running_mean?.zero_();
    this.running_var?.fill_(1);
    this.num_batches_tracked?.zero_();
  }

  forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    if (!this.ranks.includes(x.ndim)) {
      throw new ShapeError(`${name}: expected a ${this.ranks.join('-D or ')}-D input ${this.layout}, got ${x.ndim}-D ${fmtShape(x.shape)}`);
    }
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(
        `${name}(${this.numFeatures}): input ${fmtShape(x.shape)} has ${x.shape[1]} channels on axis 1, expected ${this.numFeatures} (layout ${this.layout})`,
      );
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.num_batches_tracked !== null) {
      this.num_batches_tracked.add_(1);
      if (this.momentum === null) factor = 1 / this.num_batches_tracked.item();
    }
    const useBatchStats = this.training || this.running_mean === null;
    return batchNorm(x, this.running_mean, this.running_var, this.weight, this.bias, {
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/** Batch normalisation of [N, C] or [N, C, L] inputs over the channel axis. */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = '[N,C] or [N,C,L]';
}

/** Batch normalisation of [N, C, H, W] inputs over the channel axis. */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = '[N,C,H,W]';
}
