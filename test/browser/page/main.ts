/**
 * The browser test page (bundled by test/browser/chromium.test.ts together with the test suites
 * it lists): the library's browser entry, the suites registered through the node:test stand-in,
 * and the end-to-end checks the test calls through `window.nablaPage`.
 */
import * as nb from '../../../src/browser.js';
import { runAll, type TestRecord } from './node-test.js';

function accuracy(logits: nb.Tensor, y: nb.Tensor): number {
  const p = logits.argmax(1).data();
  const t = y.data();
  let c = 0;
  for (let i = 0; i < t.length; i++) if (p[i] === t[i]) c++;
  return c / t.length;
}

/** XOR with a 2-8-1 tanh network and Adam: the fraction of the four points classified right. */
function trainXor(): { loss: number; accuracy: number } {
  nb.manualSeed(1);
  const { x, y } = { x: nb.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: nb.tensor([[0], [1], [1], [0]]) };
  const model = new nb.nn.Sequential(new nb.nn.Linear(2, 8), new nb.nn.Tanh(), new nb.nn.Linear(8, 1));
  const opt = new nb.optim.Adam(model.parameters(), { lr: 0.05 });
  const lossFn = new nb.nn.BCEWithLogitsLoss();
  let loss = Infinity;
  for (let step = 0; step < 300; step++) {
    opt.zeroGrad();
    const l = lossFn.forward(model.forward(x), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  const pred = nb.noGrad(() => model.forward(x).sigmoid().data());
  const want = y.data();
  let right = 0;
  for (let i = 0; i < 4; i++) if ((pred[i]! > 0.5 ? 1 : 0) === want[i]) right++;
  return { loss, accuracy: right / 4 };
}

/** A 784-64-10 MLP on 1,000 of the shipped digits, tested on 500 others. */
async function trainDigits(url: string): Promise<{ testAccuracy: number; seconds: number; trainSize: number; testSize: number }> {
  const t0 = performance.now();
  nb.manualSeed(0);
  const { train, test } = await nb.data.mnist({ url, trainSize: 1000, testSize: 500 });
  const model = new nb.nn.Sequential(new nb.nn.Linear(784, 64), new nb.nn.ReLU(), new nb.nn.Linear(64, 10));
  const opt = new nb.optim.Adam(model.parameters(), { lr: 2e-3 });
  const ce = new nb.nn.CrossEntropyLoss();
  for (let epoch = 0; epoch < 8; epoch++) {
    for (const [xb, yb] of new nb.data.DataLoader(train, { batchSize: 32, shuffle: true, seed: epoch })) {
      opt.zeroGrad();
      ce.forward(model.forward(xb), yb).backward();
      opt.step();
    }
  }
  const [xt, yt] = test.tensors;
  const testAccuracy = nb.noGrad(() => accuracy(model.forward(xt), yt));
  return { testAccuracy, seconds: (performance.now() - t0) / 1000, trainSize: train.length, testSize: test.length };
}

/** serialize -> deserialize of a trained model's state dict: same tensors, same predictions. */
function roundTrip(): { bytes: number; sameTensors: boolean; samePredictions: boolean; names: string[] } {
  nb.manualSeed(2);
  const make = (): nb.nn.Sequential => new nb.nn.Sequential(new nb.nn.Linear(5, 7), new nb.nn.ReLU(), new nb.nn.BatchNorm1d(7), new nb.nn.Linear(7, 3));
  const a = make();
  a.forward(nb.randn([6, 5])); // BatchNorm's running statistics move
  a.eval();
  const bytes = nb.serialize(a.stateDict(), { metadata: { format: 'pt' } });
  const sd = nb.deserialize(bytes);
  const b = make();
  b.loadStateDict(sd);
  b.eval();
  const own = a.stateDict();
  const sameTensors = Object.keys(own).every((k) => {
    const x = own[k]!.data();
    const y = sd[k]?.data();
    return y !== undefined && x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
  });
  const input = nb.randn([4, 5]);
  const pa = a.forward(input).data();
  const pb = b.forward(input).data();
  return { bytes: bytes.length, sameTensors, samePredictions: pa.every((v, i) => v === pb[i]), names: Object.keys(sd).sort() };
}

/** A missing digits file: a console warning and a rejected promise that says what to do. */
async function missingDigits(): Promise<string> {
  try {
    await nb.data.loadMnist({ url: '/nowhere/mnist-digits.bin.gz' });
    return 'resolved';
  } catch (e) {
    return (e as Error).message;
  }
}

/** `explain` narrates one step in the page (text and JSON; HTML needs Node). */
function explainStep(): { text: number; layers: number } {
  const model = new nb.nn.Sequential(new nb.nn.Linear(2, 2), new nb.nn.Sigmoid(), new nb.nn.Linear(2, 1), new nb.nn.Sigmoid()).to('float64');
  const ex = nb.explain({ model, input: [[1, 2]], target: [[1]], loss: 'bce', lr: 0.1 });
  return { text: ex.toText().length, layers: ex.toJSON().layers.length };
}

/** `fit` in the page: trains and evaluates without a run directory; asking for one is a clear error. */
function fitInPage(): { epochs: number; testAcc: number; outDirError: string } {
  nb.manualSeed(3);
  const train = nb.data.moons({ n: 200, noise: 0.1, seed: 1 });
  const test = nb.data.moons({ n: 100, noise: 0.1, seed: 2 });
  const model = new nb.nn.Sequential(new nb.nn.Linear(2, 16), new nb.nn.Tanh(), new nb.nn.Linear(16, 2));
  const lossFn = new nb.nn.CrossEntropyLoss();
  const asClasses = (ds: typeof train): nb.data.TensorDataset<[nb.Tensor, nb.Tensor]> => new nb.data.TensorDataset(ds.tensors[0], ds.tensors[1].to('int32').reshape([-1]));
  const opts = {
    model,
    loss: (o: nb.Tensor, y: nb.Tensor) => lossFn.forward(o, y),
    optimizer: new nb.optim.Adam(model.parameters(), { lr: 0.05 }),
    train: new nb.data.DataLoader(asClasses(train), { batchSize: 20, shuffle: true, seed: 0 }),
    test: new nb.data.DataLoader(asClasses(test), { batchSize: 100 }),
    epochs: 15,
    progress: false,
    log: (): void => {},
  };
  const r = nb.fit(opts);
  let outDirError = '';
  try {
    nb.fit({ ...opts, epochs: 1, outDir: 'runs/x' });
  } catch (e) {
    outDirError = (e as Error).message;
  }
  return { epochs: r.history.length, testAcc: r.history.at(-1)?.testAcc ?? 0, outDirError };
}

async function runSuites(): Promise<TestRecord[]> {
  return runAll();
}

(globalThis as Record<string, unknown>)['nablaPage'] = { runSuites, trainXor, trainDigits, roundTrip, missingDigits, explainStep, fitInPage, backend: nb.getBackend() };
