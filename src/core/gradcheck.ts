/**
 * Gradient checking: compares autograd's gradients with central finite differences,
 *   dJ/dx_i ~ (J(x + eps e_i) - J(x - eps e_i)) / (2 eps),
 * computed in float64. For a non-scalar output, J is the sum of the output weighted by a fixed
 * random tensor (so every output element is checked, not just their sum).
 */
import { Tensor } from './tensor.js';
import { NablaError, describe, fmtShape } from './errors.js';
import { noGrad } from './autograd.js';
import { isFloat } from './dtype.js';
import { Generator } from './rng.js';
import { formatIndex } from './shape.js';
import { noteWrite } from './residency.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** seed of the random output weighting */
  seed?: number;
}

/** Thrown by gradcheck when a gradient disagrees; names the input and the worst element. */
export class GradcheckError extends NablaError {}

/** The comparison for one input: its worst element (largest excess over the tolerance). */
export interface GradcheckInputReport {
  input: number;
  shape: readonly number[];
  /** multi-index of the worst element, e.g. "[1,0]" */
  worst: string;
  analytic: number;
  numerical: number;
  absError: number;
  ok: boolean;
}

/**
 * Compares autograd with finite differences for every floating-point input that requires grad
 * and reports, per input, the worst element (whether or not it is within tolerance).
 */
export function gradcheckReport(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): GradcheckInputReport[] {
  if (typeof fn !== 'function') throw new NablaError(`gradcheck: fn must be a function of the input tensors, got ${describe(fn)}`);
  if (!Array.isArray(inputs)) throw new NablaError(`gradcheck: inputs must be an array of tensors, got ${describe(inputs)}`);
  inputs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new NablaError(`gradcheck: input ${i} is not a Tensor but ${describe(x)}`);
  });
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  // float64 contiguous leaves (e.g. a module's parameters after .to('float64')) are perturbed in
  // place, so a function that reads them indirectly is checked too; others are checked as copies
  const direct = (x: Tensor): boolean => x.dtype === 'float64' && x.isLeaf && x.offset === 0 && x._storage.length === x.size;
  const savedGrads = inputs.map((x) => x.grad);
  const xs = inputs.map((x) => {
    if (!isFloat(x.dtype) || !x.requiresGrad) return x;
    if (direct(x)) {
      x.grad = null;
      return x;
    }
    const c = x.detach().to('float64').contiguous(true).detach();
    return c.requiresGrad_(true);
  });
  try {
    return compare(fn, xs, eps, atol, rtol, opts.seed ?? 1234);
  } finally {
    inputs.forEach((x, i) => {
      if (xs[i] === x) x.grad = savedGrads[i] ?? null;
    });
  }
}

function compare(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[], eps: number, atol: number, rtol: number, seed: number): GradcheckInputReport[] {
  const out0 = fn(...xs);
  if (!(out0 instanceof Tensor)) throw new NablaError('gradcheck: the function must return a Tensor');
  if (!out0.requiresGrad) throw new NablaError('gradcheck: the output does not depend on any input that requires grad');
  const gen = new Generator(seed);
  const w = new Float64Array(out0.size);
  for (let i = 0; i < w.length; i++) w[i] = gen.random() * 2 - 1;
  const weight = new Tensor(w, out0.shape);
  const objective = (y: Tensor): number => {
    const d = y.to('float64').data();
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[i]! * w[i]!;
    return s;
  };
  out0.backward(out0.dtype === 'float64' ? weight : weight.to(out0.dtype));
  const reports: GradcheckInputReport[] = [];
  xs.forEach((x, xi) => {
    if (!x.requiresGrad) return;
    const analytic = x.grad === null ? new Float64Array(x.size) : x.grad.to('float64').data();
    const data = x._storage;
    let worst = { i: 0, a: NaN, n: NaN, excess: -Infinity };
    for (let i = 0; i < x.size; i++) {
      const orig = data[i]!;
      const jp = noGrad(() => {
        data[i] = orig + eps;
        noteWrite(data);
        return objective(fn(...xs));
      });
      const jm = noGrad(() => {
        data[i] = orig - eps;
        noteWrite(data);
        return objective(fn(...xs));
      });
      data[i] = orig;
      noteWrite(data);
      const numeric = (jp - jm) / (2 * eps);
      const a = analytic[i]!;
      let excess = Math.abs(a - numeric) - (atol + rtol * Math.abs(numeric));
      if (Number.isNaN(excess)) excess = Infinity;
      if (excess > worst.excess) worst = { i, a, n: numeric, excess };
    }
    reports.push({
      input: xi,
      shape: x.shape,
      worst: formatIndex(worst.i, x.shape),
      analytic: worst.a,
      numerical: worst.n,
      absError: Math.abs(worst.a - worst.n),
      ok: x.size === 0 || worst.excess <= 0,
    });
  });
  return reports;
}

/**
 * Returns true if autograd agrees with finite differences for every floating-point input that
 * requires grad; otherwise throws a GradcheckError naming the input and its worst element.
 * Inputs should be float64 (float32 inputs are checked as float64 copies).
 */
export function gradcheck(fn: (...xs: Tensor[]) => Tensor, inputs: readonly Tensor[], opts: GradcheckOptions = {}): true {
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  for (const r of gradcheckReport(fn, inputs, opts)) {
    if (!r.ok) {
      throw new GradcheckError(
        `gradcheck: input ${r.input} ${fmtShape(r.shape)}: worst element ${r.worst} has analytic gradient ${r.analytic} but numerical ${r.numerical} (|diff| ${r.absError.toExponential(3)} > atol ${atol} + rtol ${rtol} * |numerical|)`,
      );
    }
  }
  return true;
}
