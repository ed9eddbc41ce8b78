/**
 * Loss functions L(yhat, y), composed from ops so their gradients come from autograd.
 * Each takes `reduction`: 'mean' (the seed's J = (1/m) sum_i L(yhat_i, y_i), the default),
 * 'sum', or 'none' (the per-element losses). PyTorch's semantics, option names in camelCase.
 *
 * Shapes: regression and binary losses take input and target of the same shape. The
 * classification losses take input [N, C] or [N, C, d1, ...] (or unbatched [C]) and int32 class
 * targets [N] or [N, d1, ...] (or a scalar); cross-entropy also takes class probabilities of the
 * input's shape.
 */
import { Tensor, checkTensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { allocate, isFloat } from '../core/dtype.js';
import { where } from '../ops/indexing.js';
import * as ew from '../ops/elementwise.js';
import { result } from '../ops/result.js';
import { noGrad } from '../core/autograd.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  reduction?: Reduction;
}

export interface SmoothL1Options extends LossOptions {
  /** where the loss turns from quadratic to linear (default 1) */
  beta?: number;
}

export interface HuberOptions extends LossOptions {
  /** where the loss turns from quadratic to linear (default 1) */
  delta?: number;
}

export interface NLLOptions extends LossOptions {
  /** a weight per class [C] (rescales each class's term; 'mean' divides by the summed weights) */
  weight?: Tensor | null;
  /** targets equal to this contribute nothing, not even to the mean's denominator (default -100) */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NLLOptions {
  /** epsilon in [0, 1]: the target becomes (1 - epsilon) one-hot + epsilon / C uniform (default 0) */
  labelSmoothing?: number;
}

export interface BCEOptions extends LossOptions {
  /** a weight broadcast against the per-element losses */
  weight?: Tensor | null;
}

export interface BCEWithLogitsOptions extends BCEOptions {
  /** weight of the positive term, per class (broadcast along the last axis) */
  posWeight?: Tensor | null;
}

// ------------------------------------------------------------------ helpers

function reduce(op: string, loss: Tensor, reduction: Reduction | undefined): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean':
      return loss.mean();
    case 'sum':
      return loss.sum();
    case 'none':
      return loss;
    default:
      throw new NablaError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

function sameShape(op: string, input: Tensor, target: Tensor): void {
  checkTensor(op, input);
  checkTensor(op, target, 'the target');
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${op}: input ${fmtShape(input.shape)} and target ${fmtShape(target.shape)} must have the same shape (reshape one of them, e.g. target.reshape(${fmtShape(input.shape)}))`,
    );
  }
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: input must be floating-point, got ${input.dtype}`);
}

// ------------------------------------------------------------------ regression

/** Squared error: L = (yhat - y)^2 (with 'sum' and a factor 1/2, the seed's J = 1/2 (a - y)^2). */
export function mseLoss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  sameShape('mseLoss', input, target);
  const d = input.sub(target);
  return reduce('mseLoss', d.mul(d), opts.reduction);
}

/** Absolute error: L = |yhat - y| (gradient sign(yhat - y), 0 at equality). */
export function l1Loss(input: Tensor, target: Tensor, opts: LossOptions = {}): Tensor {
  sameShape('l1Loss', input, target);
  return reduce('l1Loss', input.sub(target).abs(), opts.reduction);
}

/** Smooth L1: L = 0.5 d^2 / beta if |d| < beta, else |d| - 0.5 beta, with d = yhat - y. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: SmoothL1Options = {}): Tensor {
  sameShape('smoothL1Loss', input, target);
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new NablaError(`smoothL1Loss: beta must be >= 0, got ${beta}`);
  const loss = piecewiseLoss(
    'smoothL1Loss', input, target,
    (d) => { const ad = d.abs(); return where(ad.lt(beta), d.mul(d).mul(0.5 / beta), ad.sub(0.5 * beta)); },
    (d) => where(d.le(-beta), -1, where(d.ge(beta), 1, d.div(beta))),
  );
  return reduce('smoothL1Loss', loss, opts.reduction);
}

/** Huber: L = 0.5 d^2 if |d| < delta, else delta (|d| - 0.5 delta), with d = yhat - y. */
export function huberLoss(input: Tensor, target: Tensor, opts: HuberOptions = {}): Tensor {
  sameShape('huberLoss', input, target);
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new NablaError(`huberLoss: delta must be > 0, got ${delta}`);
  const loss = piecewiseLoss(
    'huberLoss', input, target,
    (d) => { const ad = d.abs(); return where(ad.lt(delta), d.mul(d).mul(0.5), ad.sub(0.5 * delta).mul(delta)); },
    (d) => where(d.lt(-delta), -delta, where(d.gt(delta), delta, d)),
  );
  return reduce('huberLoss', loss, opts.reduction);
}

