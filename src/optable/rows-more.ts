/**
 * Op-table rows: the rest of the public surface that has values to compare: dropout where it is
 * deterministic (p = 0, p = 1, evaluation), pad2d, expandAs, zero_, and the creation functions
 * (full, zeros, ones, arange, linspace, eye and the *Like forms).
 */
import type { DType } from '../core/dtype.js';
import * as create from '../ops/create.js';
import { pad2d } from '../ops/conv.js';
import { dropout } from '../functional/dropout.js';
import type { ArgValue, Args, InputSpec, OpInfo, Sample } from './types.js';
import { EDGE32, Values, vals, view } from './values.js';

const S = (name: string, inputs: InputSpec[], args: Args = {}, extra: Partial<Sample> = {}): Sample => ({ name, inputs, args, ...extra });
const n = (v: ArgValue | undefined): number => v as number;
const dt = (a: Args): { dtype?: DType } => (a['dtype'] ? { dtype: a['dtype'] as DType } : {});

function row(name: string, doc: string, run: OpInfo['run'], samples: (v: Values) => Sample[], differentiable = true): OpInfo {
  return { name, doc, run, samples: samples(new Values(name)), differentiable };
}

export const MORE_ROWS: OpInfo[] = [
  row('dropout', 'F.dropout(x, p, {training}) = F.dropout (deterministic cases)', (xs, a) => dropout(xs[0]!, n(a['p']), { training: a['training'] !== false }), (v) => [
    S('float64 p 0 training', [v.rand([3, 4])], { p: 0 }),
    S('float64 p 1 training (zeros)', [v.rand([3, 4])], { p: 1 }),
    S('float32 p 0.5 evaluation (identity)', [v.rand([2, 3], 'float32')], { p: 0.5, training: false }),
    S('float64 p 1 evaluation (identity)', [v.rand([4])], { p: 1, training: false }),
    S('float32 p 1 edge values (NaN * 0)', [vals([EDGE32.length], 'float32', EDGE32)], { p: 1 }),
    S('float64 0-d p 0', [v.rand([])], { p: 0 }),
    S('float32 size 0 p 1', [vals([0, 2], 'float32', [])], { p: 1 }),
    S('float32 p 1.5 (error)', [v.rand([2], 'float32')], { p: 1.5 }, { throws: true }),
    S('float32 p -0.1 (error)', [v.rand([2], 'float32')], { p: -0.1 }, { throws: true }),
  ]),
  row('pad2d', 'F.pad2d(x, [top, bottom, left, right], value) = F.pad(x, (left, right, top, bottom), value=value)', (xs, a) => pad2d(xs[0]!, a['pads'] as [number, number, number, number], n(a['value'] ?? 0)), (v) => [
    S('float64 [1,2,3,3] (1,0,2,1)', [v.rand([1, 2, 3, 3])], { pads: [1, 0, 2, 1] }),
    S('float64 [2,3] value 2.5', [v.rand([2, 3])], { pads: [1, 1, 1, 1], value: 2.5 }),
    S('float64 negative (crops)', [v.rand([1, 3, 4])], { pads: [0, -1, -1, 1] }),
    S('float32 -inf value', [v.rand([1, 1, 2, 2], 'float32')], { pads: [1, 1, 0, 0], value: -Infinity }),
    S('float64 transposed input', [view(v.rand([3, 2]), ['transpose', 0, 1])], { pads: [0, 1, 1, 0] }),
    S('int32 [2,2]', [vals([2, 2], 'int32', [1, 2, 3, 4])], { pads: [1, 0, 0, 1], value: 7 }),
    S('float32 size 0', [vals([0, 2, 2], 'float32', [])], { pads: [1, 1, 1, 1] }),
    S('float32 crop to nothing', [v.rand([2, 2], 'float32')], { pads: [-1, -1, 0, 0] }),
    S('float32 crop beyond the input (error)', [v.rand([2, 2], 'float32')], { pads: [-2, -1, 0, 0] }, { throws: true }),
    S('float32 1-D (error)', [v.rand([3], 'float32')], { pads: [1, 1, 1, 1] }, { throws: true }),
  ]),
  row('expandAs', 'x.expandAs(o) = x.expand_as(o)', (xs) => xs[0]!.expandAs(xs[1]!), (v) => [
    S('float64 [3,1] as [2,3,4]', [v.rand([3, 1]), vals([2, 3, 4], 'bool', new Array<number>(24).fill(0), { grad: false })]),
    S('bool [1,2] as [3,2]', [vals([1, 2], 'bool', [1, 0]), v.rand([3, 2], 'float32')]),
    S('float64 0-d as [0,2]', [v.rand([]), vals([0, 2], 'float32', [], { grad: false })]),
    S('float32 [2] as [3] (error)', [v.rand([2], 'float32'), v.rand([3], 'float32')], {}, { throws: true }),
  ]),
  row('zero_', 'x.zero_() = x.zero_()', (xs) => xs[0]!.zero_(), (v) => [
    S('float32 strided', [view(v.rand([2, 4], 'float32'), ['stride', 1, 1, 2])]),
    S('int32 0-d', [vals([], 'int32', [7])]),
    S('bool', [vals([3], 'bool', [1, 0, 1])]),
  ], false),
  // creation (no inputs)
  row('full', 'nb.full(shape, value, {dtype}) = torch.full', (_xs, a) => create.full(a['shape'] as number[], n(a['value']), dt(a)), () => [
    S('float32 [2,3] 2.5', [], { shape: [2, 3], value: 2.5 }),
    S('int32 [3] 7', [], { shape: [3], value: 7, dtype: 'int32' }),
    S('bool [2] 3 (true)', [], { shape: [2], value: 3, dtype: 'bool' }),
    S('bool [2] NaN (true)', [], { shape: [2], value: NaN, dtype: 'bool' }),
    S('float64 0-d -inf', [], { shape: [], value: -Infinity, dtype: 'float64' }),
    S('float32 [0,4]', [], { shape: [0, 4], value: 0.5 }),
    S('integer value, no dtype (float32)', [], { shape: [2], value: 3 }, { deviation: 'full-float-default' }),
    S('int32 fraction (truncates)', [], { shape: [2], value: -2.5, dtype: 'int32' }),
    S('int32 NaN (error)', [], { shape: [2], value: NaN, dtype: 'int32' }, { throws: true }),
    S('negative size (error)', [], { shape: [2, -1], value: 0 }, { throws: true }),
  ], false),
  row('zeros', 'nb.zeros(shape, {dtype}) = torch.zeros', (_xs, a) => create.zeros(a['shape'] as number[], dt(a)), () => [
    S('float32 [2,3]', [], { shape: [2, 3] }),
    S('int32 0-d', [], { shape: [], dtype: 'int32' }),
    S('bool [0]', [], { shape: [0], dtype: 'bool' }),
  ], false),
  row('ones', 'nb.ones(shape, {dtype}) = torch.ones', (_xs, a) => create.ones(a['shape'] as number[], dt(a)), () => [
    S('float64 [3]', [], { shape: [3], dtype: 'float64' }),
    S('bool [2,1]', [], { shape: [2, 1], dtype: 'bool' }),
  ], false),
  row('arange', 'nb.arange(start, end, step, {dtype}) = torch.arange', (_xs, a) => create.arange(n(a['start']), a['end'] === undefined ? undefined : n(a['end']), n(a['step'] ?? 1), dt(a)), () => [
    S('int 0..5', [], { start: 5 }),
    S('int 2..11 step 3', [], { start: 2, end: 11, step: 3 }),
    S('int 5..0 step -2', [], { start: 5, end: 0, step: -2 }),
    S('float 0..1 step 0.25', [], { start: 0, end: 1, step: 0.25 }),
    S('float -1..1 step 0.3', [], { start: -1, end: 1, step: 0.3 }),
    S('empty 3..3', [], { start: 3, end: 3 }),
    S('float64 0..2 step 0.5', [], { start: 0, end: 2, step: 0.5, dtype: 'float64' }),
    S('step 0 (error)', [], { start: 0, end: 3, step: 0 }, { throws: true }),
    S('wrong sign step (error)', [], { start: 0, end: 3, step: -1 }, { throws: true }),
    S('infinite end (error)', [], { start: 0, end: Infinity }, { throws: true }),
  ], false),
  row('linspace', 'nb.linspace(start, end, steps, {dtype}) = torch.linspace', (_xs, a) => create.linspace(n(a['start']), n(a['end']), n(a['steps']), dt(a)), () => [
    S('float32 0..1 5', [], { start: 0, end: 1, steps: 5 }),
    S('float64 -2..3 7', [], { start: -2, end: 3, steps: 7, dtype: 'float64' }),
    S('one step', [], { start: 4, end: 9, steps: 1 }),
    S('zero steps', [], { start: 0, end: 1, steps: 0 }),
    S('decreasing', [], { start: 1, end: -1, steps: 4 }),
    S('negative steps (error)', [], { start: 0, end: 1, steps: -1 }, { throws: true }),
  ], false),
  row('eye', 'nb.eye(n, m, {dtype}) = torch.eye', (_xs, a) => create.eye(n(a['n']), a['m'] === undefined ? undefined : n(a['m']), dt(a)), () => [
    S('float32 3', [], { n: 3 }),
    S('float64 2x4', [], { n: 2, m: 4, dtype: 'float64' }),
    S('int32 3x1', [], { n: 3, m: 1, dtype: 'int32' }),
    S('bool 2', [], { n: 2, dtype: 'bool' }),
    S('0x2', [], { n: 0, m: 2 }),
    S('negative (error)', [], { n: -1 }, { throws: true }),
  ], false),
  row('zerosLike', 'nb.zerosLike(x, {dtype}) = torch.zeros_like', (xs, a) => create.zerosLike(xs[0]!, dt(a)), (v) => [
    S('float64 transposed', [view(v.rand([2, 3]), ['transpose', 0, 1])]),
    S('int32 -> float32', [vals([2], 'int32', [4, 5])], { dtype: 'float32' }),
  ], false),
  row('onesLike', 'nb.onesLike(x, {dtype}) = torch.ones_like', (xs, a) => create.onesLike(xs[0]!, dt(a)), (v) => [
    S('bool 0-d', [vals([], 'bool', [0])]),
    S('float32 [0,3]', [vals([0, 3], 'float32', [])]),
    S('float32 -> int32', [v.rand([2, 2], 'float32')], { dtype: 'int32' }),
  ], false),
  row('fullLike', 'nb.fullLike(x, value, {dtype}) = torch.full_like', (xs, a) => create.fullLike(xs[0]!, n(a['value']), dt(a)), (v) => [
    S('float64 [2,2] -1.5', [v.rand([2, 2])], { value: -1.5 }),
    S('int32 2.7 (truncates)', [vals([3], 'int32', [1, 2, 3])], { value: 2.7 }),
    S('bool 5 (true)', [vals([2], 'bool', [0, 0])], { value: 5 }),
  ], false),
];
