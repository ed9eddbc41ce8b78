/**
 * `LayerNorm(normalizedShape, { eps?, elementwiseAffine?, bias? })`: normalises each sample over
 * its last axes (functional/layernorm.ts has the equations). Parameters, with PyTorch's names and
 * initialisation: `weight` (gamma, ones) and `bias` (beta, zeros), each of shape normalizedShape,
 * when `elementwiseAffine` (default true).
 */
import type { Tensor } from '../core/tensor.js';
import type { FloatDType } from '../core/dtype.js';
import { NablaError } from '../core/errors.js';
import { full, zeros } from '../ops/create.js';
import { layerNorm } from '../ops/layernorm.js';
import { Module, Parameter } from './module.js';

export interface LayerNormOptions {
  /** added to the variance (default 1e-5) */
  eps?: number;
  /** learn gamma and beta (default true) */
  elementwiseAffine?: boolean;
  /** learn beta (default true; only with elementwiseAffine) */
  bias?: boolean;
  dtype?: FloatDType;
}

export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    const ns = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (ns.length === 0 || ns.some((v) => !Number.isInteger(v) || v <= 0)) {
      throw new NablaError(`LayerNorm: normalizedShape must be a positive integer or a list of them, got ${JSON.stringify(normalizedShape)}`);
    }
    this.normalizedShape = ns;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.eps >= 0)) throw new NablaError(`LayerNorm: eps must be >= 0, got ${opts.eps}`);
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    const dtype = opts.dtype ?? 'float32';
    this.weight = this.elementwiseAffine ? new Parameter(full(ns, 1, { dtype })) : null;
    this.bias = this.elementwiseAffine && opts.bias !== false ? new Parameter(zeros(ns, { dtype })) : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}
