/**
 * Gradient checking: compares autograd's gradients with central finite differences,
 *   dJ/dx_i ~ (J(x + eps e_i) - J(x - eps e_i)) / (2 eps),
 * computed in float64. For a non-scalar output, J is the sum of the output weighted by a fixed
 * random tensor (so every output element is checked, not just their sum).
 */
import { Tensor } from './tensor.js';
import { NablaError, fmtShape } from './errors.js';
import { noGrad } from './autograd.js';
import { isFloat } from './dtype.js';
import { Generator } from './rng.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** seed of the random output weighting */
  seed?: number;
}

/** Thrown by gradcheck when a gradient disagrees; names the input and the worst element. */
export class GradcheckError extends NablaError {}

/**
 * Returns true if autograd agrees with finite differences for every floating-point input that
 * requires grad; otherwise throws a GradcheckError naming the input and its worst element.
 * Inputs should be float64 (float32 inputs are checked as float64 copies).
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const xs = inputs.map((x) => {
    if (!isFloat(x.dtype) || !x.requiresGrad) return x;
    const c = x.detach().to('float64').contiguous(true).detach();
    return c.requiresGrad_(true);
  });
  const out0 = fn(...xs);
  if (!(out0 instanceof Tensor)) throw new NablaError('gradcheck: the function must return a Tensor');
  const gen = new Generator(opts.seed ?? 1234);
  const w = new Float64Array(out0.size);
  for (let i = 0; i < w.length; i++) w[i] = gen.random() * 2 - 1;
  const weight = new Tensor(w, out0.shape);
  const objective = (y: Tensor): number => {
    const d = y.to('float64').data();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i]! * w[i]!;
    return s;
  };
  if (!out0.requiresGrad) throw new NablaError('gradcheck: the output does not depend on any input that requires grad');
  out0.backward(out0.dtype === 'float64' ? weight : weight.to(out0.dtype));
  xs.forEach((x, xi) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad === null ? new Float64Array(x.size) : x.grad.to('float64').data();
    const data = x.storage;
    let worst = { i: -1, a: 0, n: 0, excess: 0 };
    for (let i = 0; i < x.size; i++) {
      const orig = data[i]!;
      const jp = noGrad(() => {
        data[i] = orig + eps;
        return objective(fn(...xs));
      });
      const jm = noGrad(() => {
        data[i] = orig - eps;
        return objective(fn(...xs));
      });
      data[i] = orig;
      const numeric = (jp - jm) / (2 * eps);
      const a = analytic[i]!;
      const excess = Math.abs(a - numeric) - (atol + rtol * Math.abs(numeric));
      if (!(excess <= 0) && (worst.i < 0 || excess > worst.excess || Number.isNaN(excess))) worst = { i, a, n: numeric, excess };
    }
    if (worst.i >= 0) {
      throw new GradcheckError(
        `gradcheck: input ${xi} ${fmtShape(x.shape)}: worst element ${unravel(worst.i, x.shape)} has analytic gradient ${worst.a} but numerical ${worst.n} (|diff| ${Math.abs(worst.a - worst.n).toExponential(3)} > atol ${atol} + rtol ${rtol} * |numerical|)`,
      );
    }
  });
  return true;
}

function unravel(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]!);
    i = Math.floor(i / shape[d]!);
  }
  return `[${idx.join(',')}]`;
}
