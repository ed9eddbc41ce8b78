// The WebAssembly floors of issue 13 (bench/floors.ts wasmFloors), their tables (bench/wasmreport.ts),
// the command line (bench/args.ts) and the plans (bench/plan.ts: --floors wasm, the browser run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { floorsTable, wasmFloors } from '../../bench/floors.js';
import { planBrowser, planCells, wasmCells } from '../../bench/plan.js';
import { Results } from '../../bench/report.js';
import { browserTable, wasmTable } from '../../bench/wasmreport.js';
import { parseArgs } from '../../bench/args.js';
import { SKIPPED, type CellResult, type WorkloadId } from '../../bench/lib/types.js';

function cell(workload: WorkloadId, lib: string, backend: string, threads: number, median: number, extra: Partial<CellResult> = {}): CellResult {
  const time = workload === 'W5';
  return {
    workload, lib, backend, threads, case: extra.case ?? '', metric: '', unit: time ? 'us' : 'x/s', higherIsBetter: !time,
    median, min: median, max: median, n: 3, method: 'reps', cpuPar: 1, ...extra,
  };
}

const av = { native: true, python: true, tfjs: true, tfjsWasm: true, jaxjs: true, convnetjs: true };

test('wasm floors: each ratio against its peer and goal, one thread unless stated', () => {
  const rs = [
    cell('W1', 'nabla', 'wasm', 1, 30, { case: 'n=1024' }), cell('W1', 'nabla', 'wasm', 2, 54, { case: 'n=1024' }),
    cell('W1', 'tfjs', 'wasm', 1, 25, { case: 'n=1024' }),
    cell('W2', 'nabla', 'wasm', 1, 9000), cell('W2', 'nabla', 'wasm', 2, 11000),
    cell('W2', 'tfjs', 'wasm', 1, 2000), cell('W2', 'jaxjs', 'wasm', 1, 6000),
    cell('W3', 'nabla', 'wasm', 1, 900), cell('W3', 'convnetjs', 'js', 1, 100),
    cell('W3', 'tfjs', 'wasm', 1, NaN, { error: "cannot train a CNN: Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'" }),
    cell('W4', 'nabla', 'wasm', 1, 6000), cell('W4', 'tfjs', 'wasm', 1, 2000),
    cell('W5', 'nabla', 'wasm', 1, 50, { case: 'forward' }), cell('W5', 'tfjs', 'wasm', 1, 80, { case: 'raw ops' }), cell('W5', 'tfjs', 'wasm', 1, 300, { case: 'predict' }),
    cell('W5', 'jaxjs', 'wasm', 1, 200, { case: 'jit' }), cell('W5', 'jaxjs', 'wasm', 1, 1500, { case: 'raw ops' }),
    // the same page code in Node and in Chromium
    cell('W1', 'nabla', 'wasm', 1, 30, { case: 'n=1024', engine: 'node-page' }), cell('W1', 'nabla', 'wasm', 1, 27, { case: 'n=1024', engine: 'chromium' }),
    cell('W2', 'nabla', 'wasm', 1, 9000, { engine: 'node-page' }), cell('W2', 'nabla', 'wasm', 1, 6000, { engine: 'chromium' }),
    cell('W5', 'nabla', 'wasm', 1, 50, { case: 'forward', engine: 'node-page' }),
  ];
  const f = wasmFloors(new Results(rs));
  const get = (name: string) => {
    const x = f.find((y) => y.floor.startsWith(name));
    assert.ok(x, `no floor ${name}`);
    return x;
  };
  assert.equal(get('W1 GEMM n=1024 vs TF.js wasm').ratio, 1.2);
  assert.equal(get('W1 GEMM n=1024 vs TF.js wasm').pass, true);
  assert.equal(get('W2 MLP vs TF.js wasm').ratio, 4.5);
  assert.equal(get('W2 MLP vs TF.js wasm').pass, true);
  assert.equal(get('W2 MLP vs jax-js').ratio, 1.5);
  assert.equal(get('W4 char-LSTM vs TF.js wasm').pass, true);
  assert.equal(get('W3 CNN vs ConvNetJS').ratio, 9);
  assert.equal(get('W3 CNN vs ConvNetJS').pass, false);
  assert.match(get('W3: TF.js wasm cannot train').peer, /Conv2DBackpropFilter/);
  // W5: time ratios, TF.js by its raw ops (not predict), jax-js by its jit
  assert.equal(get('W5 batch-1 us/call vs TF.js wasm raw ops').ratio, 50 / 80);
  assert.equal(get('W5 batch-1 us/call vs TF.js wasm raw ops').pass, true);
  assert.equal(get('W5 batch-1 us/call vs jax-js jit').ratio, 0.25);
  assert.equal(get('W5 batch-1 us/call vs jax-js jit').pass, true);
  assert.equal(get('W1 GEMM n=1024: nabla wasm 2 threads vs 1').ratio, 1.8);
  assert.equal(get('W1 GEMM n=1024: nabla wasm 2 threads vs 1').pass, true);
  assert.ok(Math.abs(get('W2 MLP: nabla wasm 2 threads vs 1').ratio - 11 / 9) < 1e-12);
  assert.equal(get('W2 MLP: nabla wasm 2 threads vs 1').pass, false);
  // Chromium vs Node: time in the page over time in Node, from the same code
  assert.ok(Math.abs(get('W1 GEMM n=1024: Chromium').ratio - 30 / 27) < 1e-12);
  assert.equal(get('W1 GEMM n=1024: Chromium').pass, true);
  assert.equal(get('W2 MLP: Chromium').ratio, 1.5);
  assert.equal(get('W2 MLP: Chromium').pass, false);
  assert.equal(get('W5 batch-1: Chromium').pass, null); // no Chromium figure: not measured, neither pass nor fail
  const t = floorsTable(f, 'issue 13');
  assert.match(t, /\| floor \(issue 13\) \|/);
  assert.match(t, /\| W3 CNN vs ConvNetJS \|.*\| >= 10x \| FAIL \|/);
  assert.match(t, /\| W5 batch-1: Chromium time vs Node \(same code\) \|.*\| n\/a \|/);
});

