import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { assertClose, fixtureCase, fixtureTensor, loadFixture } from '../helpers/fixtures.js';

test('assertClose reports the worst element with its index', () => {
  const a = nb.tensor([[1, 2], [3, 4]], { dtype: 'float64' });
  assert.throws(() => assertClose(a, [[1, 2], [3.5, 4.001]], { atol: 1e-5, msg: 'case' }), /case: element \[1,0\] is 3, expected 3.5.*2 of 4 elements differ/);
  assert.throws(() => assertClose(a, { shape: [4], dtype: 'float64', data: [1, 2, 3, 4] }), /shape \[2,2\] differs from expected \[4\]/);
  assert.throws(() => assertClose(a, [1, 2, 3, NaN]), /\[1,1\] is 4, expected NaN/);
  assertClose(a, [1, 2, 3, 4 + 1e-7]);
});

test('fixtures load as tensors of the stored dtype', () => {
  assert.ok(loadFixture('linear').length > 0);
  const c = fixtureCase('losses', 'ce_mean');
  const t = fixtureTensor(c.inputs.target!);
  assert.equal(t.dtype, 'int32');
  assert.equal(fixtureTensor(c.inputs.input!, 'float32').dtype, 'float32');
  assert.deepEqual(fixtureTensor(c.inputs.input!).shape, [4, 5]);
});
