// The floors of issue 16 (bench/floors.ts) and the --floors / stand-in plan (bench/plan.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floors, floorsTable, rssTable } from '../../bench/floors.js';
import { planCells } from '../../bench/plan.js';
import { Results } from '../../bench/report.js';
import type { CellResult, WorkloadId } from '../../bench/lib/types.js';

function cell(workload: WorkloadId, lib: string, backend: string, threads: number | string, median: number, extra: Partial<CellResult> = {}): CellResult {
  const time = workload === 'W5' || workload === 'OPS';
  return {
    workload, lib, backend, threads, case: extra.case ?? '', metric: '', unit: time ? 'us' : 'x/s', higherIsBetter: !time,
    median, min: median, max: median, n: 3, method: 'reps', cpuPar: 1, ...extra,
  };
}

test('floors: W1 per size and thread count against numpy, the training workloads against PyTorch best', () => {
  const rs = [
    cell('W1', 'nabla', 'native', 1, 95, { case: 'n=1024' }), cell('W1', 'numpy', 'openblas', 1, 100, { case: 'n=1024' }),
    cell('W1', 'nabla', 'native', 2, 170, { case: 'n=1024' }), cell('W1', 'numpy', 'openblas', 2, 200, { case: 'n=1024' }),
    cell('W2', 'nabla', 'native', 1, 30000, { rssMB: 300 }), cell('W2', 'nabla', 'native', 2, 45000, { rssMB: 320 }),
    cell('W2', 'torch', 'openblas', 1, 30000, { rssMB: 400 }), cell('W2', 'torch', 'openblas', 2, 10000, { rssMB: 410 }),
    cell('W4', 'nabla', 'native', 1, 100), cell('W4', 'nabla', 'native', 2, 90), cell('W4', 'torch', 'openblas', 1, 80),
    cell('W5', 'nabla', 'native', 1, 10), cell('W5', 'onnxruntime', 'cpu', 1, 40), cell('W5', 'onnxruntime', 'cpu', 'default', 20),
  ];
  const f = floors(new Results(rs), null);
  const get = (name: string) => f.find((x) => x.floor.startsWith(name))!;
  assert.equal(get('W1 GEMM n=1024, 1 thread').pass, true);   // 0.95x
  assert.equal(get('W1 GEMM n=1024, 2 threads').pass, false); // 0.85x
  assert.equal(get('W1 GEMM n=2048, 1 thread').pass, null);   // not measured
  const w2 = get('W2 MLP');
  assert.equal(w2.ratio, 1.5);                                // nabla's best (2T) over PyTorch's best (1T)
  assert.equal(w2.pass, true);
  assert.equal(get('W4 char-LSTM').pass, true);               // 100 / 80 = 1.25x
  assert.equal(get('W4 nabla 2 threads').pass, false);         // 2T lost to 1T
  const ort = get('W5 batch-1 us/call vs ONNX Runtime');
  assert.equal(ort.ratio, 0.5);                               // against ONNX Runtime's faster setting
  assert.match(ort.peer, /onnxruntime cpu default/);
  assert.match(floorsTable(f), /\| W1 GEMM n=1024, 2 threads vs OpenBLAS \|.*\| FAIL \|/);
  assert.match(rssTable(new Results(rs)), /\| W2 \| 320 \(nabla native 2T\) \| 400 \(torch openblas 1T\) \| 0.80x \|/);
});

test('floors: peers refused (reference BLAS) are named instead of compared', () => {
  const f = floors(new Results([cell('W2', 'nabla', 'native', 1, 30000)]), 'the Python peers run on the reference BLAS');
  const w2 = f.find((x) => x.floor.startsWith('W2'))!;
  assert.equal(w2.pass, null);
  assert.match(w2.peer, /not compared: the Python peers run on the reference BLAS/);
});

test('--floors plans only nabla native, the Python peers and ONNX Runtime', () => {
  const av = { native: true, python: true, tfjs: true, tfjsWasm: true, ort: true };
  const all = planCells(['W1', 'W2', 'W5'], false, true, av);
  const fl = planCells(['W1', 'W2', 'W5'], false, true, { ...av, floorsOnly: true });
  assert.ok(all.some((c) => c.spec.lib === 'tfjs') && all.some((c) => c.spec.peak));
  assert.ok(!fl.some((c) => c.spec.lib === 'tfjs' || c.spec.lib === 'purejs' || c.spec.peak));
  assert.ok(!fl.some((c) => c.spec.lib === 'nabla' && c.spec.backend === 'ts'));
  assert.ok(fl.some((c) => c.spec.workload === 'W1' && c.spec.lib === 'nabla' && c.spec.peers)); // numpy inside bench/gemm.ts
  assert.deepEqual(fl.filter((c) => c.spec.lib === 'onnxruntime').map((c) => c.spec.threads), [1, 0]);
  assert.ok(fl.some((c) => c.spec.workload === 'W2' && c.spec.lib === 'torch'));
});
