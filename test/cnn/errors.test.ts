/** What users get wrong with CNN layers, and the messages that tell them how to fix it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShapeError, NablaError } from '../../src/core/errors.js';
import { randn, zeros } from '../../src/ops/create.js';
import { Conv1d, Conv2d } from '../../src/nn/conv.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../src/nn/pool.js';
import { conv2d } from '../../src/functional/conv.js';
import { maxPool2d } from '../../src/functional/pool.js';

/** Asserts that fn throws an error of `cls` whose message contains every fragment. */
function throwsWith(fn: () => unknown, cls: typeof NablaError, ...fragments: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    for (const f of fragments) assert.ok(e.message.includes(f), `message lacks ${JSON.stringify(f)}:\n  ${e.message}`);
    return true;
  });
}

test('Conv2d on a batch of one-channel images without the channel axis suggests unsqueeze(1)', () => {
  const conv = new Conv2d(1, 16, 3);
  throwsWith(() => conv.forward(zeros([64, 28, 28])), ShapeError, 'Conv2d(1, 16)', '[N, C, H, W]', '3-D [64,28,28]', 'x.unsqueeze(1)');
});

test('Conv2d on one image without the batch axis suggests unsqueeze(0)', () => {
  const conv = new Conv2d(3, 8, 3);
  throwsWith(() => conv.forward(zeros([3, 32, 32])), ShapeError, '[N, C, H, W]', '[3,32,32]', 'x.unsqueeze(0)');
});

test('Conv2d on a 2-D image and on a 5-D tensor explain the layout', () => {
  const conv = new Conv2d(1, 2, 3);
  throwsWith(() => conv.forward(zeros([28, 28])), ShapeError, '2-D [28,28]', 'x.unsqueeze(0).unsqueeze(0)');
  throwsWith(() => conv.forward(zeros([2, 1, 1, 5, 5])), ShapeError, '5-D', '[N, C, H, W]');
});

test('pooling and functional conv2d also name the expected layout', () => {
  throwsWith(() => new MaxPool2d(2).forward(zeros([16, 14, 14])), ShapeError, 'maxPool2d', '[N, C, H, W]', 'unsqueeze(0)', 'unsqueeze(1)');
  throwsWith(() => new AvgPool2d(2).forward(zeros([14, 14])), ShapeError, 'avgPool2d', '[N, C, H, W]');
  throwsWith(() => new AdaptiveAvgPool2d(1).forward(zeros([4, 14])), ShapeError, 'adaptiveAvgPool2d', '[N, C, H, W]');
  throwsWith(() => conv2d(zeros([1, 5, 5]), zeros([2, 1, 3, 3])), ShapeError, 'conv2d', '[N, C, H, W]', 'x.unsqueeze(1)');
});

test('a channel count that does not match the layer names both counts', () => {
  const conv = new Conv2d(3, 16, 3);
  throwsWith(() => conv.forward(zeros([2, 1, 8, 8])), ShapeError, 'Conv2d(3, 16)', 'expected 3 input channels', 'got 1', '[2,1,8,8]');
  throwsWith(() => new Conv1d(4, 2, 3).forward(zeros([2, 3, 9])), ShapeError, 'Conv1d(4, 2)', 'expected 4', 'got 3');
  throwsWith(() => conv2d(zeros([2, 4, 6, 6]), zeros([8, 3, 3, 3])), ShapeError, 'conv2d', 'the input has 4 channels', '[8,3,3,3]', 'expects 3');
  throwsWith(() => conv2d(zeros([2, 4, 6, 6]), zeros([8, 1, 3, 3]), null, { groups: 2 }), ShapeError, 'expects 2', 'C_in/groups = 2');
});

test('a kernel larger than the padded input names the sizes', () => {
  throwsWith(() => new Conv2d(1, 1, 5).forward(zeros([1, 1, 3, 3])), ShapeError, 'kernel 5x5', 'padded input 3x3');
  throwsWith(() => new Conv2d(1, 1, 5, { padding: 1 }).forward(zeros([1, 1, 2, 4])), ShapeError, 'kernel 5x5', 'padded input 4x6', 'input 2x4', 'padding [1,1]');
  throwsWith(() => conv2d(zeros([1, 1, 6, 6]), zeros([1, 1, 3, 3]), null, { dilation: 3 }), ShapeError, 'kernel 3x3 (7x7 with dilation [3,3])', 'padded input 6x6');
  throwsWith(() => maxPool2d(zeros([1, 1, 2, 2]), 3), ShapeError, 'maxPool2d', 'kernel 3x3', 'padded input 2x2');
  // the classic: a third 2x2 pooling on a 1x1 map
  throwsWith(() => new MaxPool2d(2).forward(zeros([8, 32, 1, 1])), ShapeError, 'kernel 2x2', 'padded input 1x1');
});

test('groups that do not divide the channels are refused, by the layer and by the function', () => {
  throwsWith(() => new Conv2d(4, 6, 3, { groups: 4 }), NablaError, 'groups 4', 'inChannels (4)', 'outChannels (6)');
  throwsWith(() => new Conv2d(3, 6, 3, { groups: 2 }), NablaError, 'groups 2', 'inChannels (3)');
  throwsWith(() => conv2d(zeros([1, 4, 5, 5]), zeros([6, 1, 3, 3]), null, { groups: 3 }), ShapeError, 'groups 3 must divide', 'input channels (4)', 'output channels (6)');
  throwsWith(() => conv2d(zeros([1, 4, 5, 5]), zeros([4, 4, 3, 3]), null, { groups: 0 }), NablaError, 'groups must be a positive integer');
});

test('bad hyper-parameters are named', () => {
  throwsWith(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { stride: 2, padding: 'same' }), NablaError, "'same' needs stride 1");
  throwsWith(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), null, { stride: 0 }), NablaError, 'stride must be an integer >= 1');
  throwsWith(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 1, 3, 3]), zeros([2])), ShapeError, 'bias must have shape [1]');
  throwsWith(() => conv2d(zeros([1, 1, 5, 5]), zeros([1, 3, 3])), ShapeError, 'weight must be a 4-D tensor');
  throwsWith(() => maxPool2d(zeros([1, 1, 5, 5]), 2, { padding: 2 }), NablaError, 'at most half the kernel size');
});

test('differentiating twice through a convolution says it is not supported (instead of a silent zero)', () => {
  const x = randn([1, 1, 4, 4], { dtype: 'float64', requiresGrad: true });
  const w = randn([1, 1, 3, 3], { dtype: 'float64', requiresGrad: true });
  const y = conv2d(x, w).sum();
  throwsWith(() => y.backward(undefined, { createGraph: true }), NablaError, 'createGraph', 'not supported');
});
