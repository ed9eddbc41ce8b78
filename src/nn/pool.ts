/**
 * Pooling layers (no parameters): thin state over src/functional/pool.ts.
 * `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, `AdaptiveMaxPool2d` on [N, C, H, W];
 * `MaxPool1d`, `AvgPool1d` on [N, C, L].
 */
import type { Tensor } from '../core/tensor.js';
import { type Pair, pair } from '../ops/conv.js';
import { NablaError, describe } from '../core/errors.js';
import {
  type AdaptiveSize, type AvgPool2dOptions, type MaxPool2dOptions, type Pool1dOptions,
  adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
} from '../functional/pool.js';
import { Module } from './module.js';

/** Checks a pooling layer's sizes when it is made (the functional form checks them again per call). */
function checkPool(layer: string, kernelSize: Pair, opts: { stride?: Pair | null; padding?: Pair; dilation?: Pair }): void {
  if (opts === null || typeof opts !== 'object') throw new NablaError(`${layer}: options must be an object such as { stride: 2 }, got ${describe(opts)}`);
  const [kh, kw] = pair(layer, 'kernel size', kernelSize, 1);
  if (opts.stride !== undefined && opts.stride !== null) pair(layer, 'stride', opts.stride, 1);
  if (opts.dilation !== undefined) pair(layer, 'dilation', opts.dilation, 1);
  if (opts.padding !== undefined) {
    const [ph, pw] = pair(layer, 'padding', opts.padding, 0);
    if (2 * ph > kh || 2 * pw > kw) throw new NablaError(`${layer}: padding ${JSON.stringify(opts.padding)} must be at most half the kernel size ${JSON.stringify(kernelSize)}`);
  }
}

function checkPool1d(layer: string, kernelSize: number, opts: { stride?: number | null; padding?: number; dilation?: number }): void {
  if (typeof kernelSize !== 'number') throw new NablaError(`${layer}: kernel size must be an integer >= 1, got ${describe(kernelSize)}`);
  checkPool(layer, kernelSize, opts as { stride?: Pair | null; padding?: Pair; dilation?: Pair });
}

function checkAdaptive(layer: string, size: AdaptiveSize): void {
  const ok = (d: unknown): boolean => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 1);
  if (!(typeof size === 'number' ? ok(size) : Array.isArray(size) && size.length === 2 && size.every(ok))) {
    throw new NablaError(`${layer}: the output size must be a positive integer or a pair [h, w] of them (null keeps that axis), got ${JSON.stringify(size) ?? String(size)}`);
  }
}

/** y = max over each kernel window; stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPool2dOptions = {}) {
    super();
    checkPool('MaxPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.options.stride ?? this.kernelSize)}, padding=${JSON.stringify(this.options.padding ?? 0)}`;
  }
}

/** y = mean over each kernel window; stride defaults to the kernel size. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: AvgPool2dOptions = {}) {
    super();
    checkPool('AvgPool2d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.options.stride ?? this.kernelSize)}, padding=${JSON.stringify(this.options.padding ?? 0)}`;
  }
}

/** Mean over adaptive windows so that the output is [N, C, ...outputSize] whatever H and W are. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    checkAdaptive('AdaptiveAvgPool2d', outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/** Max over adaptive windows so that the output is [N, C, ...outputSize]. */
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    checkAdaptive('AdaptiveMaxPool2d', outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveMaxPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/** 1-D max pooling over the last axis of [N, C, L]. */
export class MaxPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: Pool1dOptions & { dilation?: number } = {}) {
    super();
    checkPool1d('MaxPool1d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.options);
  }
}

/** 1-D average pooling over the last axis of [N, C, L]. */
export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: Pool1dOptions & { countIncludePad?: boolean } = {}) {
    super();
    checkPool1d('AvgPool1d', kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}
