/**
 * Hostile and wrong input at the public API: each case must throw a NablaError subclass whose
 * message names the function and what was wrong, never a raw TypeError/RangeError, an abort
 * or an out-of-bounds read in a native kernel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { onBackend } from '../helpers/backend.js';

const { nn, optim, data } = nb;
const F = nn.functional;
/** Lets a test pass what the types forbid (the point of these tests). */
const any = (x: unknown): never => x as never;
const x23 = (): nb.Tensor => nb.randn([2, 3]);
const params = (): nb.Tensor[] => new nn.Linear(3, 2).parameters();
const i32 = (v: number[]): nb.Tensor => nb.tensor(v, { dtype: 'int32' });

type ErrorClass = typeof nb.NablaError;
type Case = [label: string, fn: () => unknown, cls: ErrorClass, message: RegExp];

/** Asserts a clear error: the class (a NablaError subclass) and the message. */
function assertClear([label, fn, cls, message]: Case): void {
  let thrown: unknown = undefined;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown !== undefined, `${label}: no error was thrown`);
  assert.ok(thrown instanceof cls, `${label}: expected ${cls.name}, got ${(thrown as Error)?.constructor?.name}: ${(thrown as Error)?.message}`);
  assert.match((thrown as Error).message, message, label);
}

const TENSOR_CONSTRUCTOR: Case[] = [
  ['plain array storage', () => new nb.Tensor(any([1, 2]), [2]), nb.DTypeError, /^Tensor: storage must be a Float32Array, .* got an array of length 2/],
  ['Int8Array storage', () => new nb.Tensor(any(new Int8Array(2)), [2]), nb.DTypeError, /got an Int8Array/],
  ['null storage', () => new nb.Tensor(any(null), [2]), nb.DTypeError, /got null/],
  ['number shape', () => new nb.Tensor(new Float32Array(3), any(3)), nb.ShapeError, /^Tensor: shape must be an array of sizes, got 3/],
  ['NaN in shape', () => new nb.Tensor(new Float32Array(3), [NaN]), nb.ShapeError, /invalid shape \[NaN\].*axis 0 is NaN/],
  ['negative size', () => new nb.Tensor(new Float32Array(3), [-1]), nb.ShapeError, /non-negative integers/],
  ['short storage', () => new nb.Tensor(new Float32Array(2), [100, 100]), nb.ShapeError, /shape \[100,100\] reads storage element 9999, but the storage has 2 elements/],
  ['strides of the wrong length', () => new nb.Tensor(new Float32Array(4), [2, 2], [1]), nb.ShapeError, /one entry per axis \(2\)/],
  ['strides past the end', () => new nb.Tensor(new Float32Array(4), [2, 2], [3, 1]), nb.ShapeError, /strides \[3,1\] reads storage element 4, but the storage has 4/],
  ['negative stride', () => new nb.Tensor(new Float32Array(4), [2, 2], [-2, 1], 2), nb.ShapeError, /strides must be non-negative integers/],
  ['offset past the end', () => new nb.Tensor(new Float32Array(4), [2, 2], undefined, 1), nb.ShapeError, /at offset 1 reads storage element 4/],
  ['NaN offset', () => new nb.Tensor(new Float32Array(4), [2], undefined, NaN), nb.ShapeError, /offset must be a non-negative integer, got NaN/],
  ['negative offset', () => new nb.Tensor(new Float32Array(4), [2], undefined, -1), nb.ShapeError, /offset must be a non-negative integer, got -1/],
  ['non-integer stride', () => new nb.Tensor(new Float32Array(4), [2], [0.5]), nb.ShapeError, /axis 0 has 0\.5/],
];

test('the Tensor constructor refuses storage, shape, strides and offset that do not fit', () => {
  for (const c of TENSOR_CONSTRUCTOR) assertClear(c);
  // what does fit is accepted: a view inside a longer storage, stride-0 broadcasting, empty tensors
  assert.deepEqual(new nb.Tensor(Float32Array.of(1, 2, 3, 4, 5), [2], [2], 1).toArray(), [2, 4]);
  assert.deepEqual(new nb.Tensor(Float32Array.of(7), [3], [0]).toArray(), [7, 7, 7]);
  assert.deepEqual(new nb.Tensor(new Float32Array(0), [0, 5]).shape, [0, 5]);
});

test('a short storage never reaches a native kernel', () => {
  for (const backend of nb.availableBackends()) {
    onBackend(backend, () => {
      assert.throws(() => new nb.Tensor(new Float32Array(2), [1000, 1000]).add(1).sum(), nb.ShapeError);
      assert.throws(() => new nb.Tensor(new Float32Array(16), [4, 4], [8, 1]).matmul(nb.ones([4, 4])), nb.ShapeError);
    });
  }
});

