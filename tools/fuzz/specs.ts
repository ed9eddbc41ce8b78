/**
 * One random-call generator per op-table row: given the fuzzer's random source, a call of the
 * row's op in the row's own argument conventions (the same `{inputs, args}` a table sample has,
 * so `execute()` runs it in nabla and tools/fixtures/make_optable.py in PyTorch). Calls cover
 * shapes with 0-d, size-0 and size-1 axes, broadcast pairs, negative and out-of-range axes,
 * keepdim, views, every dtype, edge values, plain-number operands on either side and each op's
 * options; a small share are invalid on purpose (errors are compared as raise / no raise).
 *
 * A call that hits a documented deviation (src/optable/deviations.ts) names it and is counted
 * apart instead of compared.
 */
import type { DType } from '../../src/core/dtype.js';
import type { Args, ArgValue, InputSpec } from '../../src/optable/index.js';
import { type Domain, FuzzRand } from './rand.js';
import { type RecurrentShape, recurrentArgs, recurrentInputs } from '../../src/optable/rows-recurrent.js';

export interface Call {
  inputs: InputSpec[];
  args: Args;
  deviation?: string;
}
export type Spec = (r: FuzzRand) => Call;

const FLOATS: readonly (readonly [DType, number])[] = [['float32', 1], ['float64', 1]];
const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const viewShape = (t: InputSpec): number[] => {
  let s = [...t.shape];
  for (const v of t.view ?? []) {
    if (v[0] === 'transpose') [s[v[1]], s[v[2]]] = [s[v[2]]!, s[v[1]]!];
    else if (v[0] === 'stride') s[v[1]] = Math.max(0, Math.ceil((s[v[1]]! - v[2]) / v[3]));
    else s = [...v[1]];
  }
  return s;
};

function call(inputs: InputSpec[], args: Args = {}, deviation?: string): Call {
  return deviation ? { inputs, args, deviation } : { inputs, args };
}

// ------------------------------------------------------------------ elementwise

function unary(d: Domain = {}, args: (r: FuzzRand) => Args = () => ({}), floatOnly = false): Spec {
  return (r) => {
    const dt = r.dtype();
    return call([r.tensor(r.shape(), dt, d)], args(r), floatOnly && !isFloat(dt) ? 'int-input-float-op' : undefined);
  };
}

function binary(d: Domain = {}): Spec {
  return (r) => {
    const form = r.weighted([['tt', 6], ['ts', 1.5], ['st', 1], ['same', 0.4]] as const);
    const da = r.dtype();
    const a = r.shape();
    if (form === 'same') return call([r.tensor(a, da, d)], { same: true });
    if (form !== 'tt') return call([r.tensor(a, da, d)], form === 'st' ? { scalar: r.scalar(), left: true } : { scalar: r.scalar() });
    const b = r.broadcastPartner(a);
    const db = r.chance(0.5) ? da : r.dtype();
    const [x, y] = r.chance(0.5) ? [a, b] : [b, a];
    return call([r.tensor(x, da, d), r.tensor(y, db, d)]);
  };
}

function clamp(r: FuzzRand): Call {
  const dt = r.dtype([['float32', 4], ['float64', 3], ['int32', 2]]);
  const bound = (): number | null => (r.chance(0.25) ? null : r.weighted<number>([[r.values(1, 'float64', { edge: 0 })[0]!, 6], [r.int(-3, 3), 2], [NaN, 0.3], [Infinity, 0.3], [-Infinity, 0.3]]));
  let min = bound();
  let max = bound();
  if (min === null && max === null) min = 0;
  if (min !== null && max !== null && min > max && r.chance(0.7)) [min, max] = [max, min];
  return call([r.tensor(r.shape(), dt)], { min, max });
}

// ------------------------------------------------------------------ reductions

interface ReduceKind {
  axes: 'multi' | 'single' | 'required' | 'required-multi';
  keepdim?: boolean;
  correction?: boolean;
  floatOnly?: boolean;
  dtypes?: readonly (readonly [DType, number])[];
}

function axisArg(r: FuzzRand, n: number, k: ReduceKind): number | number[] | null {
  const multi = k.axes === 'multi' || k.axes === 'required-multi';
  const none = k.axes === 'multi' || k.axes === 'single';
  const u = r.random();
  if (none && u < 0.25) return null;
  if (multi && u > 0.7) {
    const axes = r.shuffle(Array.from({ length: Math.max(n, 1) }, (_, i) => i)).slice(0, r.int(n === 0 ? 1 : 0, Math.max(n, 1)));
    const list = axes.map((a) => (r.chance(0.4) ? a - Math.max(n, 1) : a));
    if (list.length > 0 && r.chance(0.04)) list.push(list[0]!); // a repeated axis: an error
    return list;
  }
  return r.axis(n);
}

