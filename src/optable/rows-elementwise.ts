/** Op-table rows: elementwise unary and binary ops, comparisons, clamp, casts. */
import type { Operand, Tensor } from '../core/tensor.js';
import type { DType } from '../core/dtype.js';
import * as ew from '../ops/elementwise.js';
import * as F from '../functional/activation.js';
import type { Args, OpInfo, Sample } from './types.js';
import { type Domain, binarySamples, unarySamples, type BinaryOpts } from './families.js';
import { EDGE32, EDGE64, Values, vals } from './values.js';

function unary(name: string, doc: string, f: (x: Tensor, a: Args) => Tensor, d: Domain = {}, args: Args = {}, extra: Partial<OpInfo> = {}): OpInfo {
  return { name, doc, run: (xs, a) => f(xs[0]!, a), samples: unarySamples(name, d, args), differentiable: true, ...extra };
}

/** A binary op called as f(a, b), f(a, number) or f(number, b) (args.scalar, args.left), or f(a, a) (args.same). */
function callBinary(f: (a: Operand, b: Operand) => Tensor): OpInfo['run'] {
  return (xs, a) => {
    if (a['same']) return f(xs[0]!, xs[0]!);
    const sc = a['scalar'];
    if (typeof sc === 'number') return a['left'] ? f(sc, xs[0]!) : f(xs[0]!, sc);
    return f(xs[0]!, xs[1]!);
  };
}

function binary(name: string, doc: string, f: (a: Operand, b: Operand) => Tensor, o: BinaryOpts = {}, differentiable = true, extra: Sample[] = []): OpInfo {
  return { name, doc, run: callBinary(f), samples: [...binarySamples(name, o), ...extra], differentiable };
}

const pos: Domain = { lo: 0.5, hi: 2 };
const kink: Domain = { kink: true };

function powSamples(): Sample[] {
  const s = (name: string, a: number[], b: number[], dtype: DType = 'float64', bd: DType = dtype): Sample => ({
    name,
    inputs: [vals([a.length], dtype, a), vals([b.length], bd, b)],
    args: {},
    gradcheck: false,
  });
  return [
    s('float64 1^NaN, (-1)^inf, NaN^0, 0^negative, -0^-1', [1, -1, NaN, 0, 0, -0, 0, 2], [NaN, Infinity, 0, -1, -2, -1, 0, 0]),
    s('float32 1^NaN, (-1)^inf, NaN^0, 0^negative, -0^-1', [1, -1, NaN, 0, 0, -0, 0, 2], [NaN, Infinity, 0, -1, -2, -1, 0, 0], 'float32'),
    s('float64 negative base, fractional exponent', [-2, -0.5, -8, 4], [0.5, 2, 1 / 3, -0.5]),
    s('float64 0^p gradients', [0, 0, 0, 0], [2, 1, 0.5, 0]),
    s('int32 negative integer exponent', [2, 3, 4], [-1, 0, 2], 'int32'),
    s('int32 base, plain negative exponent', [2, 3], [1, 2], 'int32'),
    {
      name: 'int32 ^ plain -1',
      inputs: [vals([3], 'int32', [1, 2, 3])],
      args: { scalar: -1 },
      gradcheck: false,
    },
    {
      name: 'float64 ^ plain 0',
      inputs: [vals([4], 'float64', [NaN, 0, 2, -Infinity])],
      args: { scalar: 0 },
      gradcheck: false,
    },
    {
      name: 'float64 ^ plain 3',
      inputs: [vals([4], 'float64', [-1.5, 0, 0.25, 2])],
      args: { scalar: 3 },
    },
    {
      name: 'float64 ^ plain -0.5',
      inputs: [vals([3], 'float64', [0.25, 1, 4])],
      args: { scalar: -0.5 },
    },
    {
      name: 'plain 2 ^ float64',
      inputs: [vals([3], 'float64', [-1, 0, 0.5])],
      args: { scalar: 2, left: true },
    },
  ];
}