const CREATION: Case[] = [
  ['zeros(3)', () => nb.zeros(any(3)), nb.ShapeError, /^zeros: shape must be an array of sizes such as \[3\], got 3/],
  ['zeros(null)', () => nb.zeros(any(null)), nb.ShapeError, /^zeros: shape must be an array.*got null/],
  ['ones()', () => nb.ones(any(undefined)), nb.ShapeError, /^ones: shape must be an array.*got undefined/],
  ['zeros([-1])', () => nb.zeros([-1]), nb.ShapeError, /invalid shape \[-1\]/],
  ['zeros([2.5])', () => nb.zeros([2.5]), nb.ShapeError, /axis 0 is 2\.5/],
  ['zeros(["2"])', () => nb.zeros(any(['2'])), nb.ShapeError, /axis 0 is '2'/],
  ['zeros([1e6, 1e6])', () => nb.zeros([1e6, 1e6]), nb.NablaError, /^full\(\[1000000,1000000\]\): cannot allocate 1,000,000,000,000 float32 elements \(3\.6 TB\)/],
  ['randn([1e5, 1e6])', () => nb.randn([1e5, 1e6]), nb.NablaError, /^randn\(\[100000,1000000\]\): cannot allocate/],
  ['zeros dtype cuda', () => nb.zeros([2], any({ dtype: 'cuda' })), nb.DTypeError, /'cuda' is a device: nabla runs on the CPU/],
  ['full with a string', () => nb.full([2], any('a')), nb.NablaError, /^full: the fill value must be a number, got 'a'/],
  ['zerosLike(3)', () => nb.zerosLike(any(3)), nb.NablaError, /^zerosLike: expected a Tensor, got 3/],
  ['tensor(typed array, shape 3)', () => nb.tensor(new Float32Array(3), any({ shape: 3 })), nb.ShapeError, /^tensor: shape must be an array/],
  ['tensor dtype int64', () => nb.tensor([1], any({ dtype: 'int64' })), nb.DTypeError, /^tensor: unknown dtype 'int64'; nabla's dtypes are/],
  ['arange(NaN)', () => nb.arange(NaN), nb.NablaError, /^arange: end must be a finite number, got NaN/],
  ['arange(1e10)', () => nb.arange(1e10), nb.NablaError, /^arange\(\[10000000000\]\): cannot allocate/],
  ['arange(0, Infinity)', () => nb.arange(0, Infinity), nb.NablaError, /^arange: end must be a finite number, got Infinity/],
  ['arange("5")', () => nb.arange(any('5')), nb.NablaError, /^arange: end must be a finite number, got '5'/],
  ['linspace steps -1', () => nb.linspace(0, 1, -1), nb.NablaError, /^linspace: steps must be a non-negative integer, got -1/],
  ['linspace steps 2.5', () => nb.linspace(0, 1, 2.5), nb.NablaError, /^linspace: steps must be a non-negative integer, got 2\.5/],
  ['eye(-1)', () => nb.eye(-1), nb.NablaError, /^eye: n must be a non-negative integer, got -1/],
  ['eye(1e6)', () => nb.eye(1e6), nb.NablaError, /cannot allocate 1,000,000,000,000 float32 elements/],
  ['rand(3)', () => nb.rand(any(3)), nb.ShapeError, /^rand: shape must be an array/],
  ['randn int32', () => nb.randn([2], any({ dtype: 'int32' })), nb.DTypeError, /^randn: dtype must be float32 or float64/],
  ['uniform(NaN)', () => nb.uniform([2], NaN, 1), nb.NablaError, /^uniform: low must be a finite number, got NaN/],
  ['uniform low > high', () => nb.uniform([2], 1, 0), nb.NablaError, /^uniform: low must not exceed high/],
  ['randint(0, 0)', () => nb.randint(0, 0, [3]), nb.NablaError, /^randint: high must be greater than low/],
  ['randint(0, 1e10)', () => nb.randint(0, 1e10, [3]), nb.NablaError, /^randint: high must be an integer in the int32 range/],
  ['randint(0.5, 3)', () => nb.randint(0.5, 3, [3]), nb.NablaError, /^randint: low must be an integer/],
  ['randperm(-1)', () => nb.randperm(-1), nb.NablaError, /^randperm: n must be a non-negative integer, got -1/],
  ['randperm(1e10)', () => nb.randperm(1e10), nb.NablaError, /^randperm: n must fit int32 indices/],
  ['manualSeed("a")', () => nb.manualSeed(any('a')), nb.NablaError, /seed must be a finite number.*got 'a'/],
  ['new Generator(NaN)', () => new nb.Generator(NaN), nb.NablaError, /seed must be a finite number.*got NaN/],
  ['setNumThreads(0)', () => nb.setNumThreads(0), nb.NablaError, /^setNumThreads: n must be a positive integer, got 0/],
  ['setBackend("cuda")', () => nb.setBackend(any('cuda')), nb.NablaError, /cuda/],
];

test('creation functions refuse non-array shapes, bad sizes and sizes that cannot be allocated', () => {
  for (const c of CREATION) assertClear(c);
});

const METHODS: Case[] = [
  [".to('cuda')", () => x23().to(any('cuda')), nb.DTypeError, /^to: unknown dtype 'cuda' \('cuda' is a device: nabla runs on the CPU/],
  [".to('int64')", () => x23().to(any('int64')), nb.DTypeError, /^to: unknown dtype 'int64'; nabla's dtypes are 'float32', 'float64', 'int32' and 'bool'/],
  ['.to()', () => x23().to(any(undefined)), nb.DTypeError, /^to: unknown dtype undefined/],
  ['reshape(3)', () => x23().reshape(any(3)), nb.ShapeError, /^reshape: the shape must be an array of sizes such as \[2, -1\], got 3/],
  ['view("a")', () => x23().view(any('a')), nb.ShapeError, /^view: the shape must be an array/],
  ['expand(3)', () => x23().expand(any(3)), nb.ShapeError, /^expand: the shape must be an array/],
  ['reshape([2.5])', () => x23().reshape([2.5]), nb.ShapeError, /^reshape: sizes must be integers, got 2\.5/],
  ['sum("a")', () => x23().sum(any('a')), nb.ShapeError, /^sum: axis must be an integer or a list of integers, got 'a'/],
  ['mean([0, 0])', () => x23().mean([0, 0]), nb.ShapeError, /^mean: axis 0 appears more than once in \[0,0\]/],
  ['sum([0, -2])', () => x23().sum([0, -2]), nb.ShapeError, /^sum: axis -2 appears more than once/],
  ['var correction NaN', () => x23().var(0, false, NaN), nb.NablaError, /^var: correction must be a finite number, got NaN/],
  ['logsumexp()', () => x23().logsumexp(any(undefined)), nb.NablaError, /^logsumexp: give the axis/],
  ['gather with an array index', () => x23().gather(1, any([1])), nb.NablaError, /^gather: index must be a Tensor, got an array of length 1/],
  ['indexSelect with fractions', () => x23().indexSelect(0, [0.5]), nb.NablaError, /^indexSelect: index must be an int32 Tensor or an array of integers, got \[0\.5\]/],
  ['indexSelect with a string', () => x23().indexSelect(0, any('a')), nb.NablaError, /^indexSelect: index must be/],
  ['maskedFill with an array mask', () => x23().maskedFill(any([true]), 1), nb.NablaError, /^maskedFill: mask must be a Tensor/],
  ['maskedFill with a string value', () => x23().maskedFill(nb.zeros([2, 3]).bool(), any('a')), nb.NablaError, /^maskedFill: the fill value must be a number, got 'a'/],
  ['slice("a")', () => x23().slice(any('a')), nb.NablaError, /^slice: spec 0 must be an index/],
  ['backward("a")', () => nb.randn([1]).requiresGrad_().mul(2).backward(any('a')), nb.NablaError, /^backward: the gradient must be a Tensor or a number, got 'a'/],
  ['backward options 3', () => nb.randn([1]).requiresGrad_().mul(2).backward(undefined, any(3)), nb.NablaError, /^backward: options must be an object/],
];

test('tensor methods refuse arguments of the wrong kind', () => {
  for (const c of METHODS) assertClear(c);
});

test('.grad accepts only a tensor of its tensor\'s shape and dtype (or null)', () => {
  const t = nb.zeros([2, 3]).requiresGrad_();
  assertClear(['grad = 3', () => (t.grad = any(3)), nb.NablaError, /^grad: a gradient must be a Tensor or null, got 3/]);
  assertClear(['grad = {}', () => (t.grad = any({})), nb.NablaError, /got an object/]);
  assertClear(['grad of another shape', () => (t.grad = nb.zeros([3, 2])), nb.ShapeError, /^grad: the gradient has shape \[3,2\] but its tensor has shape \[2,3\]/]);
  assertClear(['grad of another dtype', () => (t.grad = nb.zeros([2, 3], { dtype: 'float64' })), nb.DTypeError, /^grad: the gradient is float64 but its tensor is float32/]);
  assert.equal(t.grad, null, 'a refused gradient is not stored');
  const g = nb.ones([2, 3]);
  t.grad = g;
  assert.equal(t.grad, g);
  t.grad = null;
  assert.equal(t.grad, null);
  t.sum().backward();
  assert.deepEqual(t.grad!.toArray(), [[1, 1, 1], [1, 1, 1]]);
});

const FUNCTIONS: Case[] = [
  ['exp(3)', () => nb.exp(any(3)), nb.NablaError, /^exp: the input must be a Tensor, got 3/],
  ['sigmoid([1])', () => nb.sigmoid(any([1])), nb.NablaError, /^sigmoid: the input must be a Tensor, got an array/],
  ['add("a", 1)', () => nb.add(any('a'), 1), nb.NablaError, /^add: expected a Tensor or a number, got string/],
  ['cat(3)', () => nb.cat(any(3)), nb.NablaError, /^cat: expected a list of tensors, got 3/],
  ['cat([t, 3])', () => nb.cat(any([x23(), 3])), nb.NablaError, /^cat: item 1 of the list is not a Tensor but 3/],
  ['stack([])', () => nb.stack([]), nb.NablaError, /^stack: expected a non-empty list/],
  ['split("a")', () => nb.split(x23(), any('a')), nb.ShapeError, /^split: size must be a positive integer or a list/],
  ['chunk(2.5)', () => nb.chunk(x23(), 2.5), nb.ShapeError, /^chunk: chunks must be a positive integer, got 2\.5/],
  ['chunk(0)', () => nb.chunk(x23(), 0), nb.ShapeError, /^chunk: chunks must be a positive integer, got 0/],
  ['where(3, ...)', () => nb.where(any(3), x23(), x23()), nb.NablaError, /^where: the condition must be a Tensor, got 3/],
  ['gather(3, ...)', () => nb.gather(any(3), 0, any(3)), nb.NablaError, /^gather: the input must be a Tensor, got 3/],
  ['noGrad(3)', () => nb.noGrad(any(3)), nb.NablaError, /^noGrad: expected a function to run, got 3/],
  ['onOp(3)', () => nb.onOp(any(3)), nb.NablaError, /^onOp: expected a listener function/],
  ['gradcheck(3, ...)', () => nb.gradcheck(any(3), [x23()]), nb.NablaError, /^gradcheck: fn must be a function/],
  ['gradcheck(fn, 3)', () => nb.gradcheck((x) => x, any(3)), nb.NablaError, /^gradcheck: inputs must be an array of tensors, got 3/],
  ['graph(3)', () => nb.graph(any(3)), nb.NablaError, /^graph: expected the Tensor/],
  ['explain(null)', () => nb.explain(any(null)), nb.NablaError, /^explain: expected options/],
];

test('exported functions refuse non-tensor inputs', () => {
  for (const c of FUNCTIONS) assertClear(c);
});

const MODULES: Case[] = [
  ['Linear(1e5, 1e5)', () => new nn.Linear(1e5, 1e5), nb.NablaError, /^Linear\(100000, 100000\): cannot allocate 10,000,000,000 float32 elements \(37\.3 GB\): more elements than one typed array can hold/],
  ['Linear("a", 3)', () => new nn.Linear(any('a'), 3), nb.NablaError, /^Linear: inFeatures must be a non-negative integer/],
  ['Conv2d too large', () => new nn.Conv2d(1e4, 1e4, 30), nb.NablaError, /^Conv2d\(10000, 10000, 30\): cannot allocate/],
  ['Conv2d stride 0', () => new nn.Conv2d(3, 4, 3, { stride: 0 }), nb.NablaError, /^Conv2d: stride must be an integer >= 1/],
  ['Conv2d padding -1', () => new nn.Conv2d(3, 4, 3, { padding: -1 }), nb.NablaError, /^Conv2d: padding must be an integer >= 0/],
  ['Conv2d padding "foo"', () => new nn.Conv2d(3, 4, 3, { padding: any('foo') }), nb.NablaError, /^Conv2d: padding must be a number, a pair, 'same' or 'valid', got 'foo'/],
  ['Conv2d dilation "2"', () => new nn.Conv2d(3, 4, 3, { dilation: any('2') }), nb.NablaError, /^Conv2d: dilation must be a number or a pair/],
  ['Conv1d stride 0', () => new nn.Conv1d(3, 4, 3, { stride: 0 }), nb.NablaError, /^Conv1d: stride must be a positive integer, got 0/],
  ['MaxPool2d(0)', () => new nn.MaxPool2d(0), nb.NablaError, /^MaxPool2d: kernel size must be an integer >= 1/],
  ['MaxPool2d(NaN)', () => new nn.MaxPool2d(NaN), nb.NablaError, /^MaxPool2d: kernel size/],
  ['MaxPool2d padding too large', () => new nn.MaxPool2d(2, { padding: 2 }), nb.NablaError, /^MaxPool2d: padding 2 must be at most half the kernel size 2/],
  ['AvgPool2d stride 0', () => new nn.AvgPool2d(2, { stride: 0 }), nb.NablaError, /^AvgPool2d: stride must be an integer >= 1/],
  ['AdaptiveAvgPool2d(0)', () => new nn.AdaptiveAvgPool2d(0), nb.NablaError, /^AdaptiveAvgPool2d: the output size must be a positive integer/],
  ['AdaptiveMaxPool2d([2])', () => new nn.AdaptiveMaxPool2d(any([2])), nb.NablaError, /^AdaptiveMaxPool2d: the output size/],
  ['adaptive pooling to a size no array holds', () => F.adaptiveAvgPool2d(nb.randn([1, 3, 6, 6]), 1e5), nb.NablaError, /^adaptiveAvgPool2d: an output of \[1,3,100000,100000\] has 30,000,000,000 elements/],
  ['MaxPool1d(0)', () => new nn.MaxPool1d(0), nb.NablaError, /^MaxPool1d: kernel size/],
  ['AvgPool1d("2")', () => new nn.AvgPool1d(any('2')), nb.NablaError, /^AvgPool1d: kernel size must be an integer >= 1, got '2'/],
  ['BatchNorm1d(0)', () => new nn.BatchNorm1d(0), nb.NablaError, /^BatchNorm1d: numFeatures must be a positive integer/],
  ['BatchNorm1d eps -1', () => new nn.BatchNorm1d(3, { eps: -1 }), nb.NablaError, /^BatchNorm1d: eps must be a finite number >= 0, got -1/],
  ['BatchNorm2d momentum 2', () => new nn.BatchNorm2d(3, { momentum: 2 }), nb.NablaError, /^BatchNorm2d: momentum must be in \[0, 1\]/],
  ['BatchNorm1d momentum NaN', () => new nn.BatchNorm1d(3, { momentum: NaN }), nb.NablaError, /momentum must be in \[0, 1\].*got NaN/],
  ['BatchNorm1d(1e10)', () => new nn.BatchNorm1d(1e10), nb.NablaError, /cannot allocate 10,000,000,000 float32 elements/],
  ['Dropout(1.5)', () => new nn.Dropout(1.5), nb.NablaError, /^Dropout: probability p must be in \[0, 1\]/],
  ['Embedding(1e6, 1e5)', () => new nn.Embedding(1e6, 1e5), nb.NablaError, /cannot allocate 100,000,000,000 float32 elements/],
  ['LSTM(1e5, 1e5)', () => new nn.LSTM(1e5, 1e5), nb.NablaError, /cannot allocate 40,000,000,000 float32 elements/],
  ['LSTM numLayers 0', () => new nn.LSTM(3, 4, { numLayers: 0 }), nb.NablaError, /^LSTM: numLayers must be a positive integer/],
  ['LeakyReLU("a")', () => new nn.LeakyReLU(any('a')), nb.NablaError, /^LeakyReLU: negativeSlope must be a finite number, got 'a'/],
  ['ELU(NaN)', () => new nn.ELU(NaN), nb.NablaError, /^ELU: alpha must be a finite number, got NaN/],
  ['Softplus(beta Infinity)', () => new nn.Softplus(Infinity), nb.NablaError, /^Softplus: beta must be a finite number/],
  ['Softmax("a")', () => new nn.Softmax(any('a')), nb.NablaError, /^Softmax: axis must be an integer, got 'a'/],
  ['GELU("exact")', () => new nn.GELU(any('exact')), nb.NablaError, /^GELU: approximate must be 'none' or 'tanh', got 'exact'/],
  ['Parameter(3)', () => new nn.Parameter(any(3)), nb.NablaError, /^Parameter: expected a Tensor, got 3/],
  ['Parameter(int32)', () => new nn.Parameter(nb.zeros([2], { dtype: 'int32' })), nb.DTypeError, /^Parameter: only floating-point tensors can require gradients, got int32 \[2\]/],
  ['registerParameter(3)', () => new nn.Linear(2, 3).registerParameter('x', any(3)), nb.NablaError, /^registerParameter\('x'\): expected a Parameter or null, got 3/],
  ['loadStateDict(null)', () => new nn.Linear(2, 3).loadStateDict(any(null)), nb.NablaError, /^Linear\.loadStateDict: expected a state dict \(an object or Map from names to tensors.*got null/],
  ['loadStateDict("abc")', () => new nn.Linear(2, 3).loadStateDict(any('abc')), nb.NablaError, /^Linear\.loadStateDict: expected a state dict.*got 'abc'/],
  ['loadStateDict(tensor)', () => new nn.Linear(2, 3).loadStateDict(any(nb.zeros([3]))), nb.NablaError, /got a Tensor/],
  ['loadStateDict({ weight: 3 })', () => new nn.Linear(2, 3).loadStateDict(any({ weight: 3, bias: nb.zeros([3]) })), nb.ShapeError, /weight: expected a Tensor, got 3/],
  ['module.to("cuda")', () => new nn.Linear(2, 3).to(any('cuda')), nb.DTypeError, /^Linear\.to: unknown dtype 'cuda' \('cuda' is a device/],
  ['module.to("int32")', () => new nn.Linear(2, 3).to('int32'), nb.DTypeError, /^Linear\.to: a module's parameters can only be converted to a floating-point dtype/],
  ['module.train("no")', () => new nn.Linear(2, 3).train(any('no')), nb.NablaError, /^Linear\.train: mode must be true or false/],
];

test('layer constructors and module methods refuse bad sizes and options', () => {
  for (const c of MODULES) assertClear(c);
});

const LOSSES: Case[] = [
  ['CE float class targets', () => new nn.CrossEntropyLoss().forward(x23(), nb.zeros([2])), nb.DTypeError, /^crossEntropy: got a float32 target \[2\]/],
  ['CE target out of range', () => new nn.CrossEntropyLoss().forward(x23(), i32([5, 0])), nb.NablaError, /^crossEntropy: target value 5 is out of range for 3 classes/],
  ['CE target array', () => new nn.CrossEntropyLoss().forward(x23(), any([0, 1])), nb.NablaError, /^crossEntropy: the target must be a Tensor, got an array/],
  ['CE weight array', () => new nn.CrossEntropyLoss(any({ weight: [1, 2, 3] })), nb.NablaError, /^CrossEntropyLoss: weight must be a Tensor, got an array/],
  ['CE reduction bogus', () => new nn.CrossEntropyLoss(any({ reduction: 'bogus' })), nb.NablaError, /^CrossEntropyLoss: reduction must be 'mean', 'sum' or 'none', got 'bogus'/],
  ['L1Loss("mean")', () => new nn.L1Loss(any('mean')), nb.NablaError, /^L1Loss: options must be an object/],
  ['NLL target out of range', () => new nn.NLLLoss().forward(x23(), i32([-5, 0])), nb.NablaError, /^nllLoss: target value -5 is out of range/],
  ['MSE shapes', () => new nn.MSELoss().forward(x23(), nb.zeros([4])), nb.ShapeError, /^mseLoss: input \[2,3\] and target \[4\] must have the same shape/],
  ['MSE target 3', () => new nn.MSELoss().forward(x23(), any(3)), nb.NablaError, /^mseLoss: the target must be a Tensor, got 3/],
  ['BCE input above 1', () => new nn.BCELoss().forward(nb.full([2], 1.5), nb.full([2], 1)), nb.NablaError, /^binaryCrossEntropy: every input must be a probability in \[0, 1\]/],
  ['BCEWithLogits posWeight array', () => new nn.BCEWithLogitsLoss(any({ posWeight: [1] })), nb.NablaError, /^BCEWithLogitsLoss: posWeight must be a Tensor/],
  ['Huber delta 0', () => new nn.HuberLoss({ delta: 0 }).forward(x23(), x23()), nb.NablaError, /^huberLoss: delta must be > 0/],
];

test('losses refuse targets of the wrong kind, shape, dtype or range', () => {
  for (const c of LOSSES) assertClear(c);
});

const OPTIMIZERS: Case[] = [
  ['SGD(null)', () => new optim.SGD(any(null), { lr: 0.1 }), nb.NablaError, /^SGD: params must be an iterable of tensors \(e\.g\. model\.parameters\(\)\).*got null/],
  ['Adam(3)', () => new optim.Adam(any(3)), nb.NablaError, /^Adam: params must be an iterable.*got 3/],
  ['SGD without options', () => new optim.SGD(params(), any(undefined)), nb.NablaError, /^SGD: options must be an object with a learning rate/],
  ['SGD lr "0.1"', () => new optim.SGD(params(), { lr: any('0.1') }), nb.NablaError, /^SGD: invalid learning rate '0\.1'/],
  ['SGD lr NaN', () => new optim.SGD(params(), { lr: NaN }), nb.NablaError, /^SGD: invalid learning rate NaN/],
  ['Adam lr Infinity', () => new optim.Adam(params(), { lr: Infinity }), nb.NablaError, /^Adam: invalid learning rate Infinity/],
  ['SGD dampening NaN', () => new optim.SGD(params(), { lr: 0.1, momentum: 0.9, dampening: NaN }), nb.NablaError, /^SGD: invalid dampening NaN/],
  ['Adam betas [0.9]', () => new optim.Adam(params(), any({ betas: [0.9] })), nb.NablaError, /^Adam: betas must be a pair \[beta1, beta2\]/],
  ['Adam eps NaN', () => new optim.Adam(params(), { eps: NaN }), nb.NablaError, /^Adam: invalid eps NaN/],
  ['AdamW amsgrad "yes"', () => new optim.AdamW(params(), any({ amsgrad: 'yes' })), nb.NablaError, /^AdamW: amsgrad must be true or false/],
  ['RMSprop alpha NaN', () => new optim.RMSprop(params(), { alpha: NaN }), nb.NablaError, /^RMSprop: invalid alpha NaN/],
  ['group with params 3', () => new optim.SGD(any([{ params: 3 }]), { lr: 0.1 }), nb.NablaError, /^SGD: a group's params must be an iterable of tensors, got 3/],
  ['step("a")', () => new optim.SGD(params(), { lr: 0.1 }).step(any('a')), nb.NablaError, /^SGD\.step: the closure must be a function/],
  ['loadStateDict(null)', () => new optim.Adam(params()).loadStateDict(any(null)), nb.NablaError, /^Adam\.loadStateDict: expected \{ state, paramGroups \}/],
  ['loadStateDict bad group', () => new optim.Adam(params()).loadStateDict(any({ state: {}, paramGroups: [{ params: 3 }] })), nb.NablaError, /^Adam\.loadStateDict: parameter group 0 must be an object with params/],
  ['loadStateDict bad state', () => new optim.Adam(params()).loadStateDict(any({ state: { 0: { exp_avg: 'x' } }, paramGroups: [{ params: [0, 1] }] })), nb.NablaError, /state 'exp_avg' of parameter 0 must be a Tensor or a number, got 'x'/],
  ['StepLR(null)', () => new optim.StepLR(any(null), { stepSize: 1 }), nb.NablaError, /^StepLR: expected an optimizer/],
  ['StepLR without options', () => new optim.StepLR(new optim.SGD(params(), { lr: 1 }), any(undefined)), nb.NablaError, /^StepLR: options must be an object such as \{ stepSize: 10, gamma: 0\.1 \}/],
  ['StepLR gamma NaN', () => new optim.StepLR(new optim.SGD(params(), { lr: 1 }), { stepSize: 1, gamma: NaN }), nb.NablaError, /^StepLR: gamma must be a finite number, got NaN/],
  ['ExponentialLR gamma "a"', () => new optim.ExponentialLR(new optim.SGD(params(), { lr: 1 }), { gamma: any('a') }), nb.NablaError, /^ExponentialLR: gamma must be a finite number/],
  ['CosineAnnealingLR tMax NaN', () => new optim.CosineAnnealingLR(new optim.SGD(params(), { lr: 1 }), { tMax: NaN }), nb.NablaError, /^CosineAnnealingLR: tMax must be a positive number, got NaN/],
  ['scheduler loadStateDict(null)', () => new optim.StepLR(new optim.SGD(params(), { lr: 1 }), { stepSize: 1 }).loadStateDict(any(null)), nb.NablaError, /^StepLR\.loadStateDict: expected/],
  ['clipGradNorm(3, 1)', () => nn.utils.clipGradNorm(any(3), 1), nb.NablaError, /^clipGradNorm: expected parameters/],
  ['clipGradNorm maxNorm NaN', () => nn.utils.clipGradNorm(params(), NaN), nb.NablaError, /^clipGradNorm: maxNorm must be a number >= 0, got NaN/],
  ['clipGradNorm normType "bad"', () => nn.utils.clipGradNorm(params(), 1, any('bad')), nb.NablaError, /^clipGradNorm: normType must be positive/],
];

test('optimizers and schedulers refuse bad parameters, options and states', () => {
  for (const c of OPTIMIZERS) assertClear(c);
});

test('every optimizer checks each gradient against its parameter before changing anything', () => {
  const makers: [string, (ps: nb.Tensor[]) => nb.optim.Optimizer<{ lr: number }>][] = [
    ['SGD', (ps) => new optim.SGD(ps, { lr: 0.1, momentum: 0.9 })],
    ['Adam', (ps) => new optim.Adam(ps, { lr: 0.1 })],
    ['Adam', (ps) => new optim.Adam(ps, { lr: 0.1, amsgrad: true })],
    ['AdamW', (ps) => new optim.AdamW(ps, { lr: 0.1 })],
    ['RMSprop', (ps) => new optim.RMSprop(ps, { lr: 0.1, centered: true, momentum: 0.5 })],
  ];
  // a gradient planted past the .grad setter (which would refuse it) must still be refused by step()
  const plant = (p: nb.Tensor, g: unknown): void => void Object.defineProperty(p, 'grad', { value: g, writable: true, configurable: true });
  for (const backend of nb.availableBackends()) {
    onBackend(backend, () => {
      for (const [name, make] of makers) {
        const model = new nn.Linear(3, 2);
        const [w, b] = model.parameters() as [nb.Tensor, nb.Tensor];
        const before = [w.toArray(), b.toArray()];
        const opt = make([w, b]);
        b.grad = nb.ones([2]);
        plant(w, nb.ones([7]));
        assert.throws(() => opt.step(), (e: unknown) => e instanceof nb.ShapeError && new RegExp(`^${name}\\.step: parameter 0 \\[2,3\\] has a gradient of shape \\[7\\]`).test((e as Error).message), `${name} on ${backend}`);
        plant(w, nb.ones([2, 3], { dtype: 'float64' }));
        assert.throws(() => opt.step(), (e: unknown) => e instanceof nb.DTypeError && /parameter 0 \[2,3\] is float32 but its gradient is float64/.test((e as Error).message), `${name} dtype`);
        plant(w, [[1, 1, 1], [1, 1, 1]]);
        assert.throws(() => opt.step(), (e: unknown) => e instanceof nb.NablaError && /has a gradient that is not a Tensor: an array/.test((e as Error).message), `${name} array`);
        assert.deepEqual([w.toArray(), b.toArray()], before, `${name}: no parameter changed`);
      }
    });
  }
});

test('Adam refuses a moment estimate that does not fit its parameter (the fused kernel would write past it)', () => {
  for (const backend of nb.availableBackends()) {
    onBackend(backend, () => {
      const model = new nn.Linear(3, 4);
      const opt = new optim.Adam(model.parameters());
      model.forward(nb.randn([2, 3])).sum().backward();
      opt.step();
      opt.state.get(model.weight)!.exp_avg = nb.zeros([1]);
      assert.throws(() => opt.step(), /^ShapeError: Adam\.step: state 'exp_avg' of a float32 parameter \[4,3\] must be a tensor of the same shape and dtype, got float32 \[1\]/);
    });
  }
});

const DATA: Case[] = [
  ['DataLoader(null)', () => new data.DataLoader(any(null), { batchSize: 2 }), nb.NablaError, /^DataLoader: expected a dataset \(an object with a length and get\(i\)/],
  ['DataLoader(3)', () => new data.DataLoader(any(3), { batchSize: 2 }), nb.NablaError, /^DataLoader: expected a dataset.*got 3/],
  ['DataLoader without options', () => new data.DataLoader(new data.TensorDataset(nb.zeros([4, 2])), any(undefined)), nb.NablaError, /^DataLoader: options must be an object such as \{ batchSize: 64/],
  ['DataLoader batchSize NaN', () => new data.DataLoader(new data.TensorDataset(nb.zeros([4, 2])), { batchSize: NaN }), nb.NablaError, /^DataLoader: batchSize must be a positive integer, got NaN/],
  ['DataLoader batchSize "2"', () => new data.DataLoader(new data.TensorDataset(nb.zeros([4, 2])), { batchSize: any('2') }), nb.NablaError, /batchSize must be a positive integer, got '2'/],
  ['DataLoader shuffle "yes"', () => new data.DataLoader(new data.TensorDataset(nb.zeros([4, 2])), { batchSize: 2, shuffle: any('yes') }), nb.NablaError, /^DataLoader: shuffle and dropLast must be true or false/],
  ['DataLoader seed 0.5', () => new data.DataLoader(new data.TensorDataset(nb.zeros([4, 2])), { batchSize: 2, seed: 0.5 }), nb.NablaError, /^DataLoader: seed must be an integer, got 0\.5/],
  ['TensorDataset()', () => new data.TensorDataset(), nb.NablaError, /^TensorDataset: needs at least one tensor/],
  ['TensorDataset(3)', () => new data.TensorDataset(any(3)), nb.ShapeError, /^TensorDataset: argument 0 must be a tensor/],
  ['TensorDataset lengths differ', () => new data.TensorDataset(nb.zeros([3, 2]), nb.zeros([4])), nb.ShapeError, /same first dimension/],
  ['circles(1e10)', () => data.circles({ n: 1e10 }), nb.NablaError, /^circles: n = 10000000000 samples is more than a synthetic dataset makes/],
];

test('data loading refuses datasets and options that are not', () => {
  for (const c of DATA) assertClear(c);
});