function reduce(k: ReduceKind, d: Domain = {}): Spec {
  return (r) => {
    const dt = r.dtype(k.dtypes);
    const shape = r.shape();
    const args: Record<string, ArgValue> = { axis: axisArg(r, shape.length, k) };
    if (k.keepdim !== false) args['keepdim'] = r.chance(0.4);
    if (k.correction) args['correction'] = r.pick([0, 1, 1, 2]);
    return call([r.tensor(shape, dt, d)], args, k.floatOnly && !isFloat(dt) ? 'int-input-float-op' : undefined);
  };
}

// ------------------------------------------------------------------ shapes and indexing

function factor(r: FuzzRand, n: number): number[] {
  if (n === 0) {
    const dims = [0, ...Array.from({ length: r.int(0, 2) }, () => r.int(1, 3))];
    return r.shuffle(dims);
  }
  const primes: number[] = [];
  let m = n;
  for (let p = 2; p <= m; p++) while (m % p === 0) (primes.push(p), (m /= p));
  const k = r.int(primes.length === 0 ? 0 : 1, Math.min(4, primes.length + 1));
  const dims = Array.from({ length: k }, () => 1);
  for (const p of primes) dims[r.int(0, k - 1)]! *= p;
  return dims;
}

function reshapeTarget(r: FuzzRand, n: number): number[] {
  const s = factor(r, n);
  if (r.chance(0.05)) return [...s, 2]; // wrong size (or fine when n = 0): compared as error / no error
  if (s.length > 0 && r.chance(0.45)) s[r.int(0, s.length - 1)] = -1;
  if (r.chance(0.03)) s.push(-1);
  return s;
}

function reshape(r: FuzzRand): Call {
  const shape = r.shape();
  return call([r.tensor(shape, r.dtype())], { shape: reshapeTarget(r, size(shape)) });
}

function sliceSpecs(r: FuzzRand, shape: readonly number[]): ArgValue[] {
  const specs: ArgValue[] = [];
  const k = r.int(0, shape.length);
  for (let i = 0; i < k; i++) {
    const n = shape[i]!;
    const u = r.random();
    if (u < 0.2) specs.push(null);
    else if (u < 0.4) specs.push(r.chance(0.05) ? n : r.int(-n, Math.max(n - 1, -n)) );
    else {
      const end = (): number | null => (r.chance(0.25) ? null : r.int(-n - 2, n + 2));
      const step = r.chance(0.5) ? null : r.chance(0.03) ? 0 : r.int(1, 3);
      specs.push([end(), end(), step]);
    }
  }
  return specs;
}

function gather(r: FuzzRand): Call {
  const shape = r.shape(0, 3);
  const ax = r.axis(shape.length);
  const a = ax < 0 ? ax + Math.max(shape.length, 1) : ax;
  const ishape = shape.length === 0 ? (r.chance(0.5) ? [] : [1]) : shape.map((d, i) => (i === a ? r.int(0, 3) : r.int(Math.min(d, 1), d)));
  const n = shape.length === 0 ? 1 : (shape[a] ?? 1);
  const data = Array.from({ length: size(ishape) }, () => (r.chance(0.03) ? n : r.int(0, Math.max(n - 1, 0))));
  return call([r.tensor(shape, r.dtype()), { shape: ishape, dtype: 'int32', data }], { axis: ax });
}

function indexSelect(r: FuzzRand): Call {
  const shape = r.shape(0, 3);
  const ax = r.axis(shape.length);
  const a = ax < 0 ? ax + Math.max(shape.length, 1) : ax;
  const n = shape.length === 0 ? 1 : (shape[a] ?? 1);
  const ishape = r.chance(0.15) ? [] : [r.int(0, 4)];
  const data = Array.from({ length: size(ishape) }, () => (r.chance(0.03) ? n : r.int(0, Math.max(n - 1, 0))));
  return call([r.tensor(shape, r.dtype()), { shape: ishape, dtype: 'int32', data }], { axis: ax });
}

function where(r: FuzzRand): Call {
  const shape = r.shape();
  const cdt: DType = r.chance(0.93) ? 'bool' : r.pick(['int32', 'float32'] as const);
  const cond = r.tensor(r.broadcastPartner(shape, 0.02), cdt);
  const dev = cdt === 'bool' ? undefined : 'non-bool-condition';
  const da = r.dtype();
  const db = r.chance(0.5) ? da : r.dtype();
  const u = r.random();
  if (u < 0.15) return call([cond, r.tensor(shape, db)], { a: r.scalar() }, dev);
  if (u < 0.3) return call([cond, r.tensor(shape, da)], { b: r.scalar() }, dev);
  return call([cond, r.tensor(shape, da), r.tensor(r.broadcastPartner(shape, 0.02), db)], {}, dev);
}

function maskedFill(r: FuzzRand): Call {
  const shape = r.shape();
  const mdt: DType = r.chance(0.95) ? 'bool' : 'int32';
  const mshape = r.chance(0.9) ? r.broadcastPartner(shape, 0).slice(-shape.length || 0).map((d, i, s) => (shape[shape.length - s.length + i] === d ? d : 1)) : r.broadcastPartner(shape);
  return call([r.tensor(shape, r.dtype()), r.tensor(mshape, mdt)], { value: r.scalar() }, mdt === 'bool' ? undefined : 'non-bool-condition');
}