/**
 * A per-element loss L(d), d = input - target, whose two pieces (quadratic near 0, linear
 * outside) are chosen per element: forward `f(d)`, derivative `df(d)` given by PyTorch's
 * formula, so that the unchosen piece cannot leak NaN into the gradient (at d = +-inf the
 * quadratic piece's derivative times 0 would be NaN) and NaN stays NaN.
 */
function piecewiseLoss(op: string, input: Tensor, target: Tensor, f: (d: Tensor) => Tensor, df: (d: Tensor) => Tensor): Tensor {
  const out = noGrad(() => f(input.sub(target)));
  return result(op, out, [input, target], (g) => {
    // the target's gradient is the same formula with the roles swapped, as PyTorch computes it
    // (it differs from minus the input's only at d = 0 and where d is NaN)
    return [input.requiresGrad ? g.mul(df(input.sub(target))) : null, target.requiresGrad ? g.mul(df(target.sub(input))) : null];
  });
}

// ------------------------------------------------------------------ classification

/** The expected target shape for class indices: the input's shape without the class axis. */
function classTargetShape(input: Tensor): number[] {
  return input.ndim === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
}

function checkClassInput(op: string, input: Tensor, target: Tensor): void {
  checkTensor(op, input);
  checkTensor(op, target, 'the target');
  if (input.ndim === 0) throw new ShapeError(`${op}: input must be [C], [N, C] or [N, C, d1, ...], got a scalar`);
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: input must be floating-point, got ${input.dtype}`);
}

/**
 * Validates int32 class targets against an input [N, C, ...] and returns, per target element,
 * its class (0 where ignored) and its weight w_{y_i} (0 where ignored).
 */
function classTargets(op: string, input: Tensor, target: Tensor, weight: Tensor | null | undefined, ignoreIndex: number): { safe: Int32Array; w: Tensor; keep: Tensor; wSum: number } {
  const c = input.ndim === 1 ? input.shape[0]! : input.shape[1]!;
  const expected = classTargetShape(input);
  if (!isFloat(target.dtype) && target.dtype !== 'int32') {
    throw new DTypeError(`${op}: class targets must be int32 class indices, got ${target.dtype} target ${fmtShape(target.shape)}`);
  }
  if (isFloat(target.dtype)) {
    throw new DTypeError(
      `${op}: got a ${target.dtype} target ${fmtShape(target.shape)} for input ${fmtShape(input.shape)}: class targets must be int32 class indices of shape ${fmtShape(expected)} (e.g. target.int())` +
        (op === 'crossEntropy' ? `, or pass class probabilities of the input's shape ${fmtShape(input.shape)}` : ''),
    );
  }
  if (target.shape.length !== expected.length || target.shape.some((d, i) => d !== expected[i])) {
    throw new ShapeError(`${op}: input ${fmtShape(input.shape)} needs class targets of shape ${fmtShape(expected)}, got target ${fmtShape(target.shape)}`);
  }
  let wData: ArrayLike<number> | null = null;
  if (weight !== null && weight !== undefined) {
    if (weight.ndim !== 1 || weight.shape[0] !== c) {
      throw new ShapeError(`${op}: weight must have one entry per class, shape [${c}] for input ${fmtShape(input.shape)}, got ${fmtShape(weight.shape)}`);
    }
    wData = weight.data();
  }
  const t = target.data() as Int32Array;
  const safe = new Int32Array(t.length);
  const w = allocate(input.dtype, t.length);
  const keep = allocate(input.dtype, t.length);
  let wSum = 0;
  for (let i = 0; i < t.length; i++) {
    const k = t[i]!;
    if (k === ignoreIndex) continue;
    if (k < 0 || k >= c) {
      throw new NablaError(
        `${op}: target value ${k} is out of range for ${c} classes (valid class indices are 0..${c - 1}${ignoreIndex < 0 || ignoreIndex >= c ? `, or ignoreIndex ${ignoreIndex}` : ''})`,
      );
    }
    safe[i] = k;
    keep[i] = 1;
    w[i] = wData === null ? 1 : wData[k]!;
    wSum += w[i]!;
  }
  return { safe, w: new Tensor(w, target.shape), keep: new Tensor(keep, target.shape), wSum };
}

