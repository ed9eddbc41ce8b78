/**
 * Convolution layers on channel-first tensors: `Conv2d` (NCHW) and `Conv1d` (NCL).
 * Thin state over `conv2d` / `conv1d` (src/functional/conv.ts), which hold the math.
 */
import type { Tensor } from '../core/tensor.js';
import { type FloatDType, withAllocationContext } from '../core/dtype.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { empty } from '../ops/result.js';
import { type Conv2dPadding, type Pair, conv1d, conv2d } from '../functional/conv.js';
import { expect4d, pair } from '../ops/conv.js';
import { Module, Parameter } from './module.js';
import { noGrad } from '../core/autograd.js';
import { uniform } from '../ops/create.js';

export interface Conv2dLayerOptions {
  /** step between windows (default 1) */
  stride?: Pair;
  /** zeros on each side, or 'same' / 'valid' (default 0) */
  padding?: Conv2dPadding;
  /** spacing between kernel taps (default 1) */
  dilation?: Pair;
  /** independent channel groups (default 1; inChannels for depthwise) */
  groups?: number;
  /** learn a bias per output channel (default true) */
  bias?: boolean;
  /** parameter dtype (default 'float32') */
  dtype?: FloatDType;
}

export interface Conv1dLayerOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
  bias?: boolean;
  dtype?: FloatDType;
}

function checkChannels(layer: string, inC: number, outC: number, groups: number): void {
  for (const [k, v] of [['inChannels', inC], ['outChannels', outC], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new NablaError(`${layer}: ${k} must be a positive integer, got ${v}`);
  }
  if (inC % groups !== 0 || outC % groups !== 0) {
    throw new NablaError(`${layer}: groups ${groups} must divide both inChannels (${inC}) and outChannels (${outC})`);
  }
}

/** Checks stride, padding and dilation when the layer is made (not at its first forward). */
function checkGeometry(layer: string, stride: Pair, padding: Conv2dPadding | number, dilation: Pair): void {
  pair(layer, 'stride', stride, 1);
  pair(layer, 'dilation', dilation, 1);
  if (typeof padding === 'string') {
    if (padding !== 'same' && padding !== 'valid') throw new NablaError(`${layer}: padding must be a number, a pair, 'same' or 'valid', got '${padding}'`);
  } else pair(layer, 'padding', padding, 0);
}

/** Runs fn, prefixing the layer's name to a ShapeError (e.g. a kernel larger than the input). */
function named(layer: string, fn: () => Tensor): Tensor {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ShapeError && !e.message.startsWith(layer)) throw new ShapeError(`${layer}: ${e.message}`);
    throw e;
  }
}

/**
 * PyTorch's default: kaiming-uniform with a = sqrt(5), whose bound gain * sqrt(3 / fanIn) with
 * gain = sqrt(2 / (1 + a^2)) is 1/sqrt(fanIn); so weight and bias ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)),
 * fanIn = inChannels/groups * prod(kernel). Drawn from the library generator (manualSeed).
 */
export function resetConv(weight: Parameter, bias: Parameter | null): void {
  const fanIn = weight.size / Math.max(weight.shape[0]!, 1);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  noGrad(() => {
    weight.copy_(uniform(weight.shape, -bound, bound, { dtype: weight.dtype }));
    if (bias !== null) bias.copy_(uniform(bias.shape, -bound, bound, { dtype: bias.dtype }));
  });
}

/**
 * 2-D convolution: x [N, inChannels, H, W] -> y [N, outChannels, outH, outW],
 *   y[n,o] = bias[o] + sum_c weight[o,c] * x[n, c]   (cross-correlation over the kh x kw window)
 * Parameters `weight` [outChannels, inChannels/groups, kh, kw] and `bias` [outChannels].
 */
export class Conv2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: Pair;
  readonly padding: Conv2dPadding;
  readonly dilation: Pair;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: Conv2dLayerOptions = {},
  ) {
    super();
    this.groups = opts.groups ?? 1;
    checkChannels('Conv2d', inChannels, outChannels, this.groups);
    this.kernelSize = pair('Conv2d', 'kernel size', kernelSize, 1);
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    checkGeometry('Conv2d', this.stride, this.padding, this.dilation);
    const dtype = opts.dtype ?? 'float32';
    [this.weight, this.bias] = withAllocationContext(`Conv2d(${inChannels}, ${outChannels}, ${JSON.stringify(kernelSize)})`, () => [
      new Parameter(empty(dtype, [outChannels, inChannels / this.groups, ...this.kernelSize])),
      opts.bias === false ? null : new Parameter(empty(dtype, [outChannels])),
    ]);
    this.resetParameters();
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const name = `Conv2d(${this.inChannels}, ${this.outChannels})`;
    expect4d(name, x, this.inChannels);
    if (x.shape[1] !== this.inChannels) {
      throw new ShapeError(
        `${name}: expected ${this.inChannels} input channel${this.inChannels === 1 ? '' : 's'} ([N, ${this.inChannels}, H, W]), ` +
          `got ${x.shape[1]} in x ${fmtShape(x.shape)}; change the layer's inChannels to ${x.shape[1]} or fix the previous layer's output channels`,
      );
    }
    return named(name, () => conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups }));
  }

  override extraRepr(): string {
    const [kh, kw] = this.kernelSize;
    const s = [`${this.inChannels}, ${this.outChannels}, kernelSize=[${kh},${kw}]`, `stride=${JSON.stringify(this.stride)}`];
    if (this.padding !== 0) s.push(`padding=${JSON.stringify(this.padding)}`);
    if (this.dilation !== 1) s.push(`dilation=${JSON.stringify(this.dilation)}`);
    if (this.groups !== 1) s.push(`groups=${this.groups}`);
    if (this.bias === null) s.push('bias=false');
    return s.join(', ');
  }
}

/**
 * 1-D convolution over sequences: x [N, inChannels, L] -> y [N, outChannels, outL].
 * Parameters `weight` [outChannels, inChannels/groups, k] and `bias` [outChannels].
 */
export class Conv1d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number | 'same' | 'valid';
  readonly dilation: number;
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number,
    opts: Conv1dLayerOptions = {},
  ) {
    super();
    this.groups = opts.groups ?? 1;
    checkChannels('Conv1d', inChannels, outChannels, this.groups);
    if (!Number.isInteger(kernelSize) || kernelSize < 1) throw new NablaError(`Conv1d: kernel size must be a positive integer, got ${kernelSize}`);
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    for (const [k, v] of [['stride', this.stride], ['dilation', this.dilation]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new NablaError(`Conv1d: ${k} must be a positive integer, got ${JSON.stringify(v) ?? String(v)}`);
    }
    checkGeometry('Conv1d', 1, this.padding, 1);
    const dtype = opts.dtype ?? 'float32';
    [this.weight, this.bias] = withAllocationContext(`Conv1d(${inChannels}, ${outChannels}, ${kernelSize})`, () => [
      new Parameter(empty(dtype, [outChannels, inChannels / this.groups, kernelSize])),
      opts.bias === false ? null : new Parameter(empty(dtype, [outChannels])),
    ]);
    this.resetParameters();
  }

  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    const name = `Conv1d(${this.inChannels}, ${this.outChannels})`;
    if (x.ndim === 3 && x.shape[1] !== this.inChannels) {
      throw new ShapeError(
        `${name}: expected ${this.inChannels} input channel${this.inChannels === 1 ? '' : 's'} ([N, ${this.inChannels}, L]), got ${x.shape[1]} in x ${fmtShape(x.shape)}`,
      );
    }
    return named(name, () => conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups }));
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${JSON.stringify(this.padding)}`;
  }
}