function catStack(stack: boolean): Spec {
  return (r) => {
    const base = r.shape(stack ? 0 : 1, 3, 24);
    const ax = stack ? r.int(-base.length - 1, base.length) : r.axis(base.length);
    const a = ax < 0 ? ax + base.length : ax;
    const k = r.int(1, 4);
    const dt = r.dtype();
    const inputs: InputSpec[] = [];
    for (let i = 0; i < k; i++) {
      let s = [...base];
      if (!stack && a >= 0 && a < s.length) s[a] = r.int(0, 3);
      if (r.chance(0.04)) s = s.map((d) => d + 1); // shapes differ: an error
      if (!stack && r.chance(0.04)) s = [0]; // the legacy empty [0] piece PyTorch skips
      inputs.push(r.tensor(s, r.chance(0.8) ? dt : r.dtype()));
    }
    return call(inputs, { axis: ax });
  };
}

function splitCall(r: FuzzRand): Call {
  const shape = r.shape(1, 3);
  const ax = r.axis(shape.length, 0.02);
  const n = shape[ax < 0 ? ax + shape.length : ax] ?? 1;
  let size: ArgValue;
  if (r.chance(0.35)) {
    const parts: number[] = [];
    let left = n;
    while (left > 0) {
      const p = r.int(r.chance(0.15) ? 0 : 1, left);
      parts.push(p);
      left -= p;
    }
    if (r.chance(0.2)) parts.push(0);
    if (r.chance(0.05)) parts.push(1); // sizes do not add up: an error
    size = parts;
  } else size = n === 0 ? r.int(0, 2) : r.chance(0.03) ? 0 : r.int(1, n + 1);
  return call([r.tensor(shape, r.dtype())], { size, axis: ax });
}

function inplace(op: string): Spec {
  return (r) => {
    const shape = r.shape(0, 3);
    const dx = r.dtype([['float32', 4], ['float64', 2], ['int32', 2], ['bool', 0.5]]);
    const x = r.tensor(shape, dx, {}, r.chance(0.05) ? 'any' : 'no-expand', false);
    if (r.chance(0.3)) {
      const sc = r.chance(0.5) ? r.int(-3, 3) : r.scalar();
      return call([x], { scalar: op === 'div_' && sc === 0 ? 2 : sc });
    }
    const yshape = r.chance(0.9) ? r.broadcastPartner(shape, 0).slice(-shape.length || 0) : r.broadcastPartner(shape);
    const fixed = yshape.map((d, i, s) => (shape[shape.length - s.length + i] === d ? d : 1));
    const dy = r.chance(0.6) ? dx : r.dtype();
    return call([x, r.tensor(r.chance(0.95) ? fixed : yshape, dy, op === 'div_' ? { lo: 0.5, hi: 3 } : {}, 'any', false)]);
  };
}

// ------------------------------------------------------------------ nn

function matmul(r: FuzzRand): Call {
  const ra = r.weighted([[1, 2], [2, 4], [3, 2], [4, 1]] as const);
  const rb = r.weighted([[1, 2], [2, 4], [3, 2], [4, 1]] as const);
  const m = r.dim(0.05, 0.15);
  const k = r.chance(0.04) ? 0 : r.int(1, 5);
  const nn = r.dim(0.05, 0.15);
  const ba = ra > 2 ? r.shape(ra - 2, ra - 2, 6, 0.05) : [];
  let bb = rb > 2 ? r.broadcastPartner(ba, 0.02).slice(-(rb - 2)) : [];
  while (bb.length < rb - 2) bb.unshift(r.int(1, 2));
  if (rb <= 2) bb = [];
  const sa = ra === 1 ? [k] : [...ba, m, k];
  const sb = rb === 1 ? [k] : [...bb, k, nn];
  if (r.chance(0.04)) sb[rb === 1 ? 0 : sb.length - 2] = k + 1; // inner sizes differ: an error
  const da = r.dtype(FLOATS);
  const db = r.chance(0.9) ? da : r.dtype(FLOATS);
  const d: Domain = { edge: 0.08 };
  return call([r.tensor(sa, da, d), r.tensor(sb, db, d)], {}, da !== db ? 'mixed-float-matmul' : undefined);
}

function linearCall(r: FuzzRand): Call {
  const dt = r.dtype(FLOATS);
  const inF = r.dim(0.05, 0.15);
  const out = r.dim(0.05, 0.15);
  const lead = r.shape(0, 2, 8);
  const x = r.tensor([...lead, r.chance(0.04) ? inF + 1 : inF], dt, { edge: 0.08 });
  const w = r.tensor([out, inF], dt, { edge: 0.05 });
  if (r.chance(0.3)) return call([x, w], { bias: false });
  return call([x, w, r.tensor([out], dt)]);
}