/**
 * sum(per) / wSum. When every target is ignored (wSum = 0) the value is 0/0 = NaN, as PyTorch
 * 1.13, but the gradient is 0, not NaN (nothing was seen, so nothing changes), as PyTorch.
 */
function weightedMean(per: Tensor, wSum: number): Tensor {
  return wSum === 0 ? per.sum().mul(0).add(NaN) : per.sum().div(wSum);
}

/** Views an unbatched [C] input as [1, C] (and its scalar target as [1]). */
function batched(input: Tensor): Tensor {
  return input.ndim === 1 ? input.unsqueeze(0) : input;
}

/** -w_{y_i} logp[i, y_i] per element (0 where ignored), reduced; logp is [N, C, ...]. */
function nllCore(op: string, logp: Tensor, target: Tensor, opts: NLLOptions): { loss: Tensor; keep: Tensor; wSum: number } {
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const { safe, w, keep, wSum } = classTargets(op, logp, target, opts.weight, ignoreIndex);
  const x = batched(logp);
  const tShape = x.ndim === 2 ? [x.shape[0]!] : [x.shape[0]!, ...x.shape.slice(2)];
  const idx = new Tensor(safe, tShape).unsqueeze(1);
  const picked = x.gather(1, idx).squeeze(1).reshape(target.shape); // logp[i, y_i]
  // 0 where ignored even if that row's log-probabilities are NaN or infinite (NaN * 0 is NaN)
  const per = where(keep.ne(0), picked.mul(w).neg(), 0);
  const reduction = opts.reduction ?? 'mean';
  const loss = reduction === 'mean' ? weightedMean(per, wSum) : reduce(op, per, reduction);
  return { loss, keep, wSum };
}

/**
 * Negative log-likelihood of log-probabilities x [N, C, ...] (e.g. from logSoftmax) and int32
 * class targets y [N, ...]:
 *   L_i = -w_{y_i} x[i, y_i];  'mean' = sum_i L_i / sum_i w_{y_i}  (ignored targets excluded)
 */
export function nllLoss(input: Tensor, target: Tensor, opts: NLLOptions = {}): Tensor {
  checkClassInput('nllLoss', input, target);
  return nllCore('nllLoss', input, target, opts).loss;
}

