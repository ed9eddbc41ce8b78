/**
 * Convolutions as functions. `conv2d` is the primitive of src/ops/conv.ts; `conv1d` is composed
 * from it by viewing the sequence as an image of height 1:
 *
 *   conv1d(x [N, C_in, L], w [C_out, C_in/groups, k]) = conv2d(x [N, C_in, 1, L], w [C_out, C_in/groups, 1, k]) [N, C_out, outL]
 *   outL = floor((L + 2 pad - d (k - 1) - 1) / s) + 1
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { conv2d } from '../ops/conv.js';

export { conv2d, pad2d } from '../ops/conv.js';
export type { Conv2dOptions, Conv2dPadding, Pair } from '../ops/conv.js';

export interface Conv1dOptions {
  stride?: number;
  padding?: number | 'same' | 'valid';
  dilation?: number;
  groups?: number;
}

/** 1-D convolution over the last axis: x [N, C_in, L], w [C_out, C_in/groups, k], b [C_out] or null. */
export function conv1d(x: Tensor, w: Tensor, b: Tensor | null = null, opts: Conv1dOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new NablaError(`conv1d: expected a Tensor input, got ${typeof x}`);
  if (x.ndim !== 3) {
    const hint = x.ndim === 2
      ? 'if it is one sequence [C, L], add the batch axis with x.unsqueeze(0); if it is a batch of one-channel sequences [N, L], add the channel axis with x.unsqueeze(1)'
      : 'reshape it to [N, C, L]';
    throw new ShapeError(`conv1d: expected a 3-D input [N, C, L] (batch, channels, length), got ${x.ndim}-D ${fmtShape(x.shape)}; ${hint}`);
  }
  if (!(w instanceof Tensor) || w.ndim !== 3) {
    throw new ShapeError(`conv1d: the weight must be a 3-D tensor [C_out, C_in/groups, k], got ${w instanceof Tensor ? fmtShape(w.shape) : typeof w}`);
  }
  const p = opts.padding ?? 0;
  const y = conv2d(x.unsqueeze(2), w.unsqueeze(2), b, {
    stride: [1, opts.stride ?? 1],
    padding: p === 'same' || p === 'valid' ? p : [0, p],
    dilation: [1, opts.dilation ?? 1],
    groups: opts.groups ?? 1,
  });
  return y.squeeze(2);
}
