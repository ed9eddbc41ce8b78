/** Op-table rows: matmul, linear, convolution, pooling, batch norm, embedding, the losses. */
import type { Tensor } from '../core/tensor.js';
import { matmul } from '../ops/matmul.js';
import { oneHot } from '../ops/indexing.js';
import * as F from '../functional/index.js';
import type { Reduction } from '../functional/loss.js';
import type { Conv2dPadding, Pair } from '../ops/conv.js';
import type { AdaptiveSize } from '../functional/pool.js';
import type { ArgValue, Args, InputSpec, OpInfo, Sample } from './types.js';
import { Values, noGrad, vals, view } from './values.js';

type Extra = Partial<Sample>;
const S = (name: string, inputs: InputSpec[], args: Args = {}, extra: Extra = {}): Sample => ({ name, inputs, args, ...extra });
const n = (v: ArgValue | undefined): number => v as number;
const i32 = (shape: number[], data: number[]): InputSpec => vals(shape, 'int32', data);

function row(name: string, doc: string, run: OpInfo['run'], samples: (v: Values) => Sample[], extra: Partial<OpInfo> = {}): OpInfo {
  return { name, doc, run, samples: samples(new Values(name)), differentiable: true, ...extra };
}

/** A number or an [h, w] pair argument. */
const pr = (v: ArgValue | undefined): Pair => (Array.isArray(v) ? [v[0] as number, v[1] as number] : (v as number));

/**
 * batchNorm's inputs: x, then weight and bias unless args.affine is false, then the running
 * mean and variance when args.running (training defaults to true; eps and momentum optional).
 */
function runBatchNorm(xs: readonly Tensor[], a: Args): Tensor {
  const affine = a['affine'] !== false;
  const w = affine ? xs[1]! : null;
  const b = affine ? xs[2]! : null;
  const k = affine ? 3 : 1;
  const rm = a['running'] === true ? xs[k]! : null;
  const rv = a['running'] === true ? xs[k + 1]! : null;
  return F.batchNorm(xs[0]!, rm, rv, w, b, { training: a['training'] !== false, ...(a['eps'] !== undefined ? { eps: n(a['eps']) } : {}), ...(a['momentum'] !== undefined ? { momentum: n(a['momentum']) } : {}) });
}

const red = (a: Args): Reduction => (a['reduction'] ?? 'mean') as Reduction;
const reductions = (base: string, inputs: () => InputSpec[], args: Args = {}): Sample[] =>
  (['mean', 'sum', 'none'] as const).map((r) => S(`${base} ${r}`, inputs(), { ...args, reduction: r }));

/** Regression-style losses: input and target of one shape. */
function pairLoss(name: string, doc: string, f: (x: Tensor, y: Tensor, a: Args) => Tensor, lo = -2, hi = 2, args: Args = {}): OpInfo {
  return row(name, doc, (xs, a) => f(xs[0]!, xs[1]!, a), (v) => [
    ...reductions('float64 [3,4]', () => [v.rand([3, 4], 'float64', lo, hi), v.rand([3, 4], 'float64', lo, hi)], args),
    S('float32 [5] mean', [v.rand([5], 'float32', lo, hi), v.rand([5], 'float32', lo, hi)], { ...args, reduction: 'mean' }),
    S('float64 0-d', [v.rand([], 'float64', lo, hi), v.rand([], 'float64', lo, hi)], { ...args, reduction: 'mean' }),
    S('float32 size 0 mean', [vals([0, 2], 'float32', []), vals([0, 2], 'float32', [])], { ...args, reduction: 'mean' }),
    S('float32 size 0 sum', [vals([0], 'float32', []), vals([0], 'float32', [])], { ...args, reduction: 'sum' }),
    S('float32 shapes differ (broadcast)', [v.rand([3], 'float32'), v.rand([3, 1], 'float32')], { ...args, reduction: 'mean' }, { deviation: 'loss-shape-broadcast' }),
  ]);
}