function convCall(dims: 1 | 2): Spec {
  return (r) => {
    const dt = r.dtype(FLOATS);
    const groups = r.weighted([[1, 4], [2, 1.5], [3, 0.5]] as const);
    const cin = groups * r.int(1, 2);
    const cout = groups * r.int(1, 2);
    const k = Array.from({ length: dims }, () => r.int(1, 3));
    const sp = Array.from({ length: dims }, () => r.int(1, dims === 1 ? 8 : 6));
    const n = r.int(1, 2);
    const same = r.chance(0.2);
    const one = (lo: number, hi: number): ArgValue => (dims === 2 && r.chance(0.3) ? [r.int(lo, hi), r.int(lo, hi)] : r.int(lo, hi));
    const args: Record<string, ArgValue> = {};
    if (same) args['padding'] = r.chance(0.8) ? 'same' : 'valid';
    else if (r.chance(0.6)) args['padding'] = one(0, 2);
    if (!same && r.chance(0.4)) args['stride'] = one(1, 2);
    if (r.chance(0.3)) args['dilation'] = one(1, 2);
    if (groups > 1) args['groups'] = groups;
    const inputs = [r.tensor([n, cin, ...sp], dt, { edge: 0.05 }), r.tensor([cout, cin / groups, ...k], dt, { edge: 0.03 })];
    if (r.chance(0.25)) args['bias'] = false;
    else inputs.push(r.tensor([cout], dt));
    return call(inputs, args);
  };
}

function poolCall(kind: 'max' | 'avg', dims: 1 | 2): Spec {
  return (r) => {
    const dt = r.dtype(FLOATS);
    const sp = Array.from({ length: dims }, () => r.int(1, 7));
    const pairOr = (lo: number, hi: number): ArgValue => (dims === 2 && r.chance(0.3) ? [r.int(lo, hi), r.int(lo, hi)] : r.int(lo, hi));
    const kernel = pairOr(1, 3);
    const kmin = Math.min(...(Array.isArray(kernel) ? (kernel as number[]) : [kernel as number]));
    const args: Record<string, ArgValue> = { kernel };
    if (r.chance(0.5)) args['stride'] = pairOr(1, 3);
    if (r.chance(0.4)) args['padding'] = r.chance(0.05) ? kmin : r.int(0, Math.floor(kmin / 2));
    if (kind === 'max' && r.chance(0.25)) args['dilation'] = r.int(1, 2);
    if (r.chance(0.25)) args['ceilMode'] = true;
    if (kind === 'avg' && r.chance(0.3)) args['countIncludePad'] = false;
    const x = r.tensor([r.int(1, 2), r.int(1, 3), ...sp], dt, { edge: 0.15 });
    return call([x], args);
  };
}

function adaptiveCall(r: FuzzRand): Call {
  const dt = r.dtype(FLOATS);
  const h = r.int(1, 7);
  const w = r.int(1, 7);
  const size: ArgValue = r.chance(0.4) ? r.int(1, 4) : [r.chance(0.15) ? null : r.int(1, h + 1), r.chance(0.15) ? null : r.int(1, w + 1)];
  return call([r.tensor([r.int(1, 2), r.int(1, 2), h, w], dt, { edge: 0.1 })], { size });
}

function batchNormCall(r: FuzzRand): Call {
  const dt = r.dtype(FLOATS);
  const c = r.int(1, 3);
  const shape = [r.int(1, 4), c, ...Array.from({ length: r.int(0, 2) }, () => r.int(1, 3))];
  const training = r.chance(0.6);
  const affine = r.chance(0.8);
  const running = !training || r.chance(0.3);
  // no expanded x: a constant channel's gradient is float32 noise (0 / 0 in exact arithmetic)
  const inputs = [r.tensor(shape, dt, { edge: 0.05, wide: false }, 'no-expand')];
  if (affine) inputs.push(r.tensor([c], dt, { lo: 0.5, hi: 2, edge: 0 }), r.tensor([c], dt, { edge: 0 }));
  if (running) inputs.push(r.tensor([c], dt, { edge: 0 }, 'contiguous', false), r.tensor([c], dt, { lo: 0.25, hi: 2, edge: 0 }, 'contiguous', false));
  const args: Record<string, ArgValue> = { training, affine, running };
  if (r.chance(0.3)) args['eps'] = r.pick([1e-3, 0.1, 1e-8]);
  return call(inputs, args);
}

function embeddingCall(r: FuzzRand): Call {
  const v = r.int(1, 5);
  const ishape = r.shape(0, 3, 12);
  const data = Array.from({ length: size(ishape) }, () => (r.chance(0.03) ? v : r.int(0, v - 1)));
  const args: Record<string, ArgValue> = {};
  if (r.chance(0.3)) args['paddingIdx'] = r.int(-v, v - 1);
  return call([{ shape: ishape, dtype: 'int32', data }, r.tensor([v, r.int(1, 3)], r.dtype(FLOATS))], args);
}

const REDUCTIONS = ['mean', 'sum', 'none'] as const;