/**
 * Cross-entropy of logits z [N, C, ...] against int32 class targets y [N, ...], computed stably
 * as the NLL of log-softmax (log p_ic = z_ic - log sum_j e^{z_ij}):
 *   L_i = -w_{y_i} log p_{i, y_i}
 * With label smoothing epsilon (C classes):
 *   L_i = (1 - epsilon) (-w_{y_i} log p_{i, y_i}) + (epsilon / C) (-sum_c w_c log p_ic)
 * ('mean' divides both terms by sum_i w_{y_i}). With class probabilities q [N, C, ...]
 * (a float target of the input's shape): L_i = -sum_c w_c q_ic log p_ic, 'mean' divides by N d1 ...
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  checkClassInput('crossEntropy', input, target);
  const ls = opts.labelSmoothing ?? 0;
  if (!(ls >= 0 && ls <= 1)) throw new NablaError(`crossEntropy: labelSmoothing must be in [0, 1], got ${ls}`);
  const axis = input.ndim === 1 ? 0 : 1;
  const c = input.shape[axis]!;
  const logp = input.logSoftmax(axis);
  const weight = opts.weight ?? null;
  const wB = weight === null ? null : weight.reshape(input.shape.map((d, i) => (i === axis ? c : 1)));
  if (isFloat(target.dtype) && target.shape.length === input.shape.length && target.shape.every((d, i) => d === input.shape[i])) {
    if ((opts.ignoreIndex ?? -100) >= 0) {
      throw new NablaError(`crossEntropy: ignoreIndex (${opts.ignoreIndex}) has no meaning for class-probability targets (a float target of the input's shape ${fmtShape(input.shape)}); leave it out`);
    }
    return probabilityCrossEntropy(logp, target, wB, ls, axis, opts.reduction);
  }
  const { loss: nll, keep, wSum } = nllCore('crossEntropy', logp, target, opts);
  if (ls === 0) return nll;
  const smooth = where(keep.ne(0), (wB === null ? logp : logp.mul(wB)).sum(axis).neg(), 0); // -sum_c w_c log p_ic, 0 where ignored
  const reduction = opts.reduction ?? 'mean';
  const ret = reduction === 'mean' ? weightedMean(smooth, wSum) : reduce('crossEntropy', smooth, reduction);
  return nll.mul(1 - ls).add(ret.mul(ls / c));
}

function probabilityCrossEntropy(logp: Tensor, q: Tensor, wB: Tensor | null, ls: number, axis: number, reduction: Reduction | undefined): Tensor {
  const c = logp.shape[axis]!;
  const t = ls > 0 ? q.mul(1 - ls).add(ls / c) : q;
  let prod = logp.mul(t);
  if (wB !== null) prod = prod.mul(wB);
  switch (reduction ?? 'mean') {
    case 'none':
      return prod.sum(axis).neg();
    case 'sum':
      return prod.sum().neg();
    case 'mean':
      return prod.sum().neg().div(logp.size / c);
    default:
      throw new NablaError(`crossEntropy: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  }
}

// ------------------------------------------------------------------ binary

/**
 * Binary cross-entropy of probabilities p in [0, 1] and targets y:
 *   L = -w (y log p + (1 - y) log(1 - p)),  each log clamped to >= -100 (as PyTorch), so that
 * p = 0 or 1 gives a finite loss.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: BCEOptions = {}): Tensor {
  sameShape('binaryCrossEntropy', input, target);
  const d = input.data();
  for (let i = 0; i < d.length; i++) {
    if (!(d[i]! >= 0 && d[i]! <= 1)) {
      throw new NablaError(`binaryCrossEntropy: every input must be a probability in [0, 1], found ${d[i]} (apply sigmoid first, or use binaryCrossEntropyWithLogits on the logits)`);
    }
  }
  let loss = bceElementwise(input, target);
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce('binaryCrossEntropy', loss, opts.reduction);
}

/**
 * L = -(y max(log p, -100) + (1 - y) max(log(1 - p), -100)) per element, with PyTorch's
 * gradients: dL/dp = (p - y) / max(p (1 - p), 1e-12) (large but finite at p = 0 or 1) and
 * dL/dy = max(log(1 - p), -100) - max(log p, -100).
 */
const BCE_EPS = Math.fround(1e-12);

function bceElementwise(p: Tensor, y: Tensor): Tensor {
  const clampedLogs = (q: Tensor): [Tensor, Tensor] => {
    const pos = q.gt(0);
    const below1 = q.lt(1);
    return [where(pos, where(pos, q, 1).log().clamp(-100), -100), where(below1, ew.log1p(where(below1, q, 0).neg()).clamp(-100), -100)];
  };
  const out = noGrad(() => {
    const [logP, log1mP] = clampedLogs(p);
    return y.mul(logP).add(y.neg().add(1).mul(log1mP)).neg();
  });
  return result('binaryCrossEntropy', out, [p, y], (g) => {
    const [logP, log1mP] = clampedLogs(p.detach());
    return [
      // PyTorch's epsilon is the float32 nearest 1e-12
      p.requiresGrad ? g.mul(p.sub(y)).div(p.mul(p.neg().add(1)).clamp(BCE_EPS)) : null,
      y.requiresGrad ? g.mul(log1mP.sub(logP)) : null,
    ];
  });
}

/**
 * Binary cross-entropy on logits z (sigmoid folded in, numerically stable):
 *   L = w ((1 - y) z + l softplus(-z)),   l = 1 + (posWeight - 1) y
 * which equals -w (posWeight y log sigma(z) + (1 - y) log(1 - sigma(z))). Its gradient is
 * w (l sigma(z) - posWeight y), exactly (sigma(z) - y) without posWeight.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: BCEWithLogitsOptions = {}): Tensor {
  sameShape('binaryCrossEntropyWithLogits', input, target);
  const spNeg = ew.softplus(input.neg()); // log(1 + e^{-z}) = -log sigma(z)
  const l = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1) : null;
  let loss = target.neg().add(1).mul(input).add(l === null ? spNeg : spNeg.mul(l));
  if (opts.weight) loss = loss.mul(opts.weight);
  return reduce('binaryCrossEntropyWithLogits', loss, opts.reduction);
}