function classLossSamples(v: Values, logp: boolean): Sample[] {
  const x = (shape: number[], dtype: 'float32' | 'float64' = 'float64'): InputSpec => (logp ? v.rand(shape, dtype, -3, -0.1) : v.rand(shape, dtype, -2, 2));
  return [
    ...reductions('float64 [4,3]', () => [x([4, 3]), i32([4], [0, 2, 1, 2])]),
    S('float64 [2,3,2] spatial', [x([2, 3, 2]), i32([2, 2], [0, 2, 1, 1])], { reduction: 'mean' }),
    S('float64 unbatched [3]', [x([3]), i32([], [1])], { reduction: 'mean' }),
    S('float64 class weights', [x([4, 3]), i32([4], [0, 2, 1, 2]), noGrad(v.rand([3], 'float64', 0.5, 2))], { reduction: 'mean', weight: true }),
    S('float64 ignoreIndex', [x([4, 3]), i32([4], [0, -100, 1, 2])], { reduction: 'mean' }),
    S('float64 custom ignoreIndex 1', [x([4, 3]), i32([4], [0, 1, 1, 2])], { reduction: 'mean', ignoreIndex: 1 }),
    S('float64 all targets ignored mean', [x([3, 4]), i32([3], [-100, -100, -100])], { reduction: 'mean' }, { gradcheck: false }),
    S('float64 all targets ignored sum', [x([3, 4]), i32([3], [-100, -100, -100])], { reduction: 'sum' }),
    S('float32 [4,3] mean', [x([4, 3], 'float32'), i32([4], [2, 2, 0, 1])], { reduction: 'mean' }),
    S('float32 size 0 batch mean', [vals([0, 3], 'float32', []), i32([0], [])], { reduction: 'mean' }),
    S('float32 target out of range (error)', [x([2, 3], 'float32'), i32([2], [0, 3])], { reduction: 'mean' }, { throws: true }),
    S('float32 target shape wrong (error)', [x([2, 3], 'float32'), i32([3], [0, 1, 1])], { reduction: 'mean' }, { throws: true }),
  ];
}

function classOpts(xs: readonly Tensor[], a: Args): { reduction: Reduction; weight?: Tensor; ignoreIndex?: number; labelSmoothing?: number } {
  return {
    reduction: red(a),
    ...(a['weight'] ? { weight: xs[2]! } : {}),
    ...(a['ignoreIndex'] !== undefined ? { ignoreIndex: n(a['ignoreIndex']) } : {}),
    ...(a['labelSmoothing'] !== undefined ? { labelSmoothing: n(a['labelSmoothing']) } : {}),
  };
}