test('wasm floors: the Node-page and Chromium figures never stand in for the Node cells', () => {
  const rs = [cell('W2', 'nabla', 'wasm', 1, 9000, { engine: 'chromium' }), cell('W2', 'tfjs', 'wasm', 1, 2000)];
  const f = wasmFloors(new Results(rs));
  assert.equal(f.find((x) => x.floor === 'W2 MLP vs TF.js wasm')!.pass, null);
});

test('wasm floors: two threads vs one on W1 comes from the paired rounds when they ran', () => {
  const rs = [
    cell('W1', 'nabla', 'wasm', 1, 36, { case: 'n=1024' }), cell('W1', 'nabla', 'wasm', 2, 50, { case: 'n=1024' }),
    cell('W1', 'nabla', 'wasm', 1, 34, { case: 'n=1024 paired' }), cell('W1', 'nabla', 'wasm', 2, 68, { case: 'n=1024 paired' }),
  ];
  const f = wasmFloors(new Results(rs)).find((x) => x.floor.startsWith('W1 GEMM n=1024: nabla wasm 2 threads vs 1'))!;
  assert.equal(f.floor, 'W1 GEMM n=1024: nabla wasm 2 threads vs 1 (paired rounds)');
  assert.equal(f.ratio, 2);
  assert.equal(f.pass, true);
  // the plan runs the paired cell beside the separate ones, in --floors wasm too
  const plan = planCells(['W1'], false, true, { ...av, wasmFloors: true });
  assert.ok(plan.some((c) => c.spec.lib === 'nabla' && c.spec.backend === 'wasm' && c.spec.pair === true && c.spec.threads === 2));
  assert.ok(plan.some((c) => c.spec.lib === 'nabla' && c.spec.backend === 'wasm' && c.spec.pair !== true && c.spec.threads === 2));
});

