/**
 * Pooling as functions. `maxPool2d` and `avgPool2d` are primitives (src/ops/pool.ts); the rest
 * are composed from them and from slices, so their gradients come from autograd.
 *
 * Adaptive pooling picks the windows from the sizes, as PyTorch: along an axis of length H with
 * `out` outputs, output i covers [floor(i H / out), ceil((i + 1) H / out)). Windows are
 * rectangles, so the 2-D mean is the mean over rows of the mean over columns. The max pools each
 * window with the max-pooling kernel, so that its gradient goes to one element (the first maximum,
 * or a NaN) as PyTorch's. When `out` divides H and W the windows are regular and the pooling
 * kernel is used directly.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
import { AllocationError, MAX_ELEMENTS } from '../core/dtype.js';
import { cat } from '../ops/indexing.js';
import { expect4d } from '../ops/conv.js';
import { avgPool2d, maxPool2d } from '../ops/pool.js';

export { maxPool2d, avgPool2d } from '../ops/pool.js';
export type { MaxPool2dOptions, AvgPool2dOptions } from '../ops/pool.js';

/** An output size for adaptive pooling: one number for both axes, or [h, w] (null keeps that axis). */
export type AdaptiveSize = number | readonly [number | null, number | null];

function outSizes(op: string, x: Tensor, size: AdaptiveSize): [number, number] {
  expect4d(op, x);
  if (typeof size !== 'number' && !(Array.isArray(size) && size.length === 2)) {
    throw new NablaError(`${op}: the output size must be a number or a pair [h, w], got ${describe(size)}`);
  }
  const [oh, ow] = typeof size === 'number' ? [size, size] : [size[0] ?? x.shape[2]!, size[1] ?? x.shape[3]!];
  for (const d of [oh, ow]) {
    if (!Number.isInteger(d) || d < 0) throw new NablaError(`${op}: the output size must be non-negative integers, got ${JSON.stringify(size)}`);
  }
  const elements = x.shape[0]! * x.shape[1]! * oh * ow;
  if (elements > MAX_ELEMENTS) {
    throw new AllocationError(`${op}: an output of ${fmtShape([x.shape[0]!, x.shape[1]!, oh, ow])} has ${elements.toLocaleString('en-US')} elements, more than one typed array can hold`);
  }
  return [oh, ow];
}

/** Pools axis `axis` (2 or 3) of x into `out` adaptive windows with `reduce`. */
function adaptiveAxis(x: Tensor, axis: number, out: number, reduce: (t: Tensor) => Tensor): Tensor {
  const size = x.shape[axis]!;
  if (out === size) return x;
  const parts: Tensor[] = [];
  for (let i = 0; i < out; i++) {
    const [start, end] = window(i, size, out);
    parts.push(reduce(x.narrow(axis, start, end - start)));
  }
  return parts.length === 1 ? parts[0]! : cat(parts, axis);
}

/** Mean over adaptive windows: x [N, C, H, W] -> [N, C, oh, ow]. */
export function adaptiveAvgPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [oh, ow] = outSizes('adaptiveAvgPool2d', x, outputSize);
  if (oh === 0 || ow === 0) return emptyOutput(x, oh, ow);
  const h = x.shape[2]!;
  const w = x.shape[3]!;
  if (h % oh === 0 && w % ow === 0) return avgPool2d(x, [h / oh, w / ow]);
  const rows = adaptiveAxis(x, 2, oh, (t) => t.mean(2, true));
  return adaptiveAxis(rows, 3, ow, (t) => t.mean(3, true));
}

/** Max over adaptive windows: x [N, C, H, W] -> [N, C, oh, ow]. */
export function adaptiveMaxPool2d(x: Tensor, outputSize: AdaptiveSize): Tensor {
  const [oh, ow] = outSizes('adaptiveMaxPool2d', x, outputSize);
  if (oh === 0 || ow === 0) return emptyOutput(x, oh, ow);
  const h = x.shape[2]!;
  const w = x.shape[3]!;
  if (h % oh === 0 && w % ow === 0) return maxPool2d(x, [h / oh, w / ow]);
  // one max-pooling window per output, so that the gradient goes to one element of each window
  // (the first maximum in row-major order, or a NaN), as PyTorch; a max over rows and then over
  // columns would pick another element among ties and split it as amax does
  const rows: Tensor[] = [];
  for (let i = 0; i < oh; i++) {
    const [h0, h1] = window(i, h, oh);
    const band = x.narrow(2, h0, h1 - h0);
    const cells: Tensor[] = [];
    for (let j = 0; j < ow; j++) {
      const [w0, w1] = window(j, w, ow);
      cells.push(maxPool2d(band.narrow(3, w0, w1 - w0), [h1 - h0, w1 - w0]));
    }
    rows.push(cells.length === 1 ? cells[0]! : cat(cells, 3));
  }
  return rows.length === 1 ? rows[0]! : cat(rows, 2);
}

/** An output with no windows, [N, C, oh, ow] with oh or ow 0 (still connected to x, for its zero gradient). */
function emptyOutput(x: Tensor, oh: number, ow: number): Tensor {
  return x.narrow(2, 0, 0).reshape([x.shape[0]!, x.shape[1]!, oh, ow]);
}

/** Output i's window [start, end) along an axis of length `size` pooled into `out`. */
function window(i: number, size: number, out: number): [number, number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}

export interface Pool1dOptions {
  stride?: number;
  padding?: number;
  ceilMode?: boolean;
}

function expect3d(op: string, x: Tensor): void {
  if (x.ndim !== 3) {
    throw new ShapeError(`${op}: expected a 3-D input [N, C, L] (batch, channels, length), got ${x.ndim}-D ${fmtShape(x.shape)}; for one sequence [C, L] add the batch axis with x.unsqueeze(0)`);
  }
}

/** 1-D max pooling over the last axis: x [N, C, L] -> [N, C, outL] (a 2-D pool of height 1). */
export function maxPool1d(x: Tensor, kernel: number, opts: Pool1dOptions & { dilation?: number } = {}): Tensor {
  expect3d('maxPool1d', x);
  return maxPool2d(x.unsqueeze(2), [1, kernel], {
    stride: [1, opts.stride ?? kernel],
    padding: [0, opts.padding ?? 0],
    dilation: [1, opts.dilation ?? 1],
    ceilMode: opts.ceilMode ?? false,
  }).squeeze(2);
}

/** 1-D average pooling over the last axis: x [N, C, L] -> [N, C, outL]. */
export function avgPool1d(x: Tensor, kernel: number, opts: Pool1dOptions & { countIncludePad?: boolean } = {}): Tensor {
  expect3d('avgPool1d', x);
  return avgPool2d(x.unsqueeze(2), [1, kernel], {
    stride: [1, opts.stride ?? kernel],
    padding: [0, opts.padding ?? 0],
    ceilMode: opts.ceilMode ?? false,
    countIncludePad: opts.countIncludePad ?? true,
  }).squeeze(2);
}