export const NN_ROWS: OpInfo[] = [
  row('matmul', 'nb.matmul(a, b) = torch.matmul', (xs) => matmul(xs[0]!, xs[1]!), (v) => [
    S('float64 [3,4] x [4,2]', [v.rand([3, 4]), v.rand([4, 2])]),
    S('float64 dot [4] x [4]', [v.rand([4]), v.rand([4])]),
    S('float64 vec-mat [3] x [3,2]', [v.rand([3]), v.rand([3, 2])]),
    S('float64 mat-vec [2,3] x [3]', [v.rand([2, 3]), v.rand([3])]),
    S('float64 batched broadcast [2,1,3,4] x [3,4,2]', [v.rand([2, 1, 3, 4]), v.rand([3, 4, 2])]),
    S('float64 vec x batched [3] x [2,3,2]', [v.rand([3]), v.rand([2, 3, 2])]),
    S('float64 transposed views', [view(v.rand([4, 3]), ['transpose', 0, 1]), view(v.rand([2, 4]), ['transpose', 0, 1])]),
    S('float64 strided', [view(v.rand([2, 6]), ['stride', 1, 0, 2]), v.rand([3, 2])]),
    S('float64 expanded batch', [view(v.rand([1, 2, 3]), ['expand', [2, 2, 3]]), v.rand([2, 3, 2])]),
    S('float64 zero inner size [2,0] x [0,3]', [vals([2, 0], 'float64', []), vals([0, 3], 'float64', [])]),
    S('float64 zero inner dot [0] x [0]', [vals([0], 'float64', []), vals([0], 'float64', [])]),
    S('float32 zero rows [0,4] x [4,2]', [vals([0, 4], 'float32', []), v.rand([4, 2], 'float32')]),
    S('float32 zero batch [0,2,3] x [3,2]', [vals([0, 2, 3], 'float32', []), v.rand([3, 2], 'float32')]),
    S('float32 [5,7] x [7,3]', [v.rand([5, 7], 'float32'), v.rand([7, 3], 'float32')]),
    S('float32 edge values', [vals([2, 2], 'float32', [NaN, 1, Infinity, 0]), vals([2, 2], 'float32', [1, 2, 0, 3])]),
    S('int32 x int32', [i32([2, 2], [1, 2, 3, 4]), i32([2, 2], [1, -1, 2, 0])], {}, { deviation: 'int-matmul' }),
    S('float32 x float64', [v.rand([2, 2], 'float32'), v.rand([2, 2], 'float64')], {}, { deviation: 'mixed-float-matmul' }),
    S('float32 0-d (error)', [v.rand([], 'float32'), v.rand([2], 'float32')], {}, { throws: true }),
    S('float32 inner sizes differ (error)', [v.rand([2, 3], 'float32'), v.rand([2, 3], 'float32')], {}, { throws: true }),
  ]),
  row('linear', 'F.linear(x, w, b) = F.linear', (xs, a) => F.linear(xs[0]!, xs[1]!, a['bias'] === false ? null : xs[2]!), (v) => [
    S('float64 [4,3] w [5,3] b [5]', [v.rand([4, 3]), v.rand([5, 3]), v.rand([5])]),
    S('float64 no bias', [v.rand([3, 4]), v.rand([2, 4])], { bias: false }),
    S('float64 1-D input', [v.rand([4]), v.rand([3, 4]), v.rand([3])]),
    S('float64 3-D input', [v.rand([2, 3, 4]), v.rand([5, 4]), v.rand([5])]),
    S('float64 transposed input and weight', [view(v.rand([3, 4]), ['transpose', 0, 1]), view(v.rand([3, 2]), ['transpose', 0, 1]), v.rand([2])]),
    S('float64 zero in-features', [vals([2, 0], 'float64', []), vals([3, 0], 'float64', []), v.rand([3])]),
    S('float32 [3,5] w [2,5]', [v.rand([3, 5], 'float32'), v.rand([2, 5], 'float32'), v.rand([2], 'float32')]),
    S('float32 size 0 batch', [vals([0, 3], 'float32', []), v.rand([2, 3], 'float32'), v.rand([2], 'float32')]),
    S('float32 features differ (error)', [v.rand([2, 3], 'float32'), v.rand([2, 4], 'float32'), v.rand([2], 'float32')], {}, { throws: true }),
  ]),
  row('conv2d', 'F.conv2d(x, w, b, {stride, padding, dilation, groups}) = F.conv2d', (xs, a) =>
    F.conv2d(xs[0]!, xs[1]!, a['bias'] === false ? null : xs[2]!, { stride: pr(a['stride'] ?? 1), padding: (a['padding'] ?? 0) as Conv2dPadding, dilation: pr(a['dilation'] ?? 1), groups: n(a['groups'] ?? 1) }), (v) => [
    S('float64 [1,2,5,4] k3 pad 1', [v.rand([1, 2, 5, 4]), v.rand([3, 2, 3, 3]), v.rand([3])], { padding: 1 }),
    S('float64 stride 2 dilation 2', [v.rand([2, 1, 7, 7]), v.rand([2, 1, 2, 2]), v.rand([2])], { stride: 2, dilation: 2 }),
    S('float64 groups 2 no bias', [v.rand([1, 4, 4, 4]), v.rand([2, 2, 3, 3])], { groups: 2, bias: false }),
    S('float32 [2,3,6,6] k3', [v.rand([2, 3, 6, 6], 'float32'), v.rand([4, 3, 3, 3], 'float32'), v.rand([4], 'float32')], {}, { tol: 2 }),
    S('float32 kernel larger than input (error)', [v.rand([1, 1, 2, 2], 'float32'), v.rand([1, 1, 3, 3], 'float32'), v.rand([1], 'float32')], {}, { throws: true }),
    S("float64 padding 'same' k3", [v.rand([1, 2, 4, 5]), v.rand([2, 2, 3, 3]), v.rand([2])], { padding: 'same' }),
    S("float64 padding 'same' even kernel 2x4", [v.rand([1, 1, 5, 6]), v.rand([2, 1, 2, 4]), v.rand([2])], { padding: 'same' }),
    S("float64 padding 'same' dilation 2 k2", [v.rand([2, 1, 5, 5]), v.rand([1, 1, 2, 2]), v.rand([1])], { padding: 'same', dilation: 2 }),
    S("float64 padding 'same' dilation [1,3] k[3,2]", [v.rand([1, 2, 4, 7]), v.rand([2, 2, 3, 2])], { padding: 'same', dilation: [1, 3], bias: false }),
    S("float64 padding 'valid'", [v.rand([1, 1, 4, 4]), v.rand([1, 1, 2, 3]), v.rand([1])], { padding: 'valid' }),
    S('float64 pairs stride [2,1] padding [0,2]', [v.rand([1, 2, 5, 4]), v.rand([2, 2, 3, 2]), v.rand([2])], { stride: [2, 1], padding: [0, 2] }),
    S('float64 depthwise groups 3', [v.rand([1, 3, 4, 4]), v.rand([6, 1, 2, 2]), v.rand([6])], { groups: 3 }),
    S("float32 padding 'same' with stride 2 (error)", [v.rand([1, 1, 4, 4], 'float32'), v.rand([1, 1, 3, 3], 'float32'), v.rand([1], 'float32')], { padding: 'same', stride: 2 }, { throws: true }),
  ]),
  row('conv1d', 'F.conv1d(x, w, b, {stride, padding}) = F.conv1d', (xs, a) =>
    F.conv1d(xs[0]!, xs[1]!, a['bias'] === false ? null : xs[2]!, { stride: n(a['stride'] ?? 1), padding: (a['padding'] ?? 0) as number | 'same' | 'valid', dilation: n(a['dilation'] ?? 1), groups: n(a['groups'] ?? 1) }), (v) => [
    S('float64 [2,3,7] k3 stride 2 pad 1', [v.rand([2, 3, 7]), v.rand([4, 3, 3]), v.rand([4])], { stride: 2, padding: 1 }),
    S('float32 [1,2,5] k2', [v.rand([1, 2, 5], 'float32'), v.rand([3, 2, 2], 'float32'), v.rand([3], 'float32')]),
    S("float64 padding 'same' even kernel 4 dilation 2", [v.rand([2, 1, 9]), v.rand([2, 1, 4]), v.rand([2])], { padding: 'same', dilation: 2 }),
    S('float64 groups 2 no bias', [v.rand([1, 4, 6]), v.rand([2, 2, 3])], { groups: 2, bias: false }),
  ]),
  row('maxPool2d', 'F.maxPool2d(x, k, {stride, padding}) = F.max_pool2d', (xs, a) =>
    F.maxPool2d(xs[0]!, pr(a['kernel']), { stride: pr(a['stride'] ?? a['kernel']), padding: pr(a['padding'] ?? 0), dilation: pr(a['dilation'] ?? 1), ceilMode: a['ceilMode'] === true }), (v) => [
    S('float64 [1,2,4,4] k2', [v.spread([1, 2, 4, 4])], { kernel: 2 }),
    S('float64 [1,1,5,5] k3 stride 2 pad 1', [v.spread([1, 1, 5, 5])], { kernel: 3, stride: 2, padding: 1 }),
    S('float32 NaN and -inf', [vals([1, 1, 2, 4], 'float32', [NaN, 1, -Infinity, -Infinity, 2, 3, -Infinity, 0])], { kernel: 2 }),
    S('float64 kernel [2,3] stride [1,2] ceilMode', [v.spread([1, 2, 5, 6])], { kernel: [2, 3], stride: [1, 2], ceilMode: true }),
    S('float64 dilation 2 padding 1', [v.spread([1, 1, 6, 5])], { kernel: 2, padding: 1, dilation: 2 }),
    S('float64 ties go to the first maximum', [vals([1, 1, 2, 4], 'float64', [1, 1, 2, 2, 1, 1, 2, 2])], { kernel: 2, stride: 1 }, { gradcheck: false }),
    S('float64 dilated ties go to the first maximum', [vals([1, 1, 3, 3], 'float64', [1, 1, 1, 1, 1, 1, 1, 1, 1])], { kernel: 2, dilation: 2, stride: 1 }, { gradcheck: false }),
    S('float32 ceilMode kernel past the input', [v.rand([1, 1, 2, 2], 'float32')], { kernel: 3, stride: 3, ceilMode: true }),
  ]),
  row('avgPool2d', 'F.avgPool2d(x, k, {stride, padding}) = F.avg_pool2d', (xs, a) =>
    F.avgPool2d(xs[0]!, pr(a['kernel']), { stride: pr(a['stride'] ?? a['kernel']), padding: pr(a['padding'] ?? 0), ceilMode: a['ceilMode'] === true, countIncludePad: a['countIncludePad'] !== false }), (v) => [
    S('float64 [1,2,4,4] k2', [v.rand([1, 2, 4, 4])], { kernel: 2 }),
    S('float64 [1,1,5,5] k3 stride 2 pad 1', [v.rand([1, 1, 5, 5])], { kernel: 3, stride: 2, padding: 1 }),
    S('float32 [2,3,6,6] k3 stride 3', [v.rand([2, 3, 6, 6], 'float32')], { kernel: 3, stride: 3 }),
    S('float64 k3 pad 1 countIncludePad false', [v.rand([1, 1, 5, 4])], { kernel: 3, stride: 2, padding: 1, countIncludePad: false }),
    S('float64 kernel [3,2] ceilMode', [v.rand([1, 2, 5, 5])], { kernel: [3, 2], stride: 2, ceilMode: true }),
    S('float64 ceilMode pad 1 no pad count', [v.rand([1, 1, 4, 4])], { kernel: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  ]),
  row('adaptiveAvgPool2d', 'F.adaptiveAvgPool2d(x, size) = F.adaptive_avg_pool2d', (xs, a) => F.adaptiveAvgPool2d(xs[0]!, a['size'] as AdaptiveSize), (v) => [
    S('float64 [1,2,5,7] -> 3', [v.rand([1, 2, 5, 7])], { size: 3 }),
    S('float64 [1,1,4,4] -> 1', [v.rand([1, 1, 4, 4])], { size: 1 }),
    S('float64 [2,1,5,7] -> [2,3]', [v.rand([2, 1, 5, 7])], { size: [2, 3] }),
    S('float64 [1,2,4,6] -> [4,null]', [v.rand([1, 2, 4, 6])], { size: [4, null] }),
    S('float64 [1,1,3,2] -> [5,4] (larger)', [v.rand([1, 1, 3, 2])], { size: [5, 4] }),
    S('float32 [1,2,6,6] -> [3,2] (divides)', [v.rand([1, 2, 6, 6], 'float32')], { size: [3, 2] }),
    S('float32 size 0 (empty)', [v.rand([1, 1, 2, 2], 'float32')], { size: 0 }),
    S('float32 size -1 (error)', [v.rand([1, 1, 2, 2], 'float32')], { size: -1 }, { throws: true }),
  ]),
  row('adaptiveMaxPool2d', 'F.adaptiveMaxPool2d(x, size) = F.adaptive_max_pool2d', (xs, a) => F.adaptiveMaxPool2d(xs[0]!, a['size'] as AdaptiveSize), (v) => [
    S('float64 [1,2,5,7] -> 3', [v.spread([1, 2, 5, 7])], { size: 3 }),
    S('float64 [1,1,5,7] -> [2,4]', [v.spread([1, 1, 5, 7])], { size: [2, 4] }),
    S('float64 [1,1,4,3] -> [null,2]', [v.spread([1, 1, 4, 3])], { size: [null, 2] }),
    S('float64 ties (first maximum)', [vals([1, 1, 3, 3], 'float64', [1, 2, 2, 2, 2, 1, 0, 2, 2])], { size: [2, 2] }, { gradcheck: false }),
    S('float32 NaN', [vals([1, 1, 3, 3], 'float32', [1, NaN, 2, 3, 4, 5, NaN, 0, 1])], { size: [2, 2] }),
  ]),
  row('maxPool1d', 'F.maxPool1d(x, k, {stride}) = F.max_pool1d', (xs, a) =>
    F.maxPool1d(xs[0]!, n(a['kernel']), { stride: n(a['stride'] ?? a['kernel']), padding: n(a['padding'] ?? 0), dilation: n(a['dilation'] ?? 1), ceilMode: a['ceilMode'] === true }), (v) => [
    S('float64 [2,3,7] k3 stride 2', [v.spread([2, 3, 7])], { kernel: 3, stride: 2 }),
    S('float64 padding 1 dilation 2 ceilMode', [v.spread([1, 2, 8])], { kernel: 2, stride: 2, padding: 1, dilation: 2, ceilMode: true }),
  ]),
  row('avgPool1d', 'F.avgPool1d(x, k, {stride}) = F.avg_pool1d', (xs, a) =>
    F.avgPool1d(xs[0]!, n(a['kernel']), { stride: n(a['stride'] ?? a['kernel']), padding: n(a['padding'] ?? 0), ceilMode: a['ceilMode'] === true, countIncludePad: a['countIncludePad'] !== false }), (v) => [
    S('float64 [2,3,7] k3 stride 2', [v.rand([2, 3, 7])], { kernel: 3, stride: 2 }),
    S('float64 padding 1 countIncludePad false ceilMode', [v.rand([1, 2, 6])], { kernel: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  ]),
  // tol: the batch-statistics gradient is a difference of sums (float32 cancellation)
  row('batchNorm', 'F.batchNorm(x, runningMean, runningVar, w, b, {training, eps}) = F.batch_norm', runBatchNorm, (v) => [
    S('float64 [4,3]', [v.rand([4, 3]), v.rand([3], 'float64', 0.5, 2), v.rand([3])]),
    S('float64 [2,2,3,3]', [v.rand([2, 2, 3, 3]), v.rand([2], 'float64', 0.5, 2), v.rand([2])]),
    S('float32 [5,2,4]', [v.rand([5, 2, 4], 'float32'), v.rand([2], 'float32', 0.5, 2), v.rand([2], 'float32')]),
    S('float64 evaluation with running statistics', [v.rand([3, 2, 2]), v.rand([2], 'float64', 0.5, 2), v.rand([2]), noGrad(v.rand([2])), noGrad(v.rand([2], 'float64', 0.5, 2))], { training: false, running: true }),
    S('float64 training with running statistics, eps 0.1', [v.rand([4, 3]), v.rand([3], 'float64', 0.5, 2), v.rand([3]), noGrad(v.rand([3])), noGrad(v.rand([3], 'float64', 0.5, 2))], { training: true, running: true, eps: 0.1 }),
    S('float64 no affine', [v.rand([3, 2, 3])], { affine: false }),
    S('float32 evaluation, infinite input', [vals([2, 2], 'float32', [Infinity, 1, -2, NaN]), v.rand([2], 'float32', 0.5, 2), v.rand([2], 'float32'), noGrad(v.rand([2], 'float32')), noGrad(v.rand([2], 'float32', 0.5, 2))], { training: false, running: true }),
    S('float32 one value per channel in training (error)', [v.rand([1, 2], 'float32'), v.rand([2], 'float32'), v.rand([2], 'float32')], {}, { throws: true }),
  ], { tol: 8 }),
  row('embedding', 'F.embedding(indices, weight) = F.embedding', (xs, a) => F.embedding(xs[0]!, xs[1]!, a['paddingIdx'] !== undefined ? { paddingIdx: n(a['paddingIdx']) } : {}), (v) => [
    S('float64 [2,3] indices into [4,2]', [i32([2, 3], [0, 3, 1, 1, 0, 2]), v.rand([4, 2])]),
    S('float64 0-d index', [i32([], [2]), v.rand([4, 2])]),
    S('float32 empty indices', [i32([0], []), v.rand([3, 2], 'float32')]),
    S('float32 index out of range (error)', [i32([2], [0, 4]), v.rand([4, 2], 'float32')], {}, { throws: true }),
    // the padding row gets no gradient (by definition, not the derivative): no finite differences
    S('float64 paddingIdx 1', [i32([2, 2], [1, 0, 1, 2]), v.rand([3, 2])], { paddingIdx: 1 }, { gradcheck: false }),
    S('float64 paddingIdx -1', [i32([3], [2, 2, 0]), v.rand([3, 2])], { paddingIdx: -1 }, { gradcheck: false }),
  ]),
  row('oneHot', 'nb.oneHot(index, n) = F.one_hot(index, n) (float32, see deviations)', (xs, a) => oneHot(xs[0]!, n(a['classes'])), () => [
    S('int32 [3]', [i32([3], [0, 2, 1])], { classes: 3 }, { deviation: 'one-hot-float' }),
  ], { differentiable: false }),
  // losses
  pairLoss('mseLoss', 'F.mseLoss(x, y, {reduction}) = F.mse_loss', (x, y, a) => F.mseLoss(x, y, { reduction: red(a) })),
  pairLoss('l1Loss', 'F.l1Loss(x, y, {reduction}) = F.l1_loss', (x, y, a) => F.l1Loss(x, y, { reduction: red(a) })),
  pairLoss('smoothL1Loss', 'F.smoothL1Loss(x, y, {beta}) = F.smooth_l1_loss', (x, y, a) => F.smoothL1Loss(x, y, { reduction: red(a), beta: n(a['beta']) }), -2, 2, { beta: 0.5 }),
  pairLoss('huberLoss', 'F.huberLoss(x, y, {delta}) = F.huber_loss', (x, y, a) => F.huberLoss(x, y, { reduction: red(a), delta: n(a['delta']) }), -2, 2, { delta: 0.75 }),
  row('nllLoss', 'F.nllLoss(logp, target, {weight, ignoreIndex, reduction}) = F.nll_loss', (xs, a) => F.nllLoss(xs[0]!, xs[1]!, classOpts(xs, a)), (v) => classLossSamples(v, true)),
  row('crossEntropy', 'F.crossEntropy(logits, target, {...}) = F.cross_entropy', (xs, a) => F.crossEntropy(xs[0]!, xs[1]!, classOpts(xs, a)), (v) => [
    ...classLossSamples(v, false),
    S('float64 label smoothing', [v.rand([4, 3], 'float64', -2, 2), i32([4], [0, 2, 1, 2])], { reduction: 'mean', labelSmoothing: 0.1 }),
    S('float64 label smoothing, all ignored', [v.rand([2, 3], 'float64', -2, 2), i32([2], [-100, -100])], { reduction: 'mean', labelSmoothing: 0.2 }, { gradcheck: false }),
    S('float64 probability targets', [v.rand([3, 4], 'float64', -2, 2), noGrad(v.rand([3, 4], 'float64', 0, 1))], { reduction: 'mean' }),
    S('float32 logits with -inf', [vals([2, 3], 'float32', [-Infinity, 0, 1, 2, -Infinity, 3]), i32([2], [1, 0])], { reduction: 'none' }),
  ]),
  row('binaryCrossEntropy', 'F.binaryCrossEntropy(p, y, {reduction}) = F.binary_cross_entropy', (xs, a) => F.binaryCrossEntropy(xs[0]!, xs[1]!, { reduction: red(a) }), (v) => [
    ...reductions('float64 [3,4]', () => [v.rand([3, 4], 'float64', 0.05, 0.95), noGrad(v.rand([3, 4], 'float64', 0, 1))]),
    S('float32 p at 0 and 1', [vals([4], 'float32', [0, 1, 0, 1]), noGrad(vals([4], 'float32', [0, 1, 1, 0]))], { reduction: 'none' }),
    S('float32 p outside [0,1] (error)', [vals([2], 'float32', [1.5, 0.5]), noGrad(vals([2], 'float32', [1, 0]))], { reduction: 'mean' }, { throws: true }),
  ]),
  row('binaryCrossEntropyWithLogits', 'F.binaryCrossEntropyWithLogits(z, y) = F.binary_cross_entropy_with_logits', (xs, a) => F.binaryCrossEntropyWithLogits(xs[0]!, xs[1]!, { reduction: red(a) }), (v) => [
    ...reductions('float64 [3,4]', () => [v.rand([3, 4], 'float64', -3, 3), v.rand([3, 4], 'float64', 0, 1)]),
    S('float32 large logits', [vals([4], 'float32', [30, -30, 100, -100]), vals([4], 'float32', [1, 0, 0, 1])], { reduction: 'none' }),
    S('float32 infinite logits', [vals([2], 'float32', [Infinity, -Infinity]), vals([2], 'float32', [1, 0])], { reduction: 'none' }),
  ]),
];
