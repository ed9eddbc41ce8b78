// W1 bench pieces: the pure-JS GEMM peers (kernels, row ranges, the 2-worker cell), the PEAK
// OpenBLAS settings, and the report's PEAK/pure-JS aggregation.
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { KERNELS, naive } from '../../bench/purejs/kernels.js';
import { naiveRows, runPureJs } from '../../bench/purejs/gemm.js';
import { maxErr, randomMatrix } from '../../bench/lib/gemmplan.js';
import { blasVariants } from '../../bench/plan.js';
import { Results, peakAt, peakTable, pureJsTable, w1Summary } from '../../bench/report.js';
import { PEAK_CASE } from '../../bench/lib/peak.js';
import type { CellResult, CellSpec } from '../../bench/lib/types.js';
import { runGemmBench } from '../../bench/gemm.js';

test('pure-JS kernels compute C = A·B (sizes off the 4/128/512 grid, partial row ranges)', () => {
  for (const n of [1, 7, 130, 517]) {
    const a = randomMatrix(n, 3);
    const b = randomMatrix(n, 4);
    for (const [name, k] of Object.entries(KERNELS)) {
      const c = new Float32Array(n * n).fill(NaN);
      const h = n >> 1;
      k(a, b, c, n, 0, h);
      k(a, b, c, n, h, n);
      assert.ok(maxErr(a, b, c, n) < 1e-4 * Math.max(1, Math.sqrt(n)), `${name} n=${n}: err ${maxErr(a, b, c, n)}`);
    }
  }
});

test('maxErr checks the computed leading rows only, and catches a wrong element', () => {
  const n = 300;
  const a = randomMatrix(n, 1);
  const b = randomMatrix(n, 2);
  const c = new Float32Array(n * n).fill(NaN);
  naive(a, b, c, n, 0, 128);
  assert.ok(maxErr(a, b, c, n, 128) < 1e-4);
  assert.ok(!(maxErr(a, b, c, n) < 1)); // rows beyond 127 were not computed
  c[127 * n + 5] += 1;
  assert.ok(maxErr(a, b, c, n, 128) > 0.5);
  assert.equal(naiveRows(2048), 128);
  assert.equal(naiveRows(1024), 1024);
});

test('2-worker pure-JS cell: each worker computes its half of C in shared memory', async () => {
  const spec: CellSpec = { workload: 'W1', lib: 'purejs', backend: 'blocked best', threads: 2, quick: true, budgetS: 1, sizes: [66] };
  const [r] = await runPureJs(spec);
  assert.ok(r);
  assert.equal(r.threads, 2);
  assert.ok(r.maxErr! < 1e-4, `err ${r.maxErr}`);
  assert.ok(r.median > 0 && r.n === 3);
  await assert.rejects(runPureJs({ ...spec, backend: 'naive' }), /2 workers run 'blocked best' only/);
});

test('PEAK measures OpenBLAS unset, with the Haswell override, and with the host values when set', () => {
  assert.deepEqual(blasVariants({}).map((v) => v.backend), ['openblas', 'openblas Haswell']);
  const found = blasVariants({ OPENBLAS_CORETYPE: 'SkylakeX', OPENBLAS_L2_SIZE: '1048576' });
  assert.deepEqual(found[2], { backend: 'openblas as found', env: { OPENBLAS_CORETYPE: 'SkylakeX', OPENBLAS_L2_SIZE: '1048576' } });
  assert.equal(blasVariants({ OPENBLAS_CORETYPE: 'Haswell' }).length, 2);
});

function r(lib: string, backend: string, threads: number, kase: string, median: number, max = median, note?: string): CellResult {
  return { workload: 'W1', lib, backend, threads, case: kase, metric: 'GFLOP/s', unit: 'GFLOP/s', higherIsBetter: true, median, min: median / 2, max, n: 5, method: 'reps', cpuPar: threads, ...(note ? { note } : {}) };
}

test('report: PEAK compares nabla with the best OpenBLAS median and best call; pure-JS table per n', () => {
  const res = new Results([
    r('nabla', 'native', 1, PEAK_CASE, 170, 180),
    r('numpy', 'openblas', 1, PEAK_CASE, 175, 190),
    r('numpy', 'openblas Haswell', 1, PEAK_CASE, 110, 115),
    r('torch', 'openblas', 1, PEAK_CASE, 180, 185),
    r('purejs', 'blocked best', 1, 'n=1024', 2.4),
    r('purejs', 'blocked best', 2, 'n=1024', 4.6),
    r('purejs', 'naive', 1, 'n=2048', 0.2, 0.2, 'rows 0..127 only'),
    r('nabla', 'ts', 1, 'n=1024', 1.2),
  ]);
  const p = peakAt(res, 1);
  assert.equal(p.bestMedian?.lib, 'torch');
  assert.equal(p.bestCall?.backend, 'openblas');
  assert.equal(p.blas.length, 3);
  const s = w1Summary(res) as { peak: { nablaMedianVsOpenblasMedian: number; nablaMedianVsOpenblasBestCall: number }[]; pureJs: { n: number; speedup2Workers: number; naiveRows?: number }[] };
  assert.equal(s.peak.length, 1);
  assert.ok(Math.abs(s.peak[0]!.nablaMedianVsOpenblasMedian - 170 / 180) < 1e-12);
  assert.ok(Math.abs(s.peak[0]!.nablaMedianVsOpenblasBestCall - 170 / 190) < 1e-12);
  const j1024 = s.pureJs.find((x) => x.n === 1024)!;
  assert.ok(Math.abs(j1024.speedup2Workers - 4.6 / 2.4) < 1e-12);
  assert.equal(s.pureJs.find((x) => x.n === 2048)!.naiveRows, 128);
  const t = pureJsTable(res);
  assert.match(t, /\| n=1024 \| – \| – \| 2\.40 \[1\.20–2\.40\] \| 4\.60 \[2\.30–4\.60\] \| 1\.92x \| 1\.20 \[0\.60–1\.20\] \| 0\.50x \|/);
  assert.match(t, /\| n=2048 \| 0\.20 \[0\.10–0\.20\]\* \|/);
  const busy = new Results([{ ...r('nabla', 'native', 2, PEAK_CASE, 150, 300), cpuPar: 1.1 }, r('numpy', 'openblas', 2, PEAK_CASE, 300, 330)]);
  const pk = peakTable(busy);
  assert.match(pk, /\| nabla native \| 2 \| 150 \| 75\.0–300 \| 300 \| 5 \| 1\.10 \(busy\) \|/);
  assert.match(pk, /\| numpy, env unset \| 2 \| 300 \| 150–330 \| 330 \| 5 \| 2\.00 \| 0\.50x \| 0\.45x \|/);
});

test('runGemmBench: nabla and numpy in alternating rounds, the timed calls of every round counted', { skip: spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0 ? false : 'no numpy' }, () => {
  const rows = runGemmBench({ sizes: [64], rounds: 2, ts: false, print: false, write: false, capS: 25 });
  // plan(64): 21 timed calls a round; 2 rounds for each of nabla (when the addon loads) and numpy, on 1 and 2 threads
  const np = rows.filter((r) => r.impl === 'numpy');
  assert.deepEqual(np.map((r) => [r.threads, r.reps]), [[1, 42], [2, 42]]);
  for (const r of rows.filter((q) => q.impl === 'nabla-native')) assert.equal(r.reps, 42);
  for (const r of rows) assert.ok(r.median > 0 && r.min <= r.median && r.median <= r.max, JSON.stringify(r));
});
