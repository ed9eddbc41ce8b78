/**
 * Pooling layers (no parameters): thin state over src/functional/pool.ts.
 * `MaxPool2d`, `AvgPool2d`, `AdaptiveAvgPool2d`, `AdaptiveMaxPool2d` on [N, C, H, W];
 * `MaxPool1d`, `AvgPool1d` on [N, C, L].
 */
import type { Tensor } from '../core/tensor.js';
import type { Pair } from '../ops/conv.js';
import {
  type AdaptiveSize, type AvgPool2dOptions, type MaxPool2dOptions, type Pool1dOptions,
  adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
} from '../functional/pool.js';
import { Module } from './module.js';

/** y = max over each kernel window; stride defaults to the kernel size. */
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: Pair, readonly options: MaxPool2dOptions = {}) {
    super();
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
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, this.options);
  }
}

/** 1-D average pooling over the last axis of [N, C, L]. */
export class AvgPool1d extends Module {
  constructor(readonly kernelSize: number, readonly options: Pool1dOptions & { countIncludePad?: boolean } = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize, this.options);
  }
}
