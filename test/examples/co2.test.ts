/** The CO2 example's data pieces: parsing with gap filling, the real vega-datasets file, baselines, RMSE. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baselines, loadCo2, parseCo2, rmse } from '../../examples/co2/data.js';

test('parseCo2 fills missing months by linear interpolation', () => {
  const s = parseCo2('Date,CO2,adjusted CO2\n1958-03-01,315.70,314.44\n1958-04-01,317.46,315.16\n1958-07-01,320.46,315.19\n');
  assert.equal(s.ppm.length, 5);
  assert.equal(s.filled, 2);
  assert.deepEqual(s.ppm.map((v) => +v.toFixed(2)), [315.7, 317.46, 318.46, 319.46, 320.46]);
  assert.ok(Math.abs(s.years[0]! - (1958 + 2 / 12)) < 1e-9);
});

test('the vega-datasets series: March 1958 to April 2020, baselines and RMSE', () => {
  const s = loadCo2();
  // 741 rows in the file, 5 months missing (1958-06, 1958-10, 1964-02..04)
  assert.equal(s.ppm.length, 746);
  assert.equal(s.filled, 5);
  assert.equal(s.ppm[0], 315.7);
  assert.equal(s.ppm[745], 416.18);
  const targets = Array.from({ length: 150 }, (_, i) => 596 + i);
  const actual = targets.map((t) => s.ppm[t]!);
  const b = baselines(s.ppm, targets);
  // measured: naive 1.368 ppm, seasonal naive 2.411 ppm on the 150 held-out months
  assert.ok(Math.abs(rmse(b.naive, actual) - 1.368) < 1e-3);
  assert.ok(Math.abs(rmse(b.seasonal, actual) - 2.411) < 1e-3);
  assert.equal(rmse([1, 2], [1, 4]), Math.sqrt(2));
});