function castSamples(): Sample[] {
  const v = new Values('cast');
  const s = (name: string, input: Sample['inputs'][number], dtype: DType, extra: Partial<Sample> = {}): Sample => ({ name, inputs: [input], args: { dtype }, ...extra });
  return [
    s('float64 -> float32', v.rand([2, 3], 'float64'), 'float32', { gradcheck: false }),
    s('float32 -> float64', v.rand([2, 3], 'float32'), 'float64'),
    s('float64 -> float64 (same)', v.rand([3], 'float64'), 'float64'),
    s('float32 -> int32 (truncates)', vals([6], 'float32', [1.75, -1.75, 0.5, -0.5, 2, 1e9]), 'int32'),
    s('float32 -> int32 out of range', vals([4], 'float32', [NaN, Infinity, 3e9, -Infinity]), 'int32', { deviation: 'float-to-int-overflow' }),
    s('float64 -> bool', vals([5], 'float64', [0, -0, 0.5, NaN, -Infinity]), 'bool'),
    s('int32 -> float32', vals([3], 'int32', [-5, 0, 16777217]), 'float32'),
    s('int32 -> bool', vals([3], 'int32', [-5, 0, 2]), 'bool'),
    s('bool -> int32', vals([3], 'bool', [1, 0, 1]), 'int32'),
    s('bool -> float64', vals([3], 'bool', [1, 0, 1]), 'float64'),
    s('float64 edge -> float32', vals([EDGE64.length], 'float64', EDGE64), 'float32'),
    s('float32 edge -> float64', vals([EDGE32.length], 'float32', EDGE32), 'float64'),
    s('float64 0-d -> float32', v.rand([], 'float64'), 'float32', { gradcheck: false }),
    s('float32 size 0 -> int32', vals([0, 2], 'float32', []), 'int32'),
  ];
}

function clampSamples(): Sample[] {
  const v = new Values('clamp');
  return [
    ...unarySamples('clamp', kink, { min: -0.22, max: 0.27 }),
    { name: 'float64 min only', inputs: [v.spread([6], 'float64')], args: { min: 0.1, max: null } },
    { name: 'float64 max only', inputs: [v.spread([6], 'float64')], args: { min: null, max: -0.1 } },
    { name: 'float32 at the bounds', inputs: [vals([4], 'float32', [0, 1, 2, -1])], args: { min: 0, max: 1 } },
    { name: 'float32 min > max', inputs: [vals([3], 'float32', [0, 1.5, 3])], args: { min: 2, max: 1 } },
    { name: 'float32 NaN bound', inputs: [vals([3], 'float32', [0, 1.5, NaN])], args: { min: NaN, max: 1 } },
    { name: 'int32 integer bounds', inputs: [vals([4], 'int32', [-3, 0, 2, 9])], args: { min: -1, max: 4 } },
    { name: 'int32 fractional bounds', inputs: [vals([4], 'int32', [-3, 0, 2, 9])], args: { min: 0.5, max: 1.5 } },
  ];
}

const num = (a: Args, k: string): number => a[k] as number;

/** The row with finite differences turned off for the samples `skip` selects (a kink or a NaN gradient there). */
export function withoutGradcheck(op: OpInfo, skip: (s: Sample) => boolean): OpInfo {
  return { ...op, samples: op.samples.map((s) => (skip(s) ? { ...s, gradcheck: false } : s)) };
}
const optNum = (a: Args, k: string): number | null => (a[k] === null || a[k] === undefined ? null : (a[k] as number));

