/**
 * The WebAssembly backend's runtime in Node: the default order (native, then wasm with one line
 * saying so, then ts), a module that imports nothing, views taken again after the memory grows,
 * arrays passed twice (in place) and two views of one buffer (the reference kernel then), and
 * `nb.initWasm()` selecting the backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { backendByName } from '../../src/backend/registry.js';
import { referenceBackend as ref } from '../../src/backend/reference/index.js';
import { wasmRuntime } from '../../src/backend/wasm/runtime.js';
import { WA } from '../../src/backend/wasm/api.js';
import { EXTENTS } from '../../src/backend/kernels/extents.gen.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const hasWasm = nb.availableBackends().includes('wasm');
const skip = hasWasm ? false : 'the wasm module is not loaded';

test('the shipped module imports nothing and exports every kernel of the table', { skip }, () => {
  const M = WA!.Module as unknown as { new (b: Uint8Array): object; imports(m: object): unknown[]; exports(m: object): { name: string }[] };
  const m = new M(readFileSync(`${root}wasm/nabla.wasm`));
  assert.deepEqual(M.imports(m), []);
  const names = M.exports(m).map((e) => e.name);
  // every compiled kernel of the table (native/gen/wasm_exports.cc), and the runtime's own
  for (const k of ['memory', 'nb_arena', 'nb_info', 'nb_scratch', ...Object.keys(EXTENTS).map((n) => `nb_${n}`)]) assert.ok(names.includes(k), k);
});

test('without the addon, Node falls back to wasm with one line on stderr; NABLA_BACKEND=ts still chooses ts', { skip }, () => {
  const code = "import * as nb from './src/index.ts'; console.log(nb.getBackend(), nb.availableBackends().join(','));";
  const run = (env: Record<string, string>) => {
    const { NABLA_BACKEND: _b, NABLA_NO_NATIVE_WARNING: _w, ...rest } = process.env;
    return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: { ...rest, ...env } });
  };
  const r = run({ NABLA_NATIVE: '0' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'wasm ts,wasm');
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('nabla:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /native addon is not available \(disabled by NABLA_NATIVE=0\); falling back to the WebAssembly kernels \('wasm'\)/);
  const ts = run({ NABLA_NATIVE: '0', NABLA_BACKEND: 'ts' });
  assert.equal(ts.stdout.trim(), 'ts ts,wasm');
  const neither = run({ NABLA_NATIVE: '0', NABLA_WASM: '0' });
  assert.equal(neither.stdout.trim(), 'ts ts');
  assert.match(neither.stderr, /running on the TypeScript backend.*neither is the WebAssembly module \(disabled by NABLA_WASM=0\)/);
});

test('views are taken again after memory.grow: a big product, then small ones, agree with the reference', { skip }, () => {
  const w = backendByName('wasm');
  const rt = wasmRuntime()!;
  const before = rt.x.memory.buffer.byteLength;
  const n = 1536;
  const a = new Float32Array(n * n).fill(0.5), b = new Float32Array(n * n).fill(2), c = new Float32Array(n * n);
  const g = { batch: 1, m: n, n, k: n, a, aOffset: 0, lda: n, transA: false, strideA: 0, b, bOffset: 0, ldb: n, transB: false, strideB: 0, c, cOffset: 0, ldc: n, strideC: 0, beta: 0 as const };
  w.gemm(g);
  assert.ok(rt.x.memory.buffer.byteLength > before, 'the memory grew');
  assert.equal(c[0], n);
  assert.equal(c[n * n - 1], n);
  const x = new Float32Array([1, -2, 3, -4]), out = new Float32Array(4), want = new Float32Array(4);
  w.unary('relu', { data: x, offset: 0, strides: [1] }, [4], out);
  ref.unary('relu', { data: x, offset: 0, strides: [1] }, [4], want);
  assert.deepEqual(out, want);
});

test('an array passed as input and output is one region (in place); two views of one buffer fall back', { skip }, () => {
  const w = backendByName('wasm');
  const x = new Float32Array([1, 2, 3, 4, 5, 6]);
  w.binary('mul', { data: x, offset: 0, strides: [1] }, { data: x, offset: 0, strides: [1] }, [6], x);
  assert.deepEqual([...x], [1, 4, 9, 16, 25, 36]);
  // a strided view of the first half written into the second half of the same array
  const y = new Float32Array([1, 2, 3, 10, 20, 30]);
  w.copy({ data: y, offset: 0, strides: [1] }, [3], { data: y, offset: 3, strides: [1] });
  assert.deepEqual([...y], [1, 2, 3, 1, 2, 3]);
  // different typed arrays over overlapping bytes: the reference kernel runs, same result
  const overlapping = (k: typeof w): number[] => {
    const buf = new ArrayBuffer(24);
    const p = new Float32Array(buf, 0, 4), q = new Float32Array(buf, 8, 4);
    p.set([1, 2, 3, 4]);
    k.unary('neg', { data: p, offset: 0, strides: [1] }, [4], q);
    return [...new Float32Array(buf)];
  };
  assert.deepEqual(overlapping(w), overlapping(ref));
});

test('nb.initWasm() in Node resolves with the kernels and selects wasm', { skip }, async () => {
  const prev = nb.getBackend();
  try {
    const info = await nb.initWasm();
    assert.equal(nb.getBackend(), 'wasm');
    assert.match(info.isa, /^wasm-/);
    assert.ok(info.mr > 0 && info.nr > 0);
    const info2 = await nb.initWasm(undefined, { select: false });
    assert.equal(info2.isa, info.isa);
  } finally {
    nb.setBackend(prev);
  }
});