test('wasm floors: two threads vs one on W2 comes from the paired windows when they ran; paired rows answer only by their case', () => {
  const rs = [
    cell('W2', 'nabla', 'wasm', 1, 20000, { case: 'epoch paired' }), cell('W2', 'nabla', 'wasm', 2, 27000, { case: 'epoch paired' }),
    cell('W2', 'nabla', 'wasm', 1, 21000, { case: 'epoch' }), cell('W2', 'nabla', 'wasm', 2, 22000, { case: 'epoch' }),
    cell('W2', 'tfjs', 'wasm', 1, 3000),
  ];
  const res = new Results(rs);
  const f = wasmFloors(res);
  const t = f.find((x) => x.floor.startsWith('W2 MLP: nabla wasm 2 threads vs 1'))!;
  assert.equal(t.floor, 'W2 MLP: nabla wasm 2 threads vs 1 (paired windows)');
  assert.equal(t.ratio, 1.35);
  assert.equal(t.pass, true);
  // the one-thread figure against TF.js is the separate cell's (the plain module), not the paired row's
  assert.equal(f.find((x) => x.floor === 'W2 MLP vs TF.js wasm')!.ratio, 7);
  assert.equal(res.find('W2', 'nabla', 'wasm', 1)!.case, 'epoch');
  assert.equal(res.best('W2', 'nabla', 'wasm')!.median, 22000);
  assert.equal(res.find('W2', 'nabla', 'wasm', 2, 'epoch paired')!.median, 27000);
  // without the paired cell, the separate cells
  const alone = wasmFloors(new Results(rs.slice(2))).find((x) => x.floor.startsWith('W2 MLP: nabla wasm 2 threads vs 1'))!;
  assert.equal(alone.floor, 'W2 MLP: nabla wasm 2 threads vs 1');
  assert.equal(alone.pass, false);
  // the plan runs it in --floors wasm and in the full run's wasm cells
  assert.ok(planCells(['W2'], false, true, { ...av, wasmFloors: true }).some((c) => c.spec.workload === 'W2' && c.spec.pair === true && c.spec.backend === 'wasm'));
  assert.ok(wasmCells('W2', false, true, av).some((c) => c.spec.pair === true));
});

test('wasm tables: skipped cells say so and list their reasons; cannot-train is named', () => {
  const skip = `${SKIPPED}nabla backend 'wasm' is not registered; available: ts, native`;
  const rs = [
    cell('W2', 'nabla', 'wasm', 1, NaN, { error: skip }), cell('W2', 'tfjs', 'wasm', 1, 2000), cell('W2', 'jaxjs', 'wasm', 1, 6000),
    cell('W3', 'tfjs', 'wasm', 1, NaN, { error: 'cannot train a CNN: no conv2d gradient kernels' }), cell('W3', 'convnetjs', 'js', 1, 80),
    cell('W2', 'nabla', 'wasm', 1, 7000, { engine: 'chromium' }), cell('W2', 'nabla', 'wasm', 1, 8000, { engine: 'node-page' }),
    cell('W2', 'tfjs', 'wasm', 2, 2500, { engine: 'chromium' }),
  ];
  const w = wasmTable(new Results(rs));
  assert.match(w, /\| W2 MLP epoch \| x\/s \| skipped \|/);
  assert.match(w, /\| W3 CNN epoch \|.*\| cannot train \|.*\| 80.0 \|/);
  assert.match(w, /- nabla wasm 1T: nabla backend 'wasm' is not registered/);
  const b = browserTable(new Results(rs));
  assert.match(b, /\| W2 MLP epoch \| x\/s \| 8,000 \| 7,000 \| – \| – \| 2,500 \| – \| – \| 1.14x \|/);
});

test('command line: --floors wasm adds the browser part; browser alone is W1, W2, W5; --floors alone is native', () => {
  const w = parseArgs(['--floors', 'wasm']);
  assert.equal(w.floors, 'wasm');
  assert.equal(w.browser, true);
  assert.deepEqual(w.workloads, ['W1', 'W2', 'W3', 'W4', 'W5']);
  assert.deepEqual(parseArgs(['--floors=wasm', 'w2']).workloads, ['W2']);
  const b = parseArgs(['browser', '--quick']);
  assert.equal(b.browser, true);
  assert.equal(b.floors, false);
  assert.deepEqual(b.workloads, ['W1', 'W2', 'W5']);
  const n = parseArgs(['--floors', 'w4']);
  assert.equal(n.floors, 'native');
  assert.deepEqual(n.workloads, ['W4']);
});