export const ELEMENTWISE_ROWS: OpInfo[] = [
  // unary
  unary('neg', 'x.neg() = torch.neg', (x) => x.neg()),
  unary('exp', 'x.exp() = torch.exp', (x) => x.exp()),
  unary('log', 'x.log() = torch.log', (x) => x.log(), pos),
  unary('log1p', 'x.log1p() = torch.log1p', (x) => x.log1p(), { lo: -0.5, hi: 1 }),
  unary('expm1', 'nb.expm1(x) = torch.expm1', (x) => ew.expm1(x)),
  unary('sqrt', 'x.sqrt() = torch.sqrt', (x) => x.sqrt(), pos),
  unary('rsqrt', 'x.rsqrt() = torch.rsqrt', (x) => x.rsqrt(), pos),
  unary('square', 'x.square() = torch.square', (x) => x.square()),
  unary('reciprocal', 'x.reciprocal() = torch.reciprocal', (x) => x.reciprocal(), pos),
  unary('abs', 'x.abs() = torch.abs', (x) => x.abs(), kink),
  unary('sign', 'x.sign() = torch.sign', (x) => x.sign(), kink),
  unary('sin', 'x.sin() = torch.sin', (x) => x.sin()),
  unary('cos', 'x.cos() = torch.cos', (x) => x.cos()),
  unary('floor', 'x.floor() = torch.floor', (x) => x.floor(), kink),
  unary('ceil', 'x.ceil() = torch.ceil', (x) => x.ceil(), kink),
  unary('round', 'x.round() = torch.round (half to even)', (x) => x.round(), kink),
  unary('relu', 'x.relu() = torch.relu', (x) => x.relu(), kink),
  unary('sigmoid', 'x.sigmoid() = torch.sigmoid', (x) => x.sigmoid(), { lo: -4, hi: 4 }),
  unary('tanh', 'x.tanh() = torch.tanh', (x) => x.tanh(), { lo: -3, hi: 3 }),
  unary('softplus', 'x.softplus() = F.softplus', (x) => x.softplus(), { lo: -3, hi: 3, floatOnly: true }),
  unary('softplusBeta', 'F.softplus(x, beta, threshold) = F.softplus(x, beta, threshold)', (x, a) => F.softplus(x, num(a, 'beta'), num(a, 'threshold')), { lo: -3, hi: 3, floatOnly: true }, { beta: 2, threshold: 5 }),
  unary('gelu', 'x.gelu() = F.gelu', (x) => x.gelu(), { lo: -3, hi: 3, floatOnly: true }),
  unary('geluTanh', "F.gelu(x, 'tanh') = F.gelu(x, approximate='tanh')", (x) => F.gelu(x, 'tanh'), { lo: -3, hi: 3, floatOnly: true }),
  unary('silu', 'F.silu(x) = F.silu', (x) => F.silu(x), { lo: -3, hi: 3, floatOnly: true }),
  unary('leakyRelu', 'x.leakyRelu(slope) = F.leaky_relu', (x, a) => x.leakyRelu(num(a, 'slope')), { kink: true, floatOnly: true }, { slope: 0.1 }),
  unary('elu', 'x.elu(alpha) = F.elu', (x, a) => x.elu(num(a, 'alpha')), { kink: true, floatOnly: true }, { alpha: 0.7 }),
  unary('logicalNot', 'x.logicalNot() = torch.logical_not', (x) => x.logicalNot(), {}, {}, { differentiable: false }),
  {
    name: 'clamp',
    doc: 'x.clamp(min, max) = torch.clamp',
    run: (xs, a) => xs[0]!.clamp(optNum(a, 'min'), optNum(a, 'max')),
    samples: clampSamples(),
    differentiable: true,
  },
  { name: 'cast', doc: 'x.to(dtype) = x.to(dtype)', run: (xs, a) => xs[0]!.to(a['dtype'] as DType), samples: castSamples(), differentiable: true },
  // binary
  binary('add', 'nb.add(a, b) = torch.add', ew.add),
  binary('sub', 'nb.sub(a, b) = torch.sub', ew.sub),
  binary('mul', 'nb.mul(a, b) = torch.mul', ew.mul),
  binary('div', 'nb.div(a, b) = torch.div (true division)', ew.div, { b: pos }),
  withoutGradcheck(binary('pow', 'nb.pow(a, b) = torch.pow', ew.pow, { a: pos, scalar: 1.5 }, true, powSamples()), (s) => s.inputs[0]!.dtype === 'int32'),
  binary('maximum', 'nb.maximum(a, b) = torch.maximum', ew.maximum, { a: kink, b: { kink: true, center: 0.03 } }),
  binary('minimum', 'nb.minimum(a, b) = torch.minimum', ew.minimum, { a: kink, b: { kink: true, center: 0.03 } }),
  ...(['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).map((op) => binary(op, `a.${op}(b) = torch.${op}`, (a, b) => ew.compare(op, a, b), {}, false)),
];