function pairLoss(extra: (r: FuzzRand) => Args = () => ({})): Spec {
  return (r) => {
    const dt = r.dtype(FLOATS);
    const shape = r.shape(0, 3, 24);
    const bshape = r.chance(0.04) ? r.broadcastPartner(shape, 0) : shape;
    const dev = bshape.length !== shape.length || bshape.some((d, i) => d !== shape[i]) ? 'loss-shape-broadcast' : undefined;
    return call([r.tensor(shape, dt, { edge: 0.1 }), r.tensor(bshape, dt, { edge: 0.1 })], { reduction: r.pick(REDUCTIONS), ...extra(r) }, dev);
  };
}

function classLoss(logp: boolean, ce: boolean): Spec {
  return (r) => {
    const dt = r.dtype(FLOATS);
    const c = r.int(1, 4);
    const form = r.weighted([['nc', 5], ['c', 1], ['ncd', 2]] as const);
    const n = r.dim(0.06, 0.15);
    const extra = form === 'ncd' ? Array.from({ length: r.int(1, 2) }, () => r.dim(0.05, 0.2)) : [];
    const xshape = form === 'c' ? [c] : [n, c, ...extra];
    const tshape = form === 'c' ? [] : [n, ...extra];
    const d: Domain = logp ? { lo: -4, hi: 0, edge: 0.05 } : { lo: -3, hi: 3, edge: 0.08 };
    const ignore = r.chance(0.3) ? r.pick([0, 1, -1, 5]) : undefined;
    const args: Record<string, ArgValue> = { reduction: r.pick(REDUCTIONS) };
    if (ignore !== undefined) args['ignoreIndex'] = ignore;
    const probs = ce && r.chance(0.2);
    const target: InputSpec = probs
      ? r.tensor(xshape, dt, { lo: 0, hi: 1, edge: 0 }, 'any', false)
      : {
          shape: tshape,
          dtype: 'int32',
          data: Array.from({ length: size(tshape) }, () => (r.chance(0.1) ? (ignore ?? -100) : r.chance(0.02) ? c : r.int(0, c - 1))),
        };
    const inputs = [r.tensor(xshape, dt, d), target];
    if (r.chance(0.25)) {
      args['weight'] = true;
      inputs.push(r.tensor([c], dt, { lo: 0, hi: 2, edge: 0 }, 'contiguous', false));
    }
    if (ce && r.chance(0.25)) args['labelSmoothing'] = r.pick([0.1, 0.25, 1]);
    return call(inputs, args);
  };
}

function bceCall(logits: boolean): Spec {
  return (r) => {
    const dt = r.dtype(FLOATS);
    const shape = r.shape(0, 3, 24);
    const x = logits ? r.tensor(shape, dt, { lo: -4, hi: 4, edge: 0.15 }) : r.tensor(shape, dt, { lo: r.chance(0.05) ? -0.5 : 0, hi: 1, edge: 0 });
    const y = r.tensor(shape, dt, { lo: 0, hi: 1, edge: 0, wide: false }, 'any', logits ? undefined : false);
    return call([x, y], { reduction: r.pick(REDUCTIONS) });
  };
}

function recurrentCall(kind: 'rnn' | 'lstm' | 'gru', cell: boolean): Spec {
  return (r) => {
    const dtype = r.dtype(FLOATS);
    const shape: RecurrentShape = {
      kind,
      cell,
      input: r.int(1, 4),
      hidden: r.int(1, 3),
      batch: r.chance(0.15) ? null : r.dim(0.05, 0.3),
      steps: r.int(1, 3),
      layers: r.weighted([[1, 3], [2, 1]] as const),
      bidirectional: r.chance(0.3),
      batchFirst: r.chance(0.3),
      hasH: r.chance(0.75),
      bias: r.chance(0.8),
    };
    const inputs = recurrentInputs(shape, (s, scale) => r.tensor(s, dtype, { lo: -2 * scale, hi: 2 * scale, edge: 0.03, wide: false }, r.chance(0.8) ? 'contiguous' : 'any'));
    return call(inputs, recurrentArgs(shape, kind === 'rnn' && r.chance(0.3) ? 'relu' : undefined));
  };
}

const creationDType = (r: FuzzRand): Record<string, ArgValue> => (r.chance(0.7) ? { dtype: r.dtype([['float32', 1], ['float64', 1], ['int32', 1], ['bool', 0.5]]) } : {});

// ------------------------------------------------------------------ the table

const floatOnly = (d: Domain = {}, args?: (r: FuzzRand) => Args): Spec => unary(d, args, true);

