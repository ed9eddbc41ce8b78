/**
 * The decoder ops against float64 central differences (input, weight and bias gradients over a
 * table of geometries), and their error messages for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { onBackend } from '../helpers/backend.js';

const F = nb.nn.functional;
type CTOpts = nb.nn.functional.ConvTranspose2dOptions;

const ctCases: { name: string; x: number[]; w: number[]; bias?: boolean; opts: CTOpts; out: number[] }[] = [
  { name: 'basic 3x3', x: [2, 3, 3, 4], w: [3, 2, 3, 3], opts: {}, out: [2, 2, 5, 6] },
  { name: 'k2 s2 (U-Net up)', x: [1, 2, 3, 2], w: [2, 3, 2, 2], opts: { stride: 2 }, out: [1, 3, 6, 4] },
  { name: 'k3 s2 p1 op1', x: [1, 2, 3, 3], w: [2, 2, 3, 3], opts: { stride: 2, padding: 1, outputPadding: 1 }, out: [1, 2, 6, 6] },
  { name: 'stride [2,3], padding [0,1], op [1,2]', x: [1, 2, 2, 3], w: [2, 2, 2, 3], opts: { stride: [2, 3], padding: [0, 1], outputPadding: [1, 2] }, out: [1, 2, 5, 9] },
  { name: 'dilation 2, op 1 at stride 1', x: [1, 2, 3, 3], w: [2, 1, 2, 2], opts: { dilation: 2, outputPadding: 1 }, out: [1, 1, 6, 6] },
  { name: 'groups 2', x: [2, 4, 3, 3], w: [4, 1, 3, 3], opts: { groups: 2, stride: 2 }, out: [2, 2, 7, 7] },
  { name: 'no bias', x: [1, 2, 2, 3], w: [2, 2, 3, 2], bias: false, opts: { padding: [1, 0] }, out: [1, 2, 2, 4] },
];

for (const backend of nb.availableBackends()) {
  for (const c of ctCases) {
    test(`convTranspose2d gradcheck: ${c.name} (${backend})`, () => onBackend(backend, () => {
      nb.manualSeed(7);
      const x = nb.randn(c.x, { dtype: 'float64', requiresGrad: true });
      const w = nb.randn(c.w, { dtype: 'float64', requiresGrad: true });
      const cOut = c.w[1]! * (c.opts.groups ?? 1);
      const b = c.bias === false ? null : nb.randn([cOut], { dtype: 'float64', requiresGrad: true });
      assert.deepEqual(F.convTranspose2d(x, w, b, c.opts).shape, c.out);
      const inputs = b ? [x, w, b] : [x, w];
      nb.gradcheck((...t: Tensor[]) => F.convTranspose2d(t[0]!, t[1]!, t[2] ?? null, c.opts), inputs);
    }));
  }
}

const upCases: { name: string; x: number[]; opts: nb.nn.functional.InterpolateOptions; out: number[] }[] = [
  { name: 'nearest x2', x: [1, 2, 3, 2], opts: { scaleFactor: 2 }, out: [1, 2, 6, 4] },
  { name: 'nearest to 5x7', x: [1, 1, 3, 4], opts: { size: [5, 7] }, out: [1, 1, 5, 7] },
  { name: 'bilinear x2', x: [1, 2, 3, 3], opts: { scaleFactor: 2, mode: 'bilinear' }, out: [1, 2, 6, 6] },
  { name: 'bilinear alignCorners to 5x4', x: [2, 1, 3, 3], opts: { size: [5, 4], mode: 'bilinear', alignCorners: true }, out: [2, 1, 5, 4] },
  { name: 'bilinear down to 2x3', x: [1, 1, 5, 6], opts: { size: [2, 3], mode: 'bilinear' }, out: [1, 1, 2, 3] },
  { name: 'linear 1-D x1.5', x: [2, 2, 4], opts: { scaleFactor: 1.5, mode: 'linear' }, out: [2, 2, 6] },
];

for (const c of upCases) {
  test(`interpolate gradcheck: ${c.name}`, () => {
    nb.manualSeed(3);
    const x = nb.randn(c.x, { dtype: 'float64', requiresGrad: true });
    assert.deepEqual(F.interpolate(x, c.opts).shape, c.out);
    nb.gradcheck((t: Tensor) => F.interpolate(t, c.opts), [x]);
  });
}

test('interpolate on a non-contiguous view reads the view', () => {
  const x = nb.randn([1, 1, 3, 4], { dtype: 'float64' });
  const a = F.interpolate(x.transpose(2, 3), { scaleFactor: 2, mode: 'bilinear' });
  const b = F.interpolate(x.transpose(2, 3).contiguous(), { scaleFactor: 2, mode: 'bilinear' });
  assert.deepEqual(Array.from(a.data()), Array.from(b.data()));
});

test('decoder errors name the op and what is wrong', () => {
  const x = nb.randn([1, 2, 4, 4]);
  assert.throws(() => F.convTranspose2d(x, nb.randn([3, 2, 3, 3])), /convTranspose2d: the input has 2 channels .* expects 3/);
  assert.throws(() => F.convTranspose2d(x, nb.randn([2, 2, 3])), /convTranspose2d: the weight must be a 4-D tensor \[C_in, C_out\/groups, kh, kw\]/);
  assert.throws(() => F.convTranspose2d(x, nb.randn([2, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }), /outputPadding \[2,2\] must be smaller than either the stride/);
  assert.throws(() => F.convTranspose2d(x, nb.randn([2, 2, 3, 3]), nb.randn([3])), /the bias must have shape \[2\]/);
  assert.throws(() => F.convTranspose2d(x, nb.randn([2, 2, 1, 1]), null, { padding: 2 }), /the output would be 0x0/);
  assert.throws(() => new nb.nn.ConvTranspose2d(2, 2, 3, { stride: 2 }).forward(x, [12, 9]), /requested output size \[12,9\] is not possible .* axis 2 can be 9..10/);
  assert.throws(() => new nb.nn.ConvTranspose2d(3, 2, 3).forward(x), /ConvTranspose2d\(3, 2\): expected 3 input channels/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, size: 8 }), /give exactly one of size and scaleFactor \(got both\)/);
  assert.throws(() => F.interpolate(x, {}), /got neither/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: 'linear' }), /mode 'linear' needs a 3-D input/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, mode: 'bicubic' as never }), /mode must be 'nearest', 'linear' .* or 'bilinear'/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 2, alignCorners: true }), /alignCorners only applies to the linear modes/);
  assert.throws(() => F.interpolate(x, { size: [4, 0] }), /size must be a positive integer or a list of 2/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 0.1 }), /makes axis 2 of x \[1,2,4,4\] empty/);
  assert.throws(() => F.interpolate(nb.randn([2, 4]), { scaleFactor: 2 }), /expected a 3-D \[N, C, L\] or 4-D \[N, C, H, W\] input, got 2-D/);
  assert.throws(() => F.interpolate(nb.tensor([[[1, 2]]], { dtype: 'int32' }), { scaleFactor: 2 }), /expected a floating-point input, got int32/);
  assert.throws(() => new nb.nn.Upsample({}), /Upsample: give exactly one of size and scaleFactor/);
});
