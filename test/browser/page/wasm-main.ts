/**
 * The WebAssembly page (bundled by test/browser/wasm.test.ts): the browser entry on 'ts' until
 * `await nb.initWasm()` fetches wasm/nabla.wasm (the default URL beside the package: /wasm/ on
 * the test server), then the same products on both backends, and a small CNN and an MLP trained
 * on 'wasm' in the page, with the time per step of each backend.
 */
import * as nb from '../../../src/browser.js';

interface WasmPageResult {
  before: string;
  after: string;
  isa: string;
  matmulMaxDiff: number;
  mlp: { lossFirst: number; lossLast: number; msPerStepWasm: number; msPerStepTs: number };
  cnn: { lossFirst: number; lossLast: number; msPerStepWasm: number };
  wasmBeforeInit: string;
}

/** `steps` Adam steps of a model on one fixed batch; the losses and ms per step. */
function fitBatch(model: nb.nn.Module, x: nb.Tensor, y: nb.Tensor, steps: number): { first: number; last: number; ms: number } {
  const opt = new nb.optim.Adam(model.parameters(), { lr: 3e-3 });
  const ce = new nb.nn.CrossEntropyLoss();
  let first = NaN, last = NaN;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    const l = ce.forward(model.forward(x) as nb.Tensor, y);
    l.backward();
    opt.step();
    last = l.item();
    if (s === 0) first = last;
  }
  return { first, last, ms: (performance.now() - t0) / steps };
}

const mlp = (): nb.nn.Sequential => new nb.nn.Sequential(new nb.nn.Linear(784, 256), new nb.nn.ReLU(), new nb.nn.Linear(256, 128), new nb.nn.ReLU(), new nb.nn.Linear(128, 10));

async function run(): Promise<WasmPageResult> {
  const before = nb.getBackend();
  let wasmBeforeInit = '';
  try {
    nb.setBackend('wasm');
  } catch (e) {
    wasmBeforeInit = (e as Error).message;
  }
  const info = await nb.initWasm();
  const after = nb.getBackend();

  nb.manualSeed(0);
  const a = nb.randn([67, 129]), b = nb.randn([129, 45]);
  const onWasm = nb.matmul(a, b).data();
  nb.setBackend('ts');
  const onTs = nb.matmul(a, b).data();
  let matmulMaxDiff = 0;
  for (let i = 0; i < onTs.length; i++) matmulMaxDiff = Math.max(matmulMaxDiff, Math.abs(onWasm[i]! - onTs[i]!));

  // W2's MLP on one batch of 64 (synthetic digits-like data): ts for a few steps, wasm for more
  nb.manualSeed(1);
  const x = nb.rand([64, 784]), y = nb.randint(0, 10, [64]);
  nb.manualSeed(2);
  const ts = fitBatch(mlp(), x, y, 3);
  nb.setBackend('wasm');
  nb.manualSeed(2);
  const w = fitBatch(mlp(), x, y, 30);

  // a small CNN (conv, pool, linear) trains on wasm
  nb.manualSeed(3);
  const cnn = new nb.nn.Sequential(
    new nb.nn.Conv2d(1, 8, 3, { padding: 1 }), new nb.nn.ReLU(), new nb.nn.MaxPool2d(2),
    new nb.nn.Conv2d(8, 16, 3, { padding: 1 }), new nb.nn.ReLU(), new nb.nn.MaxPool2d(2),
    new nb.nn.Flatten(), new nb.nn.Linear(16 * 7 * 7, 10),
  );
  const xi = nb.rand([32, 1, 28, 28]), yi = nb.randint(0, 10, [32]);
  const c = fitBatch(cnn, xi, yi, 20);
  return {
    before, after, isa: info.isa, matmulMaxDiff, wasmBeforeInit,
    mlp: { lossFirst: w.first, lossLast: w.last, msPerStepWasm: w.ms, msPerStepTs: ts.ms },
    cnn: { lossFirst: c.first, lossLast: c.last, msPerStepWasm: c.ms },
  };
}

(globalThis as Record<string, unknown>)['nablaWasmPage'] = { run };
