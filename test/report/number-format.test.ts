import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberFormat } from '../../src/report/number-format.js';
import { linearScale, logScale } from '../../src/report/scale.js';

test('numberFormat follows d3-format for the specifiers the charts use', () => {
  const cases: [string, number, string][] = [
    ['.1%', 0.9534, '95.3%'],
    ['.0%', 1, '100%'],
    ['.2f', -2, '−2.00'],
    ['.2f', -0.001, '0.00'],
    ['.0e', 0.00123, '1e-3'],
    ['.0e', 1000, '1e+3'],
    ['.3~s', 1234, '1.23k'],
    ['.3~s', 999.99, '1k'],
    ['.3~s', 0.5, '500m'],
    ['.3~s', 12, '12'],
    ['d', 41.6, '42'],
    [',d', 1234567, '1,234,567'],
    ['', 0.30000000000000004, '0.3'],
    ['', 1e21, '1e+21'],
    ['.2~f', 1.5, '1.5'],
    ['.3g', 0.0001234, '0.000123'],
  ];
  for (const [spec, v, want] of cases) assert.equal(numberFormat(spec)(v), want, `${spec} of ${v}`);
  assert.equal(numberFormat('.1f')(NaN), 'NaN');
  assert.equal(numberFormat('.1f')(-Infinity), '−∞');
  assert.throws(() => numberFormat('$,.2f'), /unsupported format '\$,\.2f'/);
});

test('linear scales take 1-2-5 steps and nice domains; log scales powers of ten', () => {
  const s = linearScale(0.13, 0.97, 100, 0, 5);
  assert.deepEqual(s.domain, [0, 1]);
  assert.deepEqual(s.ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.equal(s.map(0), 100);
  assert.equal(s.map(1), 0);
  assert.deepEqual(s.ticks.map(s.defaultFormat), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  const ints = linearScale(1, 3, 0, 300, 8, { integer: true, nice: false });
  assert.deepEqual(ints.ticks, [1, 2, 3]);
  const flat = linearScale(5, 5, 0, 10, 4);
  assert.ok(flat.domain[0] < 5 && flat.domain[1] > 5, 'a single value gets an interval around it');
  const l = logScale(3e-13, 0.4, 100, 0, 6);
  assert.deepEqual(l.domain, [1e-13, 1]);
  assert.ok(l.ticks.every((t) => Math.abs(Math.log10(t) - Math.round(Math.log10(t))) < 1e-9));
  assert.equal(Math.round(l.map(1e-13)), 100);
  assert.equal(Math.round(l.map(1)), 0);
  assert.deepEqual(logScale(2, 40, 0, 1, 5).ticks, [1, 2, 5, 10, 20, 50, 100]);
});