export const SPECS: Record<string, Spec> = {
  neg: unary(), exp: unary(), log: unary({ lo: -1, hi: 4 }), log1p: unary({ lo: -1.5, hi: 3 }), expm1: unary(),
  sqrt: unary({ lo: -1, hi: 4 }), rsqrt: unary({ lo: -1, hi: 4 }), square: unary(), reciprocal: unary(), abs: unary(),
  sign: unary(), sin: unary(), cos: unary(), floor: unary(), ceil: unary(), round: unary(), relu: unary(),
  sigmoid: unary({ lo: -8, hi: 8 }), tanh: unary({ lo: -4, hi: 4 }),
  softplus: floatOnly({ lo: -25, hi: 25 }),
  softplusBeta: floatOnly({ lo: -10, hi: 10 }, (r) => ({ beta: r.pick([0.5, 2, 3]), threshold: r.pick([1, 5, 20]) })),
  gelu: floatOnly({ lo: -5, hi: 5 }), geluTanh: floatOnly({ lo: -5, hi: 5 }), silu: floatOnly({ lo: -5, hi: 5 }),
  leakyRelu: floatOnly({}, (r) => ({ slope: r.pick([0.01, 0.1, 0.5, 2, -0.5]) })),
  elu: floatOnly({}, (r) => ({ alpha: r.pick([0.7, 1, 2, 0]) })),
  logicalNot: unary(),
  clamp,
  cast: (r) => {
    const dt = r.dtype();
    const to = r.dtype([['float32', 1], ['float64', 1], ['int32', 1], ['bool', 1]]);
    const x = r.tensor(r.shape(), dt, isFloat(dt) && to === 'int32' ? { edge: 0 } : {});
    return call([x], { dtype: to });
  },
  add: binary(), sub: binary(), mul: binary(), div: binary(), pow: binary({ lo: -2, hi: 2 }),
  maximum: binary(), minimum: binary(),
  eq: binary(), ne: binary(), lt: binary(), le: binary(), gt: binary(), ge: binary(),
  sum: reduce({ axes: 'multi' }), mean: reduce({ axes: 'multi', floatOnly: true }),
  max: reduce({ axes: 'multi' }), min: reduce({ axes: 'multi' }),
  var: reduce({ axes: 'multi', correction: true, floatOnly: true }), std: reduce({ axes: 'multi', correction: true, floatOnly: true }),
  logsumexp: reduce({ axes: 'required-multi', dtypes: FLOATS }),
  argmax: reduce({ axes: 'single' }), argmin: reduce({ axes: 'single' }),
  softmax: reduce({ axes: 'required', keepdim: false, dtypes: FLOATS }), logSoftmax: reduce({ axes: 'required', keepdim: false, dtypes: FLOATS }),
  reshape,
  view: (r) => {
    const shape = r.shape();
    return call([r.tensor(shape, r.dtype())], { shape: reshapeTarget(r, size(shape)) });
  },
  transpose: (r) => {
    const shape = r.shape();
    return call([r.tensor(shape, r.dtype())], { a: r.axis(shape.length), b: r.axis(shape.length) });
  },
  permute: (r) => {
    const shape = r.shape();
    const axes = r.shuffle(shape.map((_, i) => (r.chance(0.4) ? i - shape.length : i)));
    if (r.chance(0.04)) axes.push(0);
    return call([r.tensor(shape, r.dtype())], { axes });
  },
  T: (r) => call([r.tensor(r.shape(0, 2), r.dtype())]),
  mT: (r) => call([r.tensor(r.shape(r.chance(0.05) ? 0 : 2, 4), r.dtype())]),
  flatten: (r) => {
    const shape = r.shape();
    return call([r.tensor(shape, r.dtype())], { start: r.axis(shape.length), end: r.axis(shape.length) });
  },
  squeeze: (r) => {
    const shape = r.shape(0, 4, 48).map((d) => (r.chance(0.35) ? 1 : d));
    return call([r.tensor(shape, r.dtype())], { axis: r.chance(0.3) ? null : r.axis(shape.length) });
  },
  unsqueeze: (r) => {
    const shape = r.shape(0, 3);
    const n = shape.length + 1;
    return call([r.tensor(shape, r.dtype())], { axis: r.chance(0.03) ? n : r.int(-n, n - 1) });
  },
  expand: (r) => {
    const shape = r.shape(0, 3, 24).map((d) => (r.chance(0.4) ? 1 : d));
    const target: number[] = shape.map((d) => (d === 1 ? r.pick([1, 2, 3, 0, -1]) : r.chance(0.3) ? -1 : r.chance(0.03) ? d + 1 : d));
    const lead = Array.from({ length: r.int(0, 2) }, () => (r.chance(0.03) ? -1 : r.int(0, 3)));
    return call([r.tensor(shape, r.dtype())], { shape: [...lead, ...target] });
  },
  slice: (r) => {
    const shape = r.shape(1, 4);
    return call([r.tensor(shape, r.dtype())], { specs: sliceSpecs(r, shape) });
  },
  narrow: (r) => {
    const shape = r.shape(1, 3);
    const ax = r.axis(shape.length);
    const n = shape[ax < 0 ? ax + shape.length : ax] ?? 1;
    const start = r.int(-n, n);
    const s0 = start < 0 ? start + n : start;
    const length = r.chance(0.04) ? n - s0 + 1 : r.int(0, n - s0);
    return call([r.tensor(shape, r.dtype())], { axis: ax, start, length });
  },
  select: (r) => {
    const shape = r.shape(r.chance(0.03) ? 0 : 1, 3);
    const ax = r.axis(shape.length);
    const n = shape[ax < 0 ? ax + shape.length : ax] ?? 1;
    return call([r.tensor(shape, r.dtype())], { axis: ax, index: r.chance(0.04) ? n : r.int(-n, n - 1) });
  },
  repeat: (r) => {
    const shape = r.shape(0, 3, 12);
    const k = r.int(shape.length - (r.chance(0.05) && shape.length > 0 ? 1 : 0), shape.length + 2);
    return call([r.tensor(shape, r.dtype())], { reps: Array.from({ length: k }, () => r.pick([0, 1, 1, 2, 3])) });
  },
  contiguous: (r) => call([r.tensor(r.shape(), r.dtype())]),
  clone: (r) => call([r.tensor(r.shape(), r.dtype())]),
  gather, indexSelect, where, maskedFill,
  cat: catStack(false), stack: catStack(true), split: splitCall,
  chunk: (r) => {
    const shape = r.shape(1, 3);
    return call([r.tensor(shape, r.dtype())], { chunks: r.chance(0.03) ? 0 : r.int(1, 6), axis: r.axis(shape.length, 0.02) });
  },
  add_: inplace('add_'), sub_: inplace('sub_'), mul_: inplace('mul_'), div_: inplace('div_'),
  fill_: (r) => {
    const dt = r.dtype([['float32', 2], ['float64', 2], ['int32', 1], ['bool', 0.5]]);
    const v = r.chance(0.5) ? r.scalar() : r.int(-3, 3);
    return call([r.tensor(r.shape(), dt, {}, r.chance(0.1) ? 'any' : 'no-expand', false)], { value: dt === 'int32' && !Number.isFinite(v) ? 1 : v });
  },
  copy_: (r) => {
    const shape = r.shape(0, 3);
    const dst = r.tensor(shape, r.dtype(), {}, r.chance(0.05) ? 'any' : 'no-expand', false);
    const sshape = r.chance(0.9) ? r.broadcastPartner(shape, 0).slice(-shape.length || 0).map((d, i, s) => (shape[shape.length - s.length + i] === d ? d : 1)) : r.broadcastPartner(shape);
    const src = r.tensor(sshape, r.dtype(), { edge: 0 }, 'any', false);
    return call([dst, src]);
  },
  matmul, linear: linearCall, conv2d: convCall(2), conv1d: convCall(1),
  maxPool2d: poolCall('max', 2), avgPool2d: poolCall('avg', 2), maxPool1d: poolCall('max', 1), avgPool1d: poolCall('avg', 1),
  adaptiveAvgPool2d: adaptiveCall, adaptiveMaxPool2d: adaptiveCall,
  batchNorm: batchNormCall, embedding: embeddingCall,
  oneHot: (r) => {
    const c = r.int(1, 5);
    const s = r.shape(0, 2, 8);
    return call([{ shape: s, dtype: 'int32', data: Array.from({ length: size(s) }, () => r.int(0, c - 1)) }], { classes: c }, 'one-hot-float');
  },
  mseLoss: pairLoss(), l1Loss: pairLoss(),
  smoothL1Loss: pairLoss((r) => ({ beta: r.pick([0.5, 1, 0]) })), huberLoss: pairLoss((r) => ({ delta: r.pick([0.75, 1, 2]) })),
  nllLoss: classLoss(true, false), crossEntropy: classLoss(false, true),
  binaryCrossEntropy: bceCall(false), binaryCrossEntropyWithLogits: bceCall(true),
  rnnCell: recurrentCall('rnn', true), lstmCell: recurrentCall('lstm', true), gruCell: recurrentCall('gru', true),
  rnn: recurrentCall('rnn', false), lstm: recurrentCall('lstm', false), gru: recurrentCall('gru', false),
  dropout: (r) => {
    const x = r.tensor(r.shape(), r.dtype(FLOATS));
    const training = r.chance(0.7);
    return call([x], { p: training ? r.pick([0, 1, 1, 0, 1.25]) : r.pick([0, 0.5, 1]), training });
  },
  pad2d: (r) => {
    const shape = r.shape(r.chance(0.05) ? 1 : 2, 4, 36);
    const pads = Array.from({ length: 4 }, () => r.int(-2, 2));
    return call([r.tensor(shape, r.dtype())], { pads, value: r.chance(0.5) ? 0 : r.pick([1.5, -Infinity, NaN, 3]) });
  },
  expandAs: (r) => {
    const shape = r.shape(0, 3, 24).map((d) => (r.chance(0.4) ? 1 : d));
    const target = [...Array.from({ length: r.int(0, 1) }, () => r.int(0, 3)), ...shape.map((d) => (d === 1 ? r.int(0, 3) : r.chance(0.03) ? d + 1 : d))];
    return call([r.tensor(shape, r.dtype()), r.tensor(target, r.dtype(), {}, 'contiguous', false)]);
  },
  zero_: (r) => call([r.tensor(r.shape(), r.dtype(), {}, r.chance(0.1) ? 'any' : 'no-expand', false)]),
  full: (r) => {
    const d = creationDType(r);
    const v = d['dtype'] === undefined ? r.pick([2.5, -0.5, NaN, Infinity, 1e30]) : d['dtype'] === 'int32' ? r.pick([3, -2.5, 7, NaN, 3e9]) : r.scalar();
    return call([], { shape: r.shape(0, 3, 24), value: v, ...d });
  },
  zeros: (r) => call([], { shape: r.shape(0, 3, 24), ...creationDType(r) }),
  ones: (r) => call([], { shape: r.shape(0, 3, 24), ...creationDType(r) }),
  arange: (r) => {
    const d: Record<string, ArgValue> = r.chance(0.3) ? { dtype: r.dtype([['float32', 1], ['float64', 1], ['int32', 1]]) } : {};
    if (r.chance(0.25)) return call([], { start: r.int(0, 9), ...d });
    const ints = r.chance(0.5);
    const start = ints ? r.int(-5, 5) : r.values(1, 'float64', { edge: 0 })[0]!;
    const step = ints ? r.pick([1, 2, 3, -1, -2]) : r.pick([0.25, 0.5, -0.75, 0.3]);
    const end = start + step * (r.int(0, 8) + (ints ? 0 : 0.5)) * (r.chance(0.04) ? -1 : 1);
    return call([], { start, end, step, ...d });
  },
  linspace: (r) => call([], { start: r.pick([0, -1, 2.5, 10]), end: r.pick([1, -3, 2.5, 100]), steps: r.chance(0.03) ? -1 : r.int(0, 9), ...(r.chance(0.5) ? { dtype: r.dtype(FLOATS) } : {}) }),
  eye: (r) => call([], { n: r.chance(0.03) ? -1 : r.int(0, 4), ...(r.chance(0.6) ? { m: r.int(0, 5) } : {}), ...creationDType(r) }),
  zerosLike: (r) => call([r.tensor(r.shape(), r.dtype(), {}, 'any', false)], creationDType(r)),
  onesLike: (r) => call([r.tensor(r.shape(), r.dtype(), {}, 'any', false)], creationDType(r)),
  fullLike: (r) => {
    const x = r.tensor(r.shape(), r.dtype(), {}, 'any', false);
    const d = creationDType(r);
    const target = (d['dtype'] as DType | undefined) ?? x.dtype;
    return call([x], { value: target === 'int32' ? r.pick([3, -2.5, 0]) : r.scalar(), ...d });
  },
};

