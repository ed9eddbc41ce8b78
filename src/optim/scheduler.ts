/**
 * Learning-rate schedulers, as PyTorch's `torch.optim.lr_scheduler`, in closed form: the lr
 * of each parameter group at epoch e is a function of its base lr eta_0 and e.
 *
 *   StepLR:             eta_e = eta_0 gamma^floor(e / stepSize)
 *   ExponentialLR:      eta_e = eta_0 gamma^e
 *   CosineAnnealingLR:  eta_e = etaMin + (eta_0 - etaMin) (1 + cos(pi e / tMax)) / 2
 *                       (periodic: after tMax it rises back, as PyTorch's)
 *
 * Construction sets epoch 0's lr; call `step()` once at the end of every epoch.
 */
import { NablaError, describe } from '../core/errors.js';
import { type BaseHyper, Optimizer } from './optimizer.js';

/** The options object of a scheduler, or a clear error. */
function options<T>(name: string, opts: T, example: string): T {
  if (opts === null || typeof opts !== 'object') throw new NablaError(`${name}: options must be an object such as ${example}, got ${describe(opts)}`);
  return opts;
}

/** A finite number option (or its default when absent). */
function finite(name: string, key: string, v: unknown, dflt?: number): number {
  if (v === undefined && dflt !== undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new NablaError(`${name}: ${key} must be a finite number, got ${describe(v)}`);
  return v;
}

export interface SchedulerStateDict {
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

export abstract class LRScheduler {
  /** the epoch whose lr is in effect (0 after construction) */
  lastEpoch = 0;
  readonly baseLrs: number[];
  private lastLr: number[];

  constructor(readonly optimizer: Optimizer<BaseHyper>) {
    if (!(optimizer instanceof Optimizer)) throw new NablaError(`${new.target.name}: expected an optimizer (e.g. new optim.SGD(...)), got ${describe(optimizer)}`);
    for (const g of optimizer.paramGroups) if (g.initialLr === undefined) g.initialLr = g.lr;
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    // epoch 0 runs at the base lr for every schedule here (so lrAt, which reads the subclass's
    // fields, is not needed before they exist)
    optimizer.paramGroups.forEach((g, i) => (g.lr = this.baseLrs[i]!));
    this.lastLr = [...this.baseLrs];
  }

  /** The lr of a group with base lr `base` at epoch `epoch`. */
  protected abstract lrAt(base: number, epoch: number): number;

  private apply(): number[] {
    const lrs = this.baseLrs.map((b) => this.lrAt(b, this.lastEpoch));
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = lrs[i]!));
    return lrs;
  }

  /** Advances one epoch and sets the new learning rates. */
  step(): void {
    this.lastEpoch++;
    this.lastLr = this.apply();
  }

  /** The learning rates set by the last step (one per parameter group). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  /** Restores the epoch counter (the optimizer's own state dict restores the lr values). */
  loadStateDict(sd: SchedulerStateDict): void {
    if (typeof sd?.lastEpoch !== 'number' || !Number.isInteger(sd.lastEpoch) || sd.lastEpoch < 0 || !Array.isArray(sd.baseLrs) || !sd.baseLrs.every((b) => typeof b === 'number')) {
      throw new NablaError(`${this.constructor.name}.loadStateDict: expected { lastEpoch, baseLrs, lastLr } as returned by stateDict()`);
    }
    if (sd.baseLrs.length !== this.baseLrs.length) {
      throw new NablaError(`${this.constructor.name}.loadStateDict: the state has ${sd.baseLrs.length} parameter groups, the optimizer has ${this.baseLrs.length}`);
    }
    this.lastEpoch = sd.lastEpoch;
    this.baseLrs.splice(0, this.baseLrs.length, ...sd.baseLrs);
    this.lastLr = Array.isArray(sd.lastLr) ? [...sd.lastLr] : this.baseLrs.map((b) => this.lrAt(b, this.lastEpoch));
  }
}

export interface StepLROptions {
  /** epochs between decays */
  stepSize: number;
  /** decay factor (default 0.1) */
  gamma?: number;
}

/** Multiplies the lr by gamma every stepSize epochs. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;
  constructor(optimizer: Optimizer<BaseHyper>, opts: StepLROptions) {
    options('StepLR', opts, '{ stepSize: 10, gamma: 0.1 }');
    if (!Number.isInteger(opts.stepSize) || opts.stepSize <= 0) throw new NablaError(`StepLR: stepSize must be a positive integer, got ${describe(opts.stepSize)}`);
    const gamma = finite('StepLR', 'gamma', opts.gamma, 0.1);
    super(optimizer);
    this.stepSize = opts.stepSize;
    this.gamma = gamma;
  }
  protected lrAt(base: number, epoch: number): number {
    return base * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
}

export interface ExponentialLROptions {
  /** decay factor per epoch */
  gamma: number;
}

/** Multiplies the lr by gamma every epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;
  constructor(optimizer: Optimizer<BaseHyper>, opts: ExponentialLROptions) {
    const gamma = finite('ExponentialLR', 'gamma', options('ExponentialLR', opts, '{ gamma: 0.9 }').gamma);
    super(optimizer);
    this.gamma = gamma;
  }
  protected lrAt(base: number, epoch: number): number {
    return base * Math.pow(this.gamma, epoch);
  }
}

export interface CosineAnnealingLROptions {
  /** epochs of a half period (from the base lr down to etaMin) */
  tMax: number;
  /** the minimum lr (default 0) */
  etaMin?: number;
}

/** Anneals the lr from its base value to etaMin along a half cosine over tMax epochs (SGDR without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;
  constructor(optimizer: Optimizer<BaseHyper>, opts: CosineAnnealingLROptions) {
    options('CosineAnnealingLR', opts, '{ tMax: 10 }');
    if (typeof opts.tMax !== 'number' || !(opts.tMax > 0) || opts.tMax === Infinity) throw new NablaError(`CosineAnnealingLR: tMax must be a positive number, got ${describe(opts.tMax)}`);
    const etaMin = finite('CosineAnnealingLR', 'etaMin', opts.etaMin, 0);
    super(optimizer);
    this.tMax = opts.tMax;
    this.etaMin = etaMin;
  }
  protected lrAt(base: number, epoch: number): number {
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }
}
