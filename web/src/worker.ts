/**
 * The playground's training worker: builds the dataset and an MLP from the page's config, trains
 * it with nabla (wasm when `initWasm` succeeds, else the TypeScript backend) and posts, after
 * each burst of steps, the train and test losses and the decision boundary on a grid.
 */
import * as nb from 'nabla';
import wasmUrl from '../../wasm/nabla.wasm?url';
import wasmRelaxedUrl from '../../wasm/nabla-relaxed.wasm?url';
import threadsUrl from '../../wasm/nabla-threads.wasm?url';
import threadsRelaxedUrl from '../../wasm/nabla-threads-relaxed.wasm?url';
import { makeDataset, rng, type Points } from './datasets.js';
import { EXTENT, GRID, NEURON_GRID, type FromWorker, type NetworkView, type ToWorker, type TrainConfig } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** How long one burst of steps runs before a frame is posted (ms). */
const BURST_MS = 40;

interface Session {
  config: TrainConfig;
  train: Points;
  test: Points;
  trainX: nb.Tensor;
  trainY: nb.Tensor;
  testX: nb.Tensor;
  testY: nb.Tensor;
  gridX: nb.Tensor;
  neuronX: nb.Tensor;
  model: nb.nn.Sequential;
  linears: nb.nn.Linear[];
  acts: nb.nn.Module[];
  opt: nb.optim.Optimizer;
  order: Int32Array;
  cursor: number;
  shuffle: () => number;
  step: number;
}

let session: Session | null = null;
let playing = false;
let scheduled = false;
const lossFn = new nb.nn.BCEWithLogitsLoss();

function activation(name: TrainConfig['activation']): nb.nn.Module {
  if (name === 'relu') return new nb.nn.ReLU();
  if (name === 'tanh') return new nb.nn.Tanh();
  return new nb.nn.Sigmoid();
}

/** The centres of an n x n grid over [-EXTENT, EXTENT]^2, row 0 at the top, as [n*n, 2]. */
function gridPoints(n: number): nb.Tensor {
  const xy = new Float32Array(n * n * 2);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const k = row * n + col;
      xy[2 * k] = -EXTENT + ((col + 0.5) / n) * 2 * EXTENT;
      xy[2 * k + 1] = EXTENT - ((row + 0.5) / n) * 2 * EXTENT;
    }
  }
  return nb.tensor(xy).reshape([n * n, 2]);
}

function start(config: TrainConfig): Session {
  const { train, test } = makeDataset({ name: config.dataset, n: config.n, noise: config.noise, trainFraction: config.trainFraction, seed: config.seed });
  nb.manualSeed(config.seed);
  const layers: nb.nn.Module[] = [], linears: nb.nn.Linear[] = [], acts: nb.nn.Module[] = [];
  let inF = 2;
  for (let i = 0; i < config.hiddenLayers; i++) {
    const lin = new nb.nn.Linear(inF, config.width), act = activation(config.activation);
    layers.push(lin, act);
    linears.push(lin);
    acts.push(act);
    inF = config.width;
  }
  const out = new nb.nn.Linear(inF, 1);
  layers.push(out);
  linears.push(out);
  const model = new nb.nn.Sequential(...layers);
  const opt = config.optimizer === 'adam'
    ? new nb.optim.Adam(model.parameters(), { lr: config.lr, weightDecay: config.l2 })
    : new nb.optim.SGD(model.parameters(), { lr: config.lr, weightDecay: config.l2 });
  const nTrain = train.label.length;
  const order = new Int32Array(nTrain).map((_, i) => i);
  return {
    config, train, test, model, linears, acts, opt, order, cursor: nTrain, shuffle: rng(config.seed ^ 0x5eed), step: 0,
    trainX: nb.tensor(train.xy).reshape([nTrain, 2]), trainY: nb.tensor(train.label).reshape([nTrain, 1]),
    testX: nb.tensor(test.xy).reshape([test.label.length, 2]), testY: nb.tensor(test.label).reshape([test.label.length, 1]),
    gridX: gridPoints(GRID), neuronX: gridPoints(NEURON_GRID),
  };
}

/** The next minibatch's indices (a fresh seeded permutation each epoch). */
function nextBatch(s: Session): nb.Tensor {
  const n = s.order.length, b = Math.min(s.config.batchSize, n);
  if (s.cursor + b > n) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(s.shuffle() * (i + 1));
      const t = s.order[i]!;
      s.order[i] = s.order[j]!;
      s.order[j] = t;
    }
    s.cursor = 0;
  }
  const idx = nb.tensor(Array.from(s.order.subarray(s.cursor, s.cursor + b)), { dtype: 'int32' });
  s.cursor += b;
  return idx;
}

function trainStep(s: Session): void {
  const idx = nextBatch(s);
  const x = nb.indexSelect(s.trainX, 0, idx), y = nb.indexSelect(s.trainY, 0, idx);
  s.opt.zeroGrad();
  const loss = lossFn.forward(s.model.forward(x) as nb.Tensor, y);
  loss.backward();
  s.opt.step();
  s.step++;
}

/** Per unit columns of a [points, units] tensor. */
function columns(t: nb.Tensor): Float32Array[] {
  const [n, u] = t.shape as [number, number];
  const d = t.data();
  const cols: Float32Array[] = [];
  for (let j = 0; j < u; j++) {
    const c = new Float32Array(n);
    for (let i = 0; i < n; i++) c[i] = d[i * u + j]!;
    cols.push(c);
  }
  return cols;
}

