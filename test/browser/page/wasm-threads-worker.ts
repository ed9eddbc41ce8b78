// The worker of test/browser/wasm-threads.test.ts: nabla in a Web Worker of a cross-origin
// isolated page starts two WebAssembly threads, and a GEMM gives the same bits on 1 and 2.
import * as nb from '../../../src/browser.js';

const post = (m: unknown): void => (globalThis as unknown as { postMessage(m: unknown): void }).postMessage(m);

async function run(): Promise<unknown> {
  await nb.initWasm();
  const two = await nb.initWasmThreads(2);
  const info = nb.wasmInfo()!;
  nb.manualSeed(5);
  const a = nb.randn([300, 520]), b = nb.randn([520, 270]);
  const big = nb.randn([512, 512]);
  const product = async (t: number): Promise<{ bits: number[]; ms: number }> => {
    await nb.initWasmThreads(t);
    const c = nb.matmul(a, b).data() as Float32Array;
    nb.matmul(big, big);
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) nb.matmul(big, big);
    return { bits: Array.from(new Uint32Array(c.slice().buffer)), ms: (performance.now() - t0) / 5 };
  };
  const one = await product(1);
  const twoT = await product(2);
  let diff = -1;
  for (let i = 0; i < one.bits.length && diff < 0; i++) if (one.bits[i] !== twoT.bits[i]) diff = i;
  return { two, threadsReported: info.threads, isa: info.isa, error: nb.wasmThreadsError(), backend: nb.getBackend(), diff, n: one.bits.length, ms1: one.ms, ms2: twoT.ms };
}

run().then(post, (e: Error) => post({ failed: `${e.message}` }));
