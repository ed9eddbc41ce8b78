/**
 * `nb.nn.init`: parameter initialisation, in place, as PyTorch's `torch.nn.init`. Every draw
 * comes from the library's seeded generator (`manualSeed`), or from `generator` if given.
 *
 * For a weight [out, in, k1, k2, ...]: fanIn = in * k1 * k2 ..., fanOut = out * k1 * k2 ...
 *   xavier (Glorot & Bengio, 2010):  std = gain * sqrt(2 / (fanIn + fanOut))
 *   kaiming (He et al., 2015):       std = gain / sqrt(fan),  fan = fanIn or fanOut (mode)
 * and the uniform variants draw from U(-sqrt(3) std, sqrt(3) std), which has that std.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { allocate, isFloat } from '../core/dtype.js';
import { noGrad } from '../core/autograd.js';
import { type Generator, defaultGenerator } from '../core/rng.js';

export type Nonlinearity =
  | 'linear' | 'identity' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'leakyRelu' | 'selu';

export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

export interface InitOptions {
  generator?: Generator;
}

export interface KaimingOptions extends InitOptions {
  /** the negative slope of the leaky ReLU that follows (default 0) */
  a?: number;
  /** 'fanIn' (default) preserves the forward variance, 'fanOut' the backward one */
  mode?: FanMode;
  /** default 'leaky_relu' (with a = 0, the gain of ReLU) */
  nonlinearity?: Nonlinearity;
}

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, sqrt(2)
 * for ReLU, sqrt(2 / (1 + slope^2)) for leaky ReLU (slope `param`, default 0.01), 3/4 for SELU.
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new NablaError(`calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/** [fanIn, fanOut] of a weight [out, in, ...kernel]. */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ShapeError(`init: fan in and fan out need a tensor with at least 2 dimensions [out, in, ...], got ${fmtShape(t.shape)}`);
  }
  const receptive = t.shape.slice(2).reduce((p, d) => p * d, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new NablaError(`init: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
}

/** Fills `t` in place, element by element in row-major order, with draws of `draw`. */
function fillWith(op: string, t: Tensor, draw: () => number): Tensor {
  if (!isFloat(t.dtype)) throw new NablaError(`${op}: expected a floating-point tensor, got ${t.dtype}`);
  const values = allocate(t.dtype, t.size);
  for (let i = 0; i < values.length; i++) values[i] = draw();
  noGrad(() => t.detach().copy_(new Tensor(values, t.shape)));
  return t;
}

/** U(a, b) in place. */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  return fillWith('uniform_', t, () => a + (b - a) * g.random());
}

/** N(mean, std^2) in place. */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  const g = opts.generator ?? defaultGenerator;
  return fillWith('normal_', t, () => mean + std * g.normal());
}

/** Fills with `value` in place. */
export function constant_(t: Tensor, value: number): Tensor {
  noGrad(() => t.detach().fill_(value));
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Xavier/Glorot uniform: U(-a, a), a = gain sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a, opts);
}

/** Xavier/Glorot normal: N(0, std^2), std = gain sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1, opts: InitOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

/**
 * Kaiming/He uniform: U(-bound, bound), bound = sqrt(3) gain / sqrt(fan). Layers' default
 * (a = sqrt(5)) gives bound = 1 / sqrt(fanIn).
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = (Math.sqrt(3) * gain) / Math.sqrt(fan(t, opts.mode ?? 'fanIn'));
  return uniform_(t, -bound, bound, opts);
}

/** Kaiming/He normal: N(0, std^2), std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan(t, opts.mode ?? 'fanIn')), opts);
}
