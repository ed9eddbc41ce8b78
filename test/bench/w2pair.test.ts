// W2's two-threads-vs-one cell on the wasm backend (bench/nabla/w2wasm-pair.ts): one process, the
// thread count alternating window by window over the same epoch, one row per thread count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { FASHION_MNIST_DIR } from '../../src/data/index.js';
import { prepareNabla } from '../../bench/nabla/setup.js';
import { runW2WasmPair } from '../../bench/nabla/w2wasm-pair.js';
import type { CellSpec } from '../../bench/lib/types.js';

test('W2 paired cell: both thread counts measured in alternating windows, threads left at 2', async (t) => {
  if (!existsSync(join(FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'))) return t.skip(`${FASHION_MNIST_DIR} not found (apt-get install dataset-fashion-mnist)`);
  const spec: CellSpec = { workload: 'W2', lib: 'nabla', backend: 'wasm', threads: 2, quick: true, budgetS: 1, pair: true };
  try {
    await prepareNabla(spec);
  } catch (e) {
    return t.skip(`no threaded wasm backend here: ${e instanceof Error ? e.message : String(e)}`);
  }
  const before = nb.getBackend();
  try {
    const rows = await runW2WasmPair(spec);
    assert.deepEqual(rows.map((r) => [r.threads, r.case, r.unit]), [[1, 'epoch paired', 'samples/s'], [2, 'epoch paired', 'samples/s']]);
    for (const r of rows) {
      assert.ok(r.n >= 2, `${r.threads} thread(s): ${r.n} windows`);
      assert.ok(Number.isFinite(r.median) && r.median > 0 && r.min <= r.median && r.median <= r.max);
      assert.match(r.note ?? '', /windows of 10 batches alternating with/);
    }
    // the windows alternate, so neither thread count has more than one window more than the other
    assert.ok(Math.abs(rows[0]!.n - rows[1]!.n) <= 1);
    assert.equal(nb.wasmInfo()?.threads, 2);
  } finally {
    nb.setBackend(before);
  }
});
