/** Op-table rows: views, shape ops, indexing, joining and splitting, in-place updates. */
import type { SliceSpec, Tensor } from '../core/tensor.js';
import * as ix from '../ops/indexing.js';
import type { ArgValue, Args, InputSpec, OpInfo, Sample } from './types.js';
import { Values, vals, view } from './values.js';

type Extra = Partial<Sample>;
const S = (name: string, inputs: InputSpec[], args: Args = {}, extra: Extra = {}): Sample => ({ name, inputs, args, ...extra });
const nums = (v: ArgValue | undefined): number[] => v as number[];
const n = (v: ArgValue | undefined): number => v as number;

function row(name: string, doc: string, run: OpInfo['run'], samples: (v: Values) => Sample[], differentiable = true): OpInfo {
  return { name, doc, run, samples: samples(new Values(name)), differentiable };
}

const i32 = (shape: number[], data: number[]): InputSpec => vals(shape, 'int32', data);
const bool = (shape: number[], data: number[]): InputSpec => vals(shape, 'bool', data);

export const SHAPE_ROWS: OpInfo[] = [
  row('reshape', 'x.reshape(shape) = torch.reshape', (xs, a) => xs[0]!.reshape(nums(a['shape'])), (v) => [
    S('float64 [2,6] -> [3,-1]', [v.rand([2, 6])], { shape: [3, -1] }),
    S('float64 transposed -> [-1] (copy)', [view(v.rand([3, 4]), ['transpose', 0, 1])], { shape: [-1] }),
    S('float64 0-d -> [1,1]', [v.rand([])], { shape: [1, 1] }),
    S('float64 [1] -> 0-d', [v.rand([1])], { shape: [] }),
    S('float32 size 0 [0,3] -> [3,0,-1]', [vals([0, 3], 'float32', [])], { shape: [3, 0, 1] }),
    S('float32 size 0 [0,3] -> [-1] ', [vals([0, 3], 'float32', [])], { shape: [-1] }),
    S('int32 [2,3] -> [3,2]', [i32([2, 3], [1, 2, 3, 4, 5, 6])], { shape: [3, 2] }),
    S('float32 [6] -> [4,-1] (error)', [v.rand([6], 'float32')], { shape: [4, -1] }, { throws: true }),
    S('float32 [6] -> [-1,-1] (error)', [v.rand([6], 'float32')], { shape: [-1, -1] }, { throws: true }),
  ]),
  row('view', 'x.view(shape) = x.view(shape)', (xs, a) => xs[0]!.view(nums(a['shape'])), (v) => [
    S('float64 [2,6] -> [4,3]', [v.rand([2, 6])], { shape: [4, 3] }),
    S('float64 expanded [1,3]->[2,3] -> [2,1,3]', [view(v.rand([1, 3]), ['expand', [2, 3]])], { shape: [2, 1, 3] }),
    S('float32 transposed -> [-1] (error)', [view(v.rand([3, 4], 'float32'), ['transpose', 0, 1])], { shape: [-1] }, { throws: true }),
  ]),
  row('transpose', 'x.transpose(a, b) = torch.transpose', (xs, a) => xs[0]!.transpose(n(a['a']), n(a['b'])), (v) => [
    S('float64 [2,3,4] (0,2)', [v.rand([2, 3, 4])], { a: 0, b: 2 }),
    S('float64 [2,3,4] (-1,-2)', [v.rand([2, 3, 4])], { a: -1, b: -2 }),
    S('float64 [2,3] (1,1)', [v.rand([2, 3])], { a: 1, b: 1 }),
    S('float64 0-d (0,0)', [v.rand([])], { a: 0, b: 0 }),
    S('float64 0-d (0,-1)', [v.rand([])], { a: 0, b: -1 }),
    S('float64 [3] (0,-1)', [v.rand([3])], { a: 0, b: -1 }),
    S('float32 [0,2] (0,1)', [vals([0, 2], 'float32', [])], { a: 0, b: 1 }),
    S('float32 0-d (0,1) (error)', [v.rand([], 'float32')], { a: 0, b: 1 }, { throws: true }),
    S('float32 [2,3] (0,2) (error)', [v.rand([2, 3], 'float32')], { a: 0, b: 2 }, { throws: true }),
  ]),
  row('permute', 'x.permute(axes) = torch.permute', (xs, a) => xs[0]!.permute(nums(a['axes'])), (v) => [
    S('float64 [2,3,4] [2,0,1]', [v.rand([2, 3, 4])], { axes: [2, 0, 1] }),
    S('float64 [2,3,4] [-1,0,-2]', [v.rand([2, 3, 4])], { axes: [-1, 0, -2] }),
    S('float64 0-d []', [v.rand([])], { axes: [] }),
    S('float32 [2,3] [0,0] (error)', [v.rand([2, 3], 'float32')], { axes: [0, 0] }, { throws: true }),
    S('float32 [2,3] [0] (error)', [v.rand([2, 3], 'float32')], { axes: [0] }, { throws: true }),
  ]),
  row('T', 'x.T = x.permute(reversed axes)', (xs) => xs[0]!.T, (v) => [
    S('float64 [2,3]', [v.rand([2, 3])]),
    S('float64 [3]', [v.rand([3])]),
    S('float64 0-d', [v.rand([])]),
  ]),
  row('mT', 'x.mT = x.transpose(-2, -1)', (xs) => xs[0]!.mT, (v) => [
    S('float64 [2,3,4]', [v.rand([2, 3, 4])]),
    S('float64 [3,2]', [v.rand([3, 2])]),
    S('float32 [3] (error)', [v.rand([3], 'float32')], {}, { throws: true }),
  ]),
  row('flatten', 'x.flatten(start, end) = torch.flatten', (xs, a) => xs[0]!.flatten(n(a['start']), n(a['end'])), (v) => [
    S('float64 [2,3,2] (1,-1)', [v.rand([2, 3, 2])], { start: 1, end: -1 }),
    S('float64 [2,3,2] (0,1)', [v.rand([2, 3, 2])], { start: 0, end: 1 }),
    S('float64 0-d', [v.rand([])], { start: 0, end: -1 }),
    S('float64 transposed (copy)', [view(v.rand([3, 2]), ['transpose', 0, 1])], { start: 0, end: -1 }),
    S('float32 [2,0,3]', [vals([2, 0, 3], 'float32', [])], { start: 0, end: -1 }),
    S('float32 [2,3] (1,0) (error)', [v.rand([2, 3], 'float32')], { start: 1, end: 0 }, { throws: true }),
  ]),
  row('squeeze', 'x.squeeze(axis?) = torch.squeeze', (xs, a) => (a['axis'] === null ? xs[0]!.squeeze() : xs[0]!.squeeze(n(a['axis']))), (v) => [
    S('float64 [3,1,2] all', [v.rand([3, 1, 2])], { axis: null }),
    S('float64 [3,1,2] axis 1', [v.rand([3, 1, 2])], { axis: 1 }),
    S('float64 [3,1,2] axis -2', [v.rand([3, 1, 2])], { axis: -2 }),
    S('float64 [3,1,2] axis 0 (not 1: unchanged)', [v.rand([3, 1, 2])], { axis: 0 }),
    S('float64 [1,1] all -> 0-d', [v.rand([1, 1])], { axis: null }),
    S('float64 0-d axis -1', [v.rand([])], { axis: -1 }),
    S('float64 0-d axis 0', [v.rand([])], { axis: 0 }),
    S('float64 0-d all', [v.rand([])], { axis: null }),
    S('float32 [1,0] all', [vals([1, 0], 'float32', [])], { axis: null }),
    S('float32 [3,1] axis 2 (error)', [v.rand([3, 1], 'float32')], { axis: 2 }, { throws: true }),
  ]),
  row('unsqueeze', 'x.unsqueeze(axis) = torch.unsqueeze', (xs, a) => xs[0]!.unsqueeze(n(a['axis'])), (v) => [
    S('float64 [3,2] axis 0', [v.rand([3, 2])], { axis: 0 }),
    S('float64 [3,2] axis -1', [v.rand([3, 2])], { axis: -1 }),
    S('float64 [3,2] axis 2', [v.rand([3, 2])], { axis: 2 }),
    S('float64 transposed axis 1', [view(v.rand([3, 2]), ['transpose', 0, 1])], { axis: 1 }),
    S('float64 0-d axis 0', [v.rand([])], { axis: 0 }),
    S('float64 0-d axis -1', [v.rand([])], { axis: -1 }),
    S('float32 [3,2] axis 3 (error)', [v.rand([3, 2], 'float32')], { axis: 3 }, { throws: true }),
  ]),
  row('expand', 'x.expand(shape) = x.expand(shape)', (xs, a) => xs[0]!.expand(nums(a['shape'])), (v) => [
    S('float64 [1,3] -> [4,3]', [v.rand([1, 3])], { shape: [4, 3] }),
    S('float64 [3] -> [2,3]', [v.rand([3])], { shape: [2, 3] }),
    S('float64 0-d -> [2,2]', [v.rand([])], { shape: [2, 2] }),
    S('float64 [3,1] -> [-1,4]', [v.rand([3, 1])], { shape: [-1, 4] }),
    S('float32 [1,2] -> [0,2]', [v.rand([1, 2], 'float32')], { shape: [0, 2] }),
    S('bool [2,1] -> [2,3]', [bool([2, 1], [1, 0])], { shape: [2, 3] }),
    S('float32 [2] -> [3] (error)', [v.rand([2], 'float32')], { shape: [3] }, { throws: true }),
    S('float32 [2,3] -> [3] (error)', [v.rand([2, 3], 'float32')], { shape: [3] }, { throws: true }),
  ]),
  row('slice', 'x.slice(...specs) = x[specs] (basic indexing)', (xs, a) => xs[0]!.slice(...(a['specs'] as SliceSpec[])), (v) => [
    S('float64 [3,5] [1:, ::2]', [v.rand([3, 5])], { specs: [[1, null], [null, null, 2]] }),
    S('float64 [3,5] [-1]', [v.rand([3, 5])], { specs: [-1] }),
    S('float64 [3,5] [:, -2:]', [v.rand([3, 5])], { specs: [null, [-2, null]] }),
    S('float64 [3,5] [0, 1:4:2]', [v.rand([3, 5])], { specs: [0, [1, 4, 2]] }),
    S('float64 [4] [5:10] (empty)', [v.rand([4])], { specs: [[5, 10]] }),
    S('float64 [4] [-10:2] (clamped)', [v.rand([4])], { specs: [[-10, 2]] }),
    S('float64 transposed [1:, 0]', [view(v.rand([3, 4]), ['transpose', 0, 1])], { specs: [[1, null], 0] }),
    S('float32 [3,5] [3] (error)', [v.rand([3, 5], 'float32')], { specs: [3] }, { throws: true }),
    S('float32 [3] [::0] (error)', [v.rand([3], 'float32')], { specs: [[null, null, 0]] }, { throws: true }),
  ]),
  row('narrow', 'x.narrow(axis, start, length) = torch.narrow', (xs, a) => xs[0]!.narrow(n(a['axis']), n(a['start']), n(a['length'])), (v) => [
    S('float64 [2,4] (1,1,2)', [v.rand([2, 4])], { axis: 1, start: 1, length: 2 }),
    S('float64 [2,4] (-1,-3,2)', [v.rand([2, 4])], { axis: -1, start: -3, length: 2 }),
    S('float64 [3] (0,3,0)', [v.rand([3])], { axis: 0, start: 3, length: 0 }),
    S('float32 [3] (0,2,2) (error)', [v.rand([3], 'float32')], { axis: 0, start: 2, length: 2 }, { throws: true }),
  ]),
  row('select', 'x.select(axis, index) = torch.select', (xs, a) => xs[0]!.select(n(a['axis']), n(a['index'])), (v) => [
    S('float64 [3,2] (0,1)', [v.rand([3, 2])], { axis: 0, index: 1 }),
    S('float64 [3,2] (-1,-1)', [v.rand([3, 2])], { axis: -1, index: -1 }),
    S('float64 [3] (0,2) -> 0-d', [v.rand([3])], { axis: 0, index: 2 }),
    S('float32 [3,2] (0,3) (error)', [v.rand([3, 2], 'float32')], { axis: 0, index: 3 }, { throws: true }),
    S('float32 0-d (0,0) (error)', [v.rand([], 'float32')], { axis: 0, index: 0 }, { throws: true }),
  ]),
  row('repeat', 'x.repeat(...reps) = x.repeat(reps)', (xs, a) => xs[0]!.repeat(...nums(a['reps'])), (v) => [
    S('float64 [2,2] (2,3)', [v.rand([2, 2])], { reps: [2, 3] }),
    S('float64 [3] (2,1,2)', [v.rand([3])], { reps: [2, 1, 2] }),
    S('float64 0-d (3)', [v.rand([])], { reps: [3] }),
    S('float64 [2] (0)', [v.rand([2])], { reps: [0] }),
    S('bool [2] (2,2)', [bool([2], [1, 0])], { reps: [2, 2] }),
    S('int32 [1,2] (1,3)', [i32([1, 2], [4, -5])], { reps: [1, 3] }),
    S('float32 [2,2] (2) (error)', [v.rand([2, 2], 'float32')], { reps: [2] }, { throws: true }),
  ]),
  row('contiguous', 'x.contiguous() = x.contiguous()', (xs) => xs[0]!.contiguous(), (v) => [
    S('float64 transposed', [view(v.rand([3, 2]), ['transpose', 0, 1])]),
    S('float64 strided', [view(v.rand([2, 6]), ['stride', 1, 1, 3])]),
  ]),
  row('clone', 'x.clone() = x.clone()', (xs) => xs[0]!.clone(), (v) => [
    S('float64 expanded', [view(v.rand([1, 3]), ['expand', [2, 3]])]),
    S('int32', [i32([3], [1, -2, 3])]),
    S('bool 0-d', [bool([], [1])]),
  ]),
  // indexing
  row('gather', 'x.gather(axis, index) = torch.gather', (xs, a) => xs[0]!.gather(n(a['axis']), xs[1]!), (v) => [
    S('float64 [3,3] axis 1', [v.rand([3, 3]), i32([3, 2], [0, 2, 1, 1, 2, 0])], { axis: 1 }),
    S('float64 [3,3] axis 0', [v.rand([3, 3]), i32([2, 3], [0, 2, 1, 1, 1, 0])], { axis: 0 }),
    S('float64 [3,4] axis -1, index narrower', [v.rand([3, 4]), i32([2, 2], [3, 0, 1, 1])], { axis: -1 }),
    S('float64 transposed axis 0', [view(v.rand([3, 2]), ['transpose', 0, 1]), i32([1, 3], [1, 0, 1])], { axis: 0 }),
    S('float64 0-d axis 0', [v.rand([]), i32([], [0])], { axis: 0 }),
    S('float64 size 0 index [3,0]', [v.rand([3, 2]), i32([3, 0], [])], { axis: 1 }),
    S('int32 input', [i32([2, 2], [5, 6, 7, 8]), i32([2, 1], [1, 0])], { axis: 1 }),
    S('float32 index out of range (error)', [v.rand([2, 2], 'float32'), i32([2, 1], [2, 0])], { axis: 1 }, { throws: true }),
    S('float32 negative index (error)', [v.rand([2, 2], 'float32'), i32([2, 1], [-1, 0])], { axis: 1 }, { throws: true }),
  ]),
  row('indexSelect', 'x.indexSelect(axis, index) = torch.index_select', (xs, a) => xs[0]!.indexSelect(n(a['axis']), xs[1]!), (v) => [
    S('float64 [3,2] axis 0 repeated', [v.rand([3, 2]), i32([3], [2, 0, 2])], { axis: 0 }),
    S('float64 [3,2] axis -1', [v.rand([3, 2]), i32([1], [1])], { axis: -1 }),
    S('float64 0-d axis 0', [v.rand([]), i32([1], [0])], { axis: 0 }),
    S('float64 0-d axis -1', [v.rand([]), i32([1], [0])], { axis: -1 }),
    S('float64 0-d index', [v.rand([3, 2]), i32([], [1])], { axis: 0 }),
    S('float64 empty index', [v.rand([3, 2]), i32([0], [])], { axis: 0 }),
    S('float64 transposed axis 1', [view(v.rand([3, 2]), ['transpose', 0, 1]), i32([2], [2, 0])], { axis: 1 }),
    S('float32 index out of range (error)', [v.rand([3, 2], 'float32'), i32([1], [3])], { axis: 0 }, { throws: true }),
    S('float32 2-D index (error)', [v.rand([3, 2], 'float32'), i32([1, 1], [0])], { axis: 0 }, { throws: true }),
  ]),
  row('where', 'nb.where(cond, a, b) = torch.where', (xs, a) => {
    const sa = a['a'];
    const sb = a['b'];
    if (typeof sa === 'number') return ix.where(xs[0]!, sa, typeof sb === 'number' ? sb : xs[1]!);
    return ix.where(xs[0]!, xs[1]!, typeof sb === 'number' ? sb : xs[2]!);
  }, (v) => [
    S('float64 [2,3] cond, [2,3] x [3]', [bool([2, 3], [1, 0, 0, 1, 1, 0]), v.rand([2, 3]), v.rand([3])]),
    S('float64 cond [3] broadcast over [2,1]', [bool([3], [0, 1, 0]), v.rand([2, 1]), v.rand([2, 3])]),
    S('float64 x plain number', [bool([3], [1, 0, 1]), v.rand([3])], { b: 2.5 }),
    S('plain number x float64', [bool([3], [1, 0, 1]), v.rand([3])], { a: -1.5 }),
    S('int32 x plain fraction', [bool([2], [1, 0]), i32([2], [1, 2])], { b: 2.5 }),
    S('int32 x plain integer', [bool([2], [1, 0]), i32([2], [1, 2])], { b: 7 }),
    S('float32 x float64 0-d', [bool([2], [1, 0]), v.rand([2], 'float32'), v.rand([], 'float64')]),
    S('float32 x float64', [bool([2], [1, 0]), v.rand([2], 'float32'), v.rand([2], 'float64')]),
    S('float32 NaN in the unselected branch', [bool([3], [1, 0, 1]), vals([3], 'float32', [1, NaN, Infinity]), vals([3], 'float32', [NaN, 2, 3])]),
    S('float32 size 0', [bool([0], []), vals([0], 'float32', []), vals([1], 'float32', [2])]),
    S('float32 int32 condition', [i32([2], [1, 0]), v.rand([2], 'float32'), v.rand([2], 'float32')], {}, { deviation: 'non-bool-condition' }),
  ]),
  row('maskedFill', 'x.maskedFill(mask, value) = x.masked_fill(mask, value)', (xs, a) => xs[0]!.maskedFill(xs[1]!, n(a['value'])), (v) => [
    S('float64 [2,3] mask [3]', [v.rand([2, 3]), bool([3], [1, 0, 1])], { value: 0 }),
    S('float64 mask [2,3] NaN', [v.rand([2, 3]), bool([2, 3], [1, 0, 0, 0, 1, 0])], { value: NaN }, { gradcheck: false }),
    S('float32 value -inf', [v.rand([2, 2], 'float32'), bool([2, 1], [1, 0])], { value: -Infinity }),
    S('int32 fractional value keeps int32', [i32([3], [1, 2, 3]), bool([3], [1, 0, 1])], { value: 2.7 }),
    S('bool value 0 keeps bool', [bool([3], [1, 1, 0]), bool([3], [1, 0, 1])], { value: 0 }),
    S('float32 0-d mask', [v.rand([3], 'float32'), bool([], [1])], { value: 5 }),
    S('float64 0-d input', [v.rand([]), bool([], [1])], { value: 5 }),
    S('float32 int32 mask', [v.rand([2], 'float32'), i32([2], [1, 0])], { value: 1 }, { deviation: 'non-bool-condition' }),
    S('float32 mask larger than input (broadcast)', [v.rand([3], 'float32'), bool([2, 3], [1, 0, 1, 0, 1, 0])], { value: 1 }),
  ]),
  row('cat', 'nb.cat(xs, axis) = torch.cat', (xs, a) => ix.cat(xs, n(a['axis'])), (v) => [
    S('float64 [2,2] + [2,3] axis 1', [v.rand([2, 2]), v.rand([2, 3])], { axis: 1 }),
    S('float64 [2,2] + [1,2] + [3,2] axis 0', [v.rand([2, 2]), v.rand([1, 2]), v.rand([3, 2])], { axis: 0 }),
    S('float64 axis -1', [v.rand([2, 1]), v.rand([2, 2])], { axis: -1 }),
    S('float64 transposed + contiguous', [view(v.rand([2, 3]), ['transpose', 0, 1]), v.rand([3, 1])], { axis: 1 }),
    S('float32 size-0 piece', [vals([0, 3], 'float32', []), v.rand([2, 3], 'float32')], { axis: 0 }),
    S('int32 + float32', [i32([2], [1, 2]), v.rand([3], 'float32')], { axis: 0 }),
    S('bool + bool', [bool([2], [1, 0]), bool([1], [1])], { axis: 0 }),
    S('float32 + float64', [v.rand([2], 'float32'), v.rand([1], 'float64')], { axis: 0 }),
    S('one tensor', [v.rand([2, 2])], { axis: 1 }),
    S('float32 0-d (error)', [v.rand([], 'float32'), v.rand([], 'float32')], { axis: 0 }, { throws: true }),
    S('float32 shapes differ off the axis (error)', [v.rand([2, 2], 'float32'), v.rand([3, 3], 'float32')], { axis: 1 }, { throws: true }),
  ]),
  row('stack', 'nb.stack(xs, axis) = torch.stack', (xs, a) => ix.stack(xs, n(a['axis'])), (v) => [
    S('float64 [2,3] x2 axis 1', [v.rand([2, 3]), v.rand([2, 3])], { axis: 1 }),
    S('float64 axis -1', [v.rand([2]), v.rand([2]), v.rand([2])], { axis: -1 }),
    S('float64 0-d', [v.rand([]), v.rand([])], { axis: 0 }),
    S('float32 size 0', [vals([0, 2], 'float32', []), vals([0, 2], 'float32', [])], { axis: 2 }),
    S('int32 + float64', [i32([2], [1, 2]), v.rand([2])], { axis: 0 }),
    S('float32 axis 3 (error)', [v.rand([2, 2], 'float32'), v.rand([2, 2], 'float32')], { axis: 3 }, { throws: true }),
    S('float32 shapes differ (error)', [v.rand([2], 'float32'), v.rand([3], 'float32')], { axis: 0 }, { throws: true }),
  ]),
  row('split', 'nb.split(x, size | sizes, axis) = torch.split', (xs, a) => ix.split(xs[0]!, a['size'] as number | number[], n(a['axis'])), (v) => [
    S('float64 [5,2] size 2', [v.rand([5, 2])], { size: 2, axis: 0 }),
    S('float64 [5,2] sizes [1,3,1]', [v.rand([5, 2])], { size: [1, 3, 1], axis: 0 }),
    S('float64 [2,4] size 3 axis -1', [v.rand([2, 4])], { size: 3, axis: -1 }),
    S('float64 sizes with 0', [v.rand([3])], { size: [0, 3, 0], axis: 0 }),
    S('float32 size-0 axis, size 2', [vals([0, 2], 'float32', [])], { size: 2, axis: 0 }),
    S('float32 size-0 axis, size 0', [vals([0], 'float32', [])], { size: 0, axis: 0 }),
    S('float32 size larger than the axis', [v.rand([2], 'float32')], { size: 5, axis: 0 }),
    S('float32 size 0 of a non-empty axis (error)', [v.rand([3], 'float32')], { size: 0, axis: 0 }, { throws: true }),
    S('float32 sizes do not add up (error)', [v.rand([3], 'float32')], { size: [1, 1], axis: 0 }, { throws: true }),
  ]),
  row('chunk', 'nb.chunk(x, chunks, axis) = torch.chunk', (xs, a) => ix.chunk(xs[0]!, n(a['chunks']), n(a['axis'])), (v) => [
    S('float64 [5] 3 chunks', [v.rand([5])], { chunks: 3, axis: 0 }),
    S('float64 [6] 4 chunks (3 pieces)', [v.rand([6])], { chunks: 4, axis: 0 }),
    S('float64 [2,2] 5 chunks axis -1', [v.rand([2, 2])], { chunks: 5, axis: -1 }),
    S('float32 [0] 3 chunks', [vals([0], 'float32', [])], { chunks: 3, axis: 0 }),
    S('float32 [0,2] 2 chunks', [vals([0, 2], 'float32', [])], { chunks: 2, axis: 0 }),
    S('float32 0 chunks (error)', [v.rand([3], 'float32')], { chunks: 0, axis: 0 }, { throws: true }),
  ]),
  // in place (outside the graph: the inputs do not require grad)
  ...(['add_', 'sub_', 'mul_', 'div_'] as const).map((op) =>
    row(op, `x.${op}(y) = x.${op}(y)`, (xs, a) => {
      const x = xs[0]!;
      const y = typeof a['scalar'] === 'number' ? a['scalar'] : xs[1]!;
      return op === 'add_' ? x.add_(y, (a['alpha'] ?? 1) as number) : op === 'sub_' ? x.sub_(y) : op === 'mul_' ? x.mul_(y) : x.div_(y);
    }, (v) => [
      S('float32 [2,3] with [3]', [v.rand([2, 3], 'float32'), v.rand([3], 'float32', 0.5, 2)]),
      S('float32 with float64 (narrowing within floats is allowed)', [v.rand([3], 'float32'), v.rand([3], 'float64', 0.5, 2)]),
      S('float64 transposed with a number', [view(v.rand([3, 2]), ['transpose', 0, 1])], { scalar: 1.5 }),
      S('int32 with an integer', [i32([3], [1, -2, 4])], { scalar: 2 }, op === 'div_' ? { throws: true } : {}),
      S('int32 with a fraction (error)', [i32([3], [1, -2, 4])], { scalar: 2.5 }, { throws: true }),
      S('int32 with float32 (error)', [i32([3], [1, -2, 4]), v.rand([3], 'float32', 0.5, 2)], {}, { throws: true }),
      S('bool with an integer (error)', [bool([2], [1, 0])], { scalar: 1 }, { throws: true }),
      S('float32 [3] with [2,3] (error)', [v.rand([3], 'float32'), v.rand([2, 3], 'float32', 0.5, 2)], {}, { throws: true }),
      S('float32 expanded (error)', [view(v.rand([1, 3], 'float32'), ['expand', [2, 3]])], { scalar: 1 }, { throws: true }),
      ...(op === 'add_'
        ? [
            S('float32 with alpha 2.5', [v.rand([2, 3], 'float32'), v.rand([3], 'float32')], { alpha: 2.5 }),
            S('int32 with alpha 3', [i32([3], [1, 2, 3]), i32([3], [4, 5, -6])], { alpha: 3 }),
            S('int32 with alpha 0.5 (error)', [i32([3], [1, 2, 3]), i32([3], [4, 5, -6])], { alpha: 0.5 }, { throws: true }),
          ]
        : []),
    ], false),
  ),
  row('fill_', 'x.fill_(v) = x.fill_(v)', (xs, a) => xs[0]!.fill_(n(a['value'])), (v) => [
    S('float32 strided', [view(v.rand([2, 4], 'float32'), ['stride', 1, 0, 2])], { value: 3 }),
    S('int32 with a fraction (truncates)', [i32([2], [1, 2])], { value: 2.5 }),
    S('float32 expanded (allowed: one value)', [view(v.rand([1, 3], 'float32'), ['expand', [2, 3]])], { value: -1 }),
    S('float64 NaN', [v.rand([2])], { value: NaN }),
  ], false),
  row('copy_', 'x.copy_(src) = x.copy_(src)', (xs) => xs[0]!.copy_(xs[1]!), (v) => [
    S('float32 [2,3] from [3]', [v.rand([2, 3], 'float32'), v.rand([3], 'float32')]),
    S('int32 from float32 (truncates)', [i32([3], [0, 0, 0]), vals([3], 'float32', [1.5, -1.5, 2])]),
    S('float32 transposed from contiguous', [view(v.rand([3, 2], 'float32'), ['transpose', 0, 1]), v.rand([2, 3], 'float32')]),
    S('float32 expanded (error)', [view(v.rand([1, 3], 'float32'), ['expand', [2, 3]]), v.rand([2, 3], 'float32')], {}, { throws: true }),
    S('float32 [3] from [2,3] (error)', [v.rand([3], 'float32'), v.rand([2, 3], 'float32')], {}, { throws: true }),
  ], false),
];