export { viewShape };

/** Whether some max-pooling window (dilated) has no tap inside the input along an axis. */
function emptyPoolWindow(sizes: readonly number[], a: Args): boolean {
  const pick = (v: ArgValue | undefined, i: number, dflt: number): number => (v === undefined ? dflt : Array.isArray(v) ? (v[i] as number) : (v as number));
  return sizes.some((n, i) => {
    const k = pick(a['kernel'], i, 1);
    const s = pick(a['stride'], i, k);
    const p = pick(a['padding'], i, 0);
    const d = pick(a['dilation'], i, 1);
    const span = n + 2 * p - d * (k - 1) - 1;
    if (span < 0 && a['ceilMode'] !== true) return false;
    let out = Math.floor((a['ceilMode'] === true ? span + s - 1 : span) / s) + 1;
    if (a['ceilMode'] === true && (out - 1) * s >= n + p) out--;
    for (let o = 0; o < out; o++) {
      let inside = false;
      for (let t = 0; t < k; t++) {
        const pos = o * s - p + t * d;
        if (pos >= 0 && pos < n) inside = true;
      }
      if (!inside) return true;
    }
    return false;
  });
}

/**
 * The documented deviation (src/optable/deviations.ts) a call runs into, if any, beyond the
 * ones the generators tag as they draw (int inputs of float-only ops, non-bool conditions...).
 */
