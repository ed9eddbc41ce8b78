/** Op-table rows: reductions, arg-reductions, softmax, logsumexp, variance. */
import type { Tensor } from '../core/tensor.js';
import type { Args, OpInfo, Sample } from './types.js';
import { reduceSamples, type ReduceOpts } from './families.js';
import { Values, vals } from './values.js';
import { withoutGradcheck } from './rows-elementwise.js';

type Axis = number | number[] | null;
const axisOf = (a: Args): Axis => (a['axis'] ?? null) as Axis;
const keep = (a: Args): boolean => a['keepdim'] === true;

function reduction(name: string, doc: string, f: (x: Tensor, a: Args) => Tensor, o: ReduceOpts, extra: Partial<OpInfo> = {}, more: Sample[] = []): OpInfo {
  return { name, doc, run: (xs, a) => f(xs[0]!, a), samples: [...reduceSamples(name, o), ...more], differentiable: true, ...extra };
}

function varianceExtra(op: string): Sample[] {
  const v = new Values(`${op} extra`);
  return [
    { name: 'float64 correction 0', inputs: [v.rand([3, 4])], args: { axis: 1, keepdim: false, correction: 0 } },
    { name: 'float64 correction 2', inputs: [v.rand([3, 4])], args: { axis: -1, keepdim: false, correction: 2 } },
    { name: 'float64 constant rows (std 0)', inputs: [vals([2, 3], 'float64', [2, 2, 2, 1, 2, 4])], args: { axis: 1, keepdim: false, correction: 1 }, gradcheck: false },
    { name: 'float32 one element per row (n - correction = 0)', inputs: [vals([2, 1], 'float32', [2, 3])], args: { axis: 1, keepdim: false, correction: 1 } },
    { name: 'float32 n < correction', inputs: [vals([2, 2], 'float32', [2, 3, 5, 5])], args: { axis: 1, keepdim: false, correction: 3 } },
  ];
}

const noAll = (s: Sample[]): Sample[] => s.filter((x) => x.args['axis'] !== null);

export const REDUCE_ROWS: OpInfo[] = [
  reduction('sum', 'x.sum(axis, keepdim) = torch.sum', (x, a) => x.sum(axisOf(a), keep(a)), { axes: 'multi' }),
  reduction('mean', 'x.mean(axis, keepdim) = torch.mean', (x, a) => x.mean(axisOf(a), keep(a)), { axes: 'multi', domain: { floatOnly: true } }),
  reduction('max', 'x.max(axis, keepdim) = torch.amax (torch.max(x) without an axis)', (x, a) => x.max(axisOf(a), keep(a)), { axes: 'multi', domain: { kink: true } }),
  reduction('min', 'x.min(axis, keepdim) = torch.amin (torch.min(x) without an axis)', (x, a) => x.min(axisOf(a), keep(a)), { axes: 'multi', domain: { kink: true } }),
  // n - correction <= 0 (0-d, a size-1 axis): the gradient is infinite or NaN, as PyTorch's
  ...[
    reduction('var', 'x.var(axis, keepdim, correction) = torch.var', (x, a) => x.var(axisOf(a), keep(a), (a['correction'] as number | undefined) ?? 1), { axes: 'multi', domain: { floatOnly: true } }, {}, varianceExtra('var')),
  reduction('std', 'x.std(axis, keepdim, correction) = torch.std', (x, a) => x.std(axisOf(a), keep(a), (a['correction'] as number | undefined) ?? 1), { axes: 'multi', domain: { floatOnly: true } }, {}, varianceExtra('std')),
  ].map((op) => withoutGradcheck(op, (s) => s.name.includes('0-d') || s.name.includes('size-1 axis'))),
  {
    ...reduction('logsumexp', 'x.logsumexp(axis, keepdim) = torch.logsumexp', (x, a) => x.logsumexp(axisOf(a) as number | number[], keep(a)), { axes: 'multi', domain: { lo: -3, hi: 3 } }),
    samples: noAll(reduceSamples('logsumexp', { axes: 'multi', domain: { lo: -3, hi: 3 } })),
  },
  reduction('argmax', 'x.argmax(axis, keepdim) = torch.argmax', (x, a) => x.argmax(axisOf(a) as number | null, keep(a)), { axes: 'single' }, { differentiable: false }),
  reduction('argmin', 'x.argmin(axis, keepdim) = torch.argmin', (x, a) => x.argmin(axisOf(a) as number | null, keep(a)), { axes: 'single' }, { differentiable: false }),
  reduction('softmax', 'x.softmax(axis) = torch.softmax', (x, a) => x.softmax(axisOf(a) as number), { axes: 'required', keepdim: false, domain: { lo: -2, hi: 2 } }),
  reduction('logSoftmax', 'x.logSoftmax(axis) = torch.log_softmax', (x, a) => x.logSoftmax(axisOf(a) as number), { axes: 'required', keepdim: false, domain: { lo: -2, hi: 2 } }),
];
