/**
 * `ConvTranspose2d`: the learnable transposed convolution (the upsampling half of an
 * encoder-decoder), thin state over `convTranspose2d` (src/ops/conv-transpose.ts).
 * Parameters and state-dict keys as PyTorch: `weight` [inChannels, outChannels/groups, kh, kw]
 * and `bias` [outChannels].
 */
import type { Tensor } from '../core/tensor.js';
import type { FloatDType } from '../core/dtype.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { empty } from '../ops/result.js';
import { type Pair, expect4d, pair } from '../ops/conv.js';
import { convTranspose2d, convTransposeOutSize } from '../ops/conv-transpose.js';
import { Module, Parameter } from './module.js';
import { resetConv } from './conv.js';

export interface ConvTranspose2dLayerOptions {
  /** step between the input pixels' footprints in the output (default 1) */
  stride?: Pair;
  /** rows/columns cropped from each side of the full output (default 0) */
  padding?: Pair;
  /** rows/columns added at the bottom/right (default 0; smaller than stride or dilation) */
  outputPadding?: Pair;
  /** spacing between kernel taps (default 1) */
  dilation?: Pair;
  /** independent channel groups (default 1) */
  groups?: number;
  /** learn a bias per output channel (default true) */
  bias?: boolean;
  /** parameter dtype (default 'float32') */
  dtype?: FloatDType;
}

/**
 * x [N, inChannels, H, W] -> y [N, outChannels, outH, outW] with
 * outH = (H - 1) stride - 2 padding + dilation (kh - 1) + outputPadding + 1.
 * With kernel = stride (e.g. 2 and 2) each input pixel paints its own kh x kw block: the usual
 * 2x learned upsampling of a U-Net. Initialised as PyTorch: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) with
 * fanIn = outChannels/groups * kh * kw.
 */
export class ConvTranspose2d extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Pair,
    opts: ConvTranspose2dLayerOptions = {},
  ) {
    super();
    const L = 'ConvTranspose2d';
    this.groups = opts.groups ?? 1;
    for (const [k, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', this.groups]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new NablaError(`${L}: ${k} must be a positive integer, got ${v}`);
    }
    if (inChannels % this.groups !== 0 || outChannels % this.groups !== 0) {
      throw new NablaError(`${L}: groups ${this.groups} must divide both inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    this.kernelSize = pair(L, 'kernel size', kernelSize, 1);
    this.stride = pair(L, 'stride', opts.stride ?? 1, 1);
    this.padding = pair(L, 'padding', opts.padding ?? 0, 0);
    this.outputPadding = pair(L, 'outputPadding', opts.outputPadding ?? 0, 0);
    this.dilation = pair(L, 'dilation', opts.dilation ?? 1, 1);
    for (let a = 0; a < 2; a++) {
      if (this.outputPadding[a]! >= this.stride[a]! && this.outputPadding[a]! >= this.dilation[a]!) {
        throw new NablaError(`${L}: outputPadding ${JSON.stringify(this.outputPadding)} must be smaller than either the stride ${JSON.stringify(this.stride)} or the dilation ${JSON.stringify(this.dilation)}`);
      }
    }
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(empty(dtype, [inChannels, outChannels / this.groups, ...this.kernelSize]));
    this.bias = opts.bias === false ? null : new Parameter(empty(dtype, [outChannels]));
    this.resetParameters();
  }

  /** Re-draws the parameters with PyTorch's default initialisation. */
  resetParameters(): void {
    resetConv(this.weight, this.bias);
  }

  /**
   * `outputSize` ([H, W], or with the leading [N, C]) picks the output size among those a
   * strided conv could have come from, overriding outputPadding (as PyTorch's `output_size`).
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    const name = `ConvTranspose2d(${this.inChannels}, ${this.outChannels})`;
    expect4d(name, x, this.inChannels);
    if (x.shape[1] !== this.inChannels) {
      throw new ShapeError(
        `${name}: expected ${this.inChannels} input channel${this.inChannels === 1 ? '' : 's'} ([N, ${this.inChannels}, H, W]), got ${x.shape[1]} in x ${fmtShape(x.shape)}`,
      );
    }
    const outputPadding = outputSize === undefined ? this.outputPadding : this.paddingFor(name, x, outputSize);
    try {
      return convTranspose2d(x, this.weight, this.bias, {
        stride: this.stride, padding: this.padding, outputPadding, dilation: this.dilation, groups: this.groups,
      });
    } catch (e) {
      if (e instanceof ShapeError && !e.message.startsWith(name)) throw new ShapeError(`${name}: ${e.message}`);
      throw e;
    }
  }

  /** The outputPadding that gives `outputSize`, or an error listing the sizes that are possible. */
  private paddingFor(name: string, x: Tensor, outputSize: readonly number[]): [number, number] {
    const hw = outputSize.length === 4 ? outputSize.slice(2) : outputSize;
    if (hw.length !== 2) throw new NablaError(`${name}: outputSize must be [H, W] or [N, C, H, W], got ${JSON.stringify(outputSize)}`);
    const res: number[] = [];
    for (let a = 0; a < 2; a++) {
      const min = convTransposeOutSize(x.shape[2 + a]!, this.kernelSize[a]!, this.stride[a]!, this.padding[a]!, this.dilation[a]!, 0);
      const max = min + this.stride[a]! - 1;
      const want = hw[a]!;
      if (!Number.isInteger(want) || want < min || want > max) {
        throw new ShapeError(`${name}: requested output size ${JSON.stringify(hw)} is not possible for input ${fmtShape(x.shape)}: axis ${a + 2} can be ${min}..${max}`);
      }
      res.push(want - min);
    }
    return [res[0]!, res[1]!];
  }

  override extraRepr(): string {
    const s = [`${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(',')}]`, `stride=[${this.stride.join(',')}]`];
    if (this.padding.some((v) => v !== 0)) s.push(`padding=[${this.padding.join(',')}]`);
    if (this.outputPadding.some((v) => v !== 0)) s.push(`outputPadding=[${this.outputPadding.join(',')}]`);
    if (this.dilation.some((v) => v !== 1)) s.push(`dilation=[${this.dilation.join(',')}]`);
    if (this.groups !== 1) s.push(`groups=${this.groups}`);
    if (this.bias === null) s.push('bias=false');
    return s.join(', ');
  }
}