test('--floors wasm plans nabla wasm beside TF.js wasm, jax-js and ConvNetJS, and no native or Python cell', () => {
  const cells = planCells(['W1', 'W2', 'W3', 'W4', 'W5'], false, true, { ...av, wasmFloors: true });
  const names = cells.map((c) => `${c.spec.workload} ${c.spec.lib} ${c.spec.backend} ${c.spec.threads}`);
  for (const n of ['W1 nabla wasm 1', 'W1 nabla wasm 2', 'W1 tfjs wasm 1', 'W1 jaxjs wasm 1', 'W2 nabla wasm 1', 'W2 nabla wasm 2', 'W2 tfjs wasm 1', 'W2 jaxjs wasm 1',
    'W3 nabla wasm 1', 'W3 convnetjs js 1', 'W3 tfjs wasm 1', 'W4 nabla wasm 1', 'W4 tfjs wasm 1', 'W5 nabla wasm 1', 'W5 tfjs wasm 1', 'W5 jaxjs wasm 1']) {
    assert.ok(names.includes(n), `missing ${n}`);
  }
  assert.equal(cells.filter((c) => c.runner === 'python' || c.spec.backend === 'native' || c.spec.backend === 'cpu').length, 0);
  // W1 measures the floor's n = 1024
  for (const c of cells.filter((x) => x.spec.workload === 'W1')) assert.ok(c.spec.sizes?.includes(1024), `${c.spec.lib} W1 sizes ${c.spec.sizes}`);
  // no peers: nabla only
  assert.ok(planCells(['W2'], false, false, { ...av, wasmFloors: true }).every((c) => c.spec.lib === 'nabla'));
});

test('the full run carries the wasm columns; W1 PEAK stays last', () => {
  const cells = planCells(['W1', 'W3'], true, true, av);
  const names = cells.map((c) => `${c.spec.workload} ${c.spec.lib} ${c.spec.backend} ${c.spec.threads}${c.spec.peak ? ' peak' : ''}`);
  assert.ok(names.includes('W1 nabla wasm 1') && names.includes('W1 jaxjs wasm 1') && names.includes('W3 convnetjs js 1'));
  const firstPeak = names.findIndex((n) => n.endsWith('peak'));
  assert.ok(firstPeak > names.indexOf('W1 jaxjs wasm 1'), names.join(', '));
  assert.deepEqual(wasmCells('W6', false, true, av), []);
});

test('the browser plan: every library on 1 and 2 threads in Chromium, nabla wasm also in Node with the page code', () => {
  const p = planBrowser(['W1', 'W2', 'W3', 'W5'], false, true, false);
  assert.deepEqual(p.node.map((c) => `${c.spec.workload} ${c.spec.lib} ${c.spec.backend} ${c.spec.web}`), ['W1 nabla wasm true', 'W2 nabla wasm true', 'W5 nabla wasm true']);
  const names = p.browser.map((c) => `${c.spec.workload} ${c.page} ${c.spec.threads}`);
  for (const w of ['W1', 'W2']) for (const lib of ['nabla', 'tfjs', 'jaxjs']) for (const t of [1, 2]) assert.ok(names.includes(`${w} ${lib} ${t}`), `missing ${w} ${lib} ${t}`);
  assert.ok(!names.some((n) => n.startsWith('W3')), 'W3 is not a browser workload');
  const f = planBrowser(['W1', 'W2', 'W5'], false, true, true);
  assert.deepEqual(f.browser.map((c) => `${c.spec.workload} ${c.page} ${c.spec.threads}`), ['W1 nabla 1', 'W2 nabla 1', 'W5 nabla 1']);
});