/** The weights and every unit's activation over the small grid (the layers applied one by one). */
function networkView(s: Session): NetworkView {
  const sizes = [2, ...s.linears.map((l) => l.outFeatures)];
  const weights = s.linears.map((l) => Float32Array.from(l.weight.data()));
  const neurons: Float32Array[][] = [];
  let h = s.neuronX;
  s.linears.forEach((lin, i) => {
    const z = lin.forward(h);
    h = i < s.acts.length ? (s.acts[i]!.forward(z) as nb.Tensor) : nb.sigmoid(z);
    neurons.push(columns(h));
  });
  return { sizes, weights, neurons };
}

function frame(s: Session, stepsPerSecond: number): FromWorker {
  return nb.noGrad(() => {
    const trainLoss = lossFn.forward(s.model.forward(s.trainX) as nb.Tensor, s.trainY).item();
    const testLoss = lossFn.forward(s.model.forward(s.testX) as nb.Tensor, s.testY).item();
    const grid = Float32Array.from(nb.sigmoid(s.model.forward(s.gridX) as nb.Tensor).data());
    return { type: 'frame', step: s.step, trainLoss, testLoss, grid, stepsPerSecond, playing, network: networkView(s) };
  });
}

/**
 * `nb.explain` on the current network and the first training point: the forward pass, the loss,
 * every delta and gradient, and the plain SGD update W := W - lr dJ/dW, as text; the model is
 * left as it was (apply: false).
 */
function explainPoint(s: Session, index: number): { ex: nb.Explanation; point: [number, number, number] } {
  const x = s.train.xy[2 * index]!, y = s.train.xy[2 * index + 1]!, label = s.train.label[index]!;
  const ex = nb.explain({
    model: s.model, input: [[x, y]], target: [[label]], loss: lossFn, lossName: 'binary cross-entropy on the logit',
    lossFormula: 'J = -\\big[\\, y \\ln \\sigma(a^{(L)}) + (1 - y) \\ln\\big(1 - \\sigma(a^{(L)})\\big) \\big]',
    lr: s.config.lr, apply: false,
  });
  return { ex, point: [x, y, label] };
}

function explainStep(s: Session): FromWorker {
  const { ex, point } = explainPoint(s, 0);
  return { type: 'explain', text: ex.toText(), point };
}

/** The same step as JSON, on training point `index` (wrapped into range), for the step-through view. */
function stepThrough(s: Session, index: number): FromWorker {
  const count = s.train.label.length;
  const i = ((Math.trunc(index) % count) + count) % count;
  const { ex, point } = explainPoint(s, i);
  return { type: 'stepThrough', data: ex.toJSON(), index: i, count, point, step: s.step };
}

function post(m: FromWorker): void {
  scope.postMessage(m);
}

/** Runs steps for about BURST_MS (or exactly `count`), then posts a frame. */
function burst(count?: number): void {
  const s = session;
  if (s === null) return;
  const t0 = performance.now();
  let done = 0;
  if (count !== undefined) {
    for (; done < count; done++) trainStep(s);
  } else {
    while (performance.now() - t0 < BURST_MS) {
      trainStep(s);
      done++;
    }
  }
  const ms = performance.now() - t0;
  post(frame(s, ms > 0 ? (1000 * done) / ms : 0));
}

function loop(): void {
  scheduled = false;
  if (!playing) return;
  try {
    burst();
  } catch (e) {
    playing = false;
    post({ type: 'error', message: (e as Error).message });
    return;
  }
  schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(loop, 0);
}

async function init(): Promise<void> {
  let wasmError: string | null = null;
  let threads = 1;
  let threadsNote: string | null = null;
  try {
    // the relaxed-SIMD builds where the engine runs them (as nabla's defaults choose; Vite ships
    // the files these imports name)
    const relaxed = nb.wasmRelaxedSimd();
    await nb.initWasm(relaxed ? wasmRelaxedUrl : wasmUrl);
    // two threads where the page is cross-origin isolated (the kernels split only products big
    // enough to pay for it), one otherwise, with the reason
    threads = await nb.initWasmThreads(2, { source: relaxed ? threadsRelaxedUrl : threadsUrl });
    threadsNote = threads > 1 ? null : nb.wasmThreadsError();
  } catch (e) {
    if (nb.getBackend() === 'wasm') threadsNote = (e as Error).message;
    else wasmError = (e as Error).message;
  }
  post({ type: 'ready', backend: nb.getBackend(), wasmError, threads, threadsNote, isa: nb.wasmInfo()?.isa ?? null });
}

const ready = init();

scope.onmessage = (e) => {
  const m = e.data;
  void ready.then(() => {
    try {
      if (m.type === 'config') {
        session = start(m.config);
        post({ type: 'data', train: session.train, test: session.test });
        post(frame(session, 0));
      } else if (m.type === 'play') {
        playing = true;
        schedule();
      } else if (m.type === 'pause') {
        playing = false;
        if (session !== null) post(frame(session, 0));
      } else if (m.type === 'step') {
        burst(m.steps);
      } else if (m.type === 'stepThrough') {
        if (session !== null) post(stepThrough(session, m.index));
      } else if (m.type === 'explain') {
        if (session !== null) {
          post(explainStep(session));
          post(frame(session, 0));
        }
      }
    } catch (err) {
      playing = false;
      post({ type: 'error', message: (err as Error).message });
    }
  });
};
