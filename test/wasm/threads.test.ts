/**
 * The WebAssembly kernels on two threads in Node (wasm/nabla-threads.wasm on a shared memory,
 * workers in node:worker_threads): the same bits as one thread for a GEMM, a convolution and an
 * MLP training step; the workers never keep the process alive; one thread where there is no
 * SharedArrayBuffer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ready = nb.availableBackends().includes('wasm') && existsSync(`${root}wasm/nabla-threads.wasm`) && typeof SharedArrayBuffer === 'function';
const skip = ready ? false : 'the wasm module or wasm/nabla-threads.wasm is missing';

/** Runs f on the wasm backend with n threads (asserting that n are in effect); returns its result's bits. */
function on(n: number, f: () => Float32Array[]): Uint32Array[] {
  const before = nb.getBackend();
  nb.setBackend('wasm');
  try {
    assert.equal(nb.setWasmThreads(n), n, nb.wasmThreadsError() ?? '');
    assert.equal(nb.wasmInfo()!.threads, n);
    return f().map((a) => new Uint32Array(a.slice().buffer));
  } finally {
    nb.setBackend(before);
  }
}

function sameBits(a: Uint32Array[], b: Uint32Array[], what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    assert.equal(x.length, y.length);
    let diff = -1;
    for (let j = 0; j < x.length && diff < 0; j++) if (x[j] !== y[j]) diff = j;
    assert.equal(diff, -1, `${what}: output ${i} differs at element ${diff}`);
  }
}

const data = (t: nb.Tensor) => t.data() as Float32Array;

test('GEMM: the same bits on 1 and 2 threads (and as the single-thread module)', { skip }, () => {
  nb.manualSeed(7);
  const a = nb.randn([300, 520]), b = nb.randn([520, 270]);
  const gemm = () => [data(nb.matmul(a, b)), data(nb.matmul(b.transpose(0, 1), a.transpose(0, 1)))];
  const single = on(1, gemm);
  const two = on(2, gemm);
  const one = on(1, gemm);
  sameBits(two, one, 'threaded module, 2 vs 1 threads');
  sameBits(one, single, 'threaded vs single-thread module');
});

test('conv2d forward and backward: the same bits on 1 and 2 threads', { skip }, () => {
  nb.manualSeed(8);
  const x = nb.randn([8, 6, 20, 20], { requiresGrad: true }), w = nb.randn([10, 6, 3, 3], { requiresGrad: true });
  const conv = () => {
    x.grad = null;
    w.grad = null;
    const y = nb.nn.functional.conv2d(x, w, null, { padding: 1 });
    y.sum().backward();
    return [data(y), data(x.grad!), data(w.grad!)];
  };
  sameBits(on(2, conv), on(1, conv), 'conv2d');
});

test('an MLP training step: the same parameters on 1 and 2 threads', { skip }, () => {
  const step = () => {
    nb.manualSeed(9);
    // (the middle layer's dx and dw, 128 x 512 x 64 multiply-adds each, run side by side on two threads)
    const model = new nb.nn.Sequential(new nb.nn.Linear(256, 512), new nb.nn.ReLU(), new nb.nn.Linear(512, 64), new nb.nn.ReLU(), new nb.nn.Linear(64, 10));
    const opt = new nb.optim.Adam(model.parameters(), { lr: 1e-3 });
    const x = nb.randn([128, 256]);
    const y = nb.randint(0, 10, [128]);
    for (let s = 0; s < 2; s++) {
      opt.zeroGrad();
      nb.nn.functional.crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
    return model.parameters().map((p) => data(p));
  };
  sameBits(on(2, step), on(1, step), 'training step');
});

const child = (code: string, flags: string[] = []) => {
  const { NABLA_BACKEND: _b, ...env } = process.env;
  return spawnSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, encoding: 'utf8', env: { ...env, NABLA_NO_NATIVE_WARNING: '1' }, timeout: 60_000 });
};

test('where the engine runs relaxed SIMD the threads take the relaxed build, with the same bits as its one thread', { skip }, (t) => {
  if (!existsSync(`${root}wasm/nabla-threads-relaxed.wasm`)) return t.skip('wasm/nabla-threads-relaxed.wasm is not built');
  // Node 20 validates relaxed SIMD only behind this flag; the product's bits: the one-thread
  // relaxed module, then the threaded relaxed one on 1 and on 2 threads
  const r = child(`import * as nb from './src/index.ts';
    nb.setBackend('wasm');
    nb.manualSeed(4);
    const a = nb.randn([300, 520]), b = nb.randn([520, 270]);
    const bits = () => Array.from(new Uint32Array(nb.matmul(a, b).data().slice().buffer)).join(',');
    const single = [nb.wasmInfo().isa, bits()];
    const two = nb.setWasmThreads(2);
    const t2 = [nb.wasmInfo().isa, bits()];
    nb.setWasmThreads(1);
    const t1 = bits();
    console.log(JSON.stringify({ single: single[0], threaded: t2[0], two, same: single[1] === t2[1] && t1 === t2[1] }));`, ['--experimental-wasm-relaxed-simd']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim()), { single: 'wasm-relaxed-simd', threaded: 'wasm-relaxed-simd', two: 2, same: true });
});

test('the workers do not keep the process alive', { skip }, () => {
  const r = child("import * as nb from './src/index.ts'; nb.setBackend('wasm'); console.log(nb.setWasmThreads(2)); nb.matmul(nb.ones([256, 256]), nb.ones([256, 256]));");
  assert.equal(r.error, undefined, 'the process did not exit');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '2');
});

test('without SharedArrayBuffer the wasm kernels stay on one thread and say why', { skip }, () => {
  const r = child("delete globalThis.SharedArrayBuffer; const nb = await import('./src/index.ts'); nb.setBackend('wasm'); console.log(nb.setWasmThreads(2), nb.wasmInfo().threads, nb.wasmThreadsError());");
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), '1 1 no SharedArrayBuffer');
});

test('nb.setNumThreads and nb.getNumThreads reach the wasm kernels while wasm is the backend', { skip }, () => {
  const before = nb.getBackend();
  nb.setBackend('wasm');
  try {
    assert.equal(nb.setNumThreads(2), 2);
    assert.equal(nb.getNumThreads(), 2);
    assert.equal(nb.wasmInfo()!.threads, 2);
    assert.equal(nb.setNumThreads(1), 1);
    assert.equal(nb.wasmInfo()!.threads, 1);
  } finally {
    nb.setBackend(before);
  }
});

test('stopWasmThreads ends the workers (one thread after); new ones start on request, same bits', { skip }, async () => {
  nb.manualSeed(10);
  const a = nb.randn([200, 300]), b = nb.randn([300, 260]);
  const gemm = () => [data(nb.matmul(a, b))];
  const two = on(2, gemm);
  await nb.stopWasmThreads();
  assert.equal(nb.wasmInfo()!.threads, 1);
  sameBits(on(2, gemm), two, 'after a restart');
  sameBits(on(1, gemm), two, 'one thread');
});