export function deviationOf(op: string, c: Call): string | undefined {
  if (c.deviation) return c.deviation;
  const a = c.args;
  const x = c.inputs[0];
  // int32 sums that leave the int32 range (PyTorch's are int64)
  if ((op === 'sum' || op === 'mean') && x && x.dtype === 'int32' && x.data.some((v) => Math.abs(v) >= 65536)) return 'no-int64';
  if (op === 'full' && a['dtype'] === undefined && Number.isInteger(a['value'])) return 'full-float-default';
  if (op === 'elu' && x && x.data.some((v) => Number.isNaN(v))) return 'elu-nan-gradient';
  if (op === 'clamp' && (Number.isNaN(a['min']) || Number.isNaN(a['max']))) return 'clamp-nan-bound';
  if (op === 'indexSelect' && x && viewShape(x).length === 0 && size(c.inputs[1]!.shape) !== 1) return 'index-select-0d';
  const emptyAxes = Array.isArray(a['axis']) && a['axis'].length === 0;
  if (emptyAxes && ((op === 'logsumexp' && a['keepdim'] !== true) || op === 'var' || op === 'std')) return 'empty-axis-list';
  if ((op === 'maxPool2d' || op === 'maxPool1d') && x && emptyPoolWindow(viewShape(x).slice(2), a)) return 'max-pool-empty-window';
  if (op === 'log1p' && x && x.dtype === 'float32' && x.data.some((v) => v > 1e38)) return 'log1p-float32-huge';
  return undefined;
}
