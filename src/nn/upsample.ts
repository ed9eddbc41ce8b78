/**
 * `Upsample` (and PyTorch's two fixed-mode shorthands): resizing without parameters, thin state
 * over `interpolate` (src/ops/upsample.ts).
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { type UpsampleMode, interpolate } from '../ops/upsample.js';
import { Module } from './module.js';

export interface UpsampleOptions {
  /** output size of the spatial axes (one number for all, or one per axis) */
  size?: number | readonly number[];
  /** multiplier of the spatial sizes (output = floor(input x scaleFactor)) */
  scaleFactor?: number | readonly number[];
  /** 'nearest' (default), 'bilinear' ([N, C, H, W]) or 'linear' ([N, C, L]) */
  mode?: UpsampleMode;
  /** linear modes only: corner pixels' centres map onto each other (default false) */
  alignCorners?: boolean;
  /** with scaleFactor: sample at in/out instead of 1/scaleFactor (default false) */
  recomputeScaleFactor?: boolean;
}

/** Resizes [N, C, H, W] or [N, C, L] by `size` or `scaleFactor` (exactly one), e.g. `new nn.Upsample({ scaleFactor: 2 })`. */
export class Upsample extends Module {
  readonly options: UpsampleOptions;
  constructor(options: UpsampleOptions) {
    super();
    if (options === null || typeof options !== 'object') throw new NablaError(`Upsample: expected an options object { size } or { scaleFactor }, got ${String(options)}`);
    if ((options.size === undefined) === (options.scaleFactor === undefined)) {
      throw new NablaError(`Upsample: give exactly one of size and scaleFactor (got ${options.size === undefined ? 'neither' : 'both'})`);
    }
    this.options = { ...options };
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
  override extraRepr(): string {
    const o = this.options;
    const s = [o.size !== undefined ? `size=${JSON.stringify(o.size)}` : `scaleFactor=${JSON.stringify(o.scaleFactor)}`, `mode=${o.mode ?? 'nearest'}`];
    if (o.alignCorners !== undefined) s.push(`alignCorners=${o.alignCorners}`);
    return s.join(', ');
  }
}

/** `Upsample` with mode 'nearest' (PyTorch's UpsamplingNearest2d). */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: Pick<UpsampleOptions, 'size' | 'scaleFactor'>) {
    super({ ...options, mode: 'nearest' });
  }
}

/** `Upsample` with mode 'bilinear' and alignCorners true (PyTorch's UpsamplingBilinear2d). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: Pick<UpsampleOptions, 'size' | 'scaleFactor'>) {
    super({ ...options, mode: 'bilinear', alignCorners: true });
  }
}
