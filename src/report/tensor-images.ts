/**
 * Turning layer weights and activations (plain row-major arrays with their shapes, so this
 * module needs no Tensor) into `GridImage`s for `imageGrid`: the learned first-layer filters of a
 * convolution and the feature maps of one sample.
 */
import { NablaError } from '../core/errors.js';
import type { GridImage } from './images.js';

const fmt = (shape: readonly number[]) => `[${shape.join(',')}]`;

/**
 * One image per output channel of a conv weight of shape `[outC, inC, kH, kW]` (PyTorch layout),
 * showing input channel `inChannel` (default 0; `'mean'` averages over input channels).
 * Draw them with `imageGrid(imgs, { colormap: 'diverging', range: 'shared' })` so that sign and
 * size compare across filters.
 */
export function convFilterImages(weights: ArrayLike<number>, shape: readonly number[], opts: { inChannel?: number | 'mean' } = {}): GridImage[] {
  if (shape.length !== 4) throw new NablaError(`convFilterImages: weight shape must be [outC, inC, kH, kW], got ${fmt(shape)}`);
  const [outC, inC, kH, kW] = shape as [number, number, number, number];
  if (weights.length !== outC * inC * kH * kW) {
    throw new NablaError(`convFilterImages: ${weights.length} values do not match shape ${fmt(shape)} (${outC * inC * kH * kW})`);
  }
  const which = opts.inChannel ?? 0;
  if (which !== 'mean' && !(Number.isInteger(which) && which >= 0 && which < inC)) {
    throw new NablaError(`convFilterImages: inChannel ${which} is not in [0, ${inC - 1}] for shape ${fmt(shape)}`);
  }
  const k = kH * kW;
  return Array.from({ length: outC }, (_, o) => {
    const px = new Float64Array(k);
    const channels = which === 'mean' ? Array.from({ length: inC }, (_, i) => i) : [which];
    for (const c of channels) {
      const base = (o * inC + c) * k;
      for (let i = 0; i < k; i++) px[i]! += weights[base + i]! / channels.length;
    }
    return { pixels: px, width: kW, height: kH, caption: `filter ${o}` };
  });
}

/**
 * One image per channel of the activations of one sample, shape `[C, H, W]` or `[1, C, H, W]`
 * (the first sample is used when the batch is larger). At most `maxChannels` (default 64).
 */
export function featureMapImages(acts: ArrayLike<number>, shape: readonly number[], opts: { maxChannels?: number } = {}): GridImage[] {
  if (shape.length !== 3 && shape.length !== 4) {
    throw new NablaError(`featureMapImages: activation shape must be [C, H, W] or [N, C, H, W], got ${fmt(shape)}`);
  }
  const [C, H, W] = shape.slice(-3) as [number, number, number];
  const total = shape.reduce((a, b) => a * b, 1);
  if (acts.length !== total) throw new NablaError(`featureMapImages: ${acts.length} values do not match shape ${fmt(shape)} (${total})`);
  const n = Math.min(C, opts.maxChannels ?? 64);
  return Array.from({ length: n }, (_, c) => {
    const px = new Float64Array(H * W);
    for (let i = 0; i < H * W; i++) px[i] = acts[c * H * W + i]!;
    return { pixels: px, width: W, height: H, caption: `channel ${c}` };
  });
}
