/**
 * The playground page: reads the controls, drives the training worker (play / pause / step /
 * reset) and draws what it posts: the decision boundary with the points, and the loss curves.
 * `globalThis.nablaPlayground` exposes the latest state (for the Chromium test and the console).
 */
import { DATASETS, type DatasetName, type Points } from './datasets.js';
import { drawBoundary, drawLosses } from './draw.js';
import { drawNetwork } from './network.js';
import { GRID, type Activation, type FromWorker, type NetworkView, type OptimizerName, type ToWorker, type TrainConfig } from './protocol.js';
import { el as byId } from './dom.js';

export interface PlaygroundState {
  backend: string | null;
  /** the wasm kernels' thread count (2 when the page is cross-origin isolated) and why not, if not */
  threads: number;
  threadsNote: string | null;
  /** the wasm kernels' instruction set */
  isa: string | null;
  wasmError: string | null;
  step: number;
  trainLoss: number;
  testLoss: number;
  stepsPerSecond: number;
  playing: boolean;
  frames: number;
  error: string | null;
  /** the drawn network's layer sizes (inputs first) */
  sizes: number[];
  /** explanations received */
  explained: number;
}

const el = <T extends HTMLElement>(id: string): T => byId<T>('playground', id);

const form = el<HTMLFormElement>('controls');
const boundary = el<HTMLCanvasElement>('boundary');
const lossCanvas = el<HTMLCanvasElement>('losses');
const stats = el<HTMLDivElement>('stats');
const networkCanvas = el<HTMLCanvasElement>('network');
let network: NetworkView | null = null;

const state: PlaygroundState = { backend: null, wasmError: null, threads: 1, threadsNote: null, isa: null, step: 0, trainLoss: NaN, testLoss: NaN, stepsPerSecond: 0, playing: false, frames: 0, error: null, sizes: [], explained: 0 };
(globalThis as unknown as { nablaPlayground: PlaygroundState }).nablaPlayground = state;

let points: { train: Points; test: Points } | null = null;
let history: { steps: number[]; train: number[]; test: number[] } = { steps: [], train: [], test: [] };
let lastGrid: Float32Array = new Float32Array(GRID * GRID).fill(0.5);

function field(name: string): string {
  const e = form.elements.namedItem(name);
  if (!(e instanceof HTMLInputElement || e instanceof HTMLSelectElement)) throw new Error(`playground: no control '${name}'`);
  return e.value;
}

function num(name: string, min: number, max: number, integer = false): number {
  const v = Number(field(name));
  if (!Number.isFinite(v)) throw new Error(`${name} must be a number, got '${field(name)}'`);
  const c = Math.min(max, Math.max(min, v));
  return integer ? Math.round(c) : c;
}

function readConfig(): TrainConfig {
  const dataset = field('dataset');
  if (!(DATASETS as readonly string[]).includes(dataset)) throw new Error(`unknown dataset '${dataset}'`);
  return {
    dataset: dataset as DatasetName,
    n: num('n', 20, 4000, true),
    noise: num('noise', 0, 0.5),
    trainFraction: num('trainFraction', 0.1, 0.9),
    seed: num('seed', 0, 2 ** 31 - 1, true),
    hiddenLayers: num('hiddenLayers', 0, 6, true),
    width: num('width', 1, 64, true),
    activation: field('activation') as Activation,
    lr: num('lr', 0, 10),
    optimizer: field('optimizer') as OptimizerName,
    l2: num('l2', 0, 1),
    batchSize: num('batchSize', 1, 4000, true),
  };
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);

function render(): void {
  drawBoundary(boundary, lastGrid, points?.train ?? null, points?.test ?? null);
  drawLosses(lossCanvas, history.steps, history.train, history.test);
  if (network !== null) drawNetwork(networkCanvas, network);
  stats.textContent = [
    `backend     ${state.backend ?? '…'}${state.backend === 'wasm' ? `${state.isa !== null ? ` (${state.isa})` : ''}, ${state.threads} thread${state.threads > 1 ? 's' : ''}${state.threadsNote ? ` (${state.threadsNote})` : ''}` : ''}${state.wasmError !== null ? ` (wasm failed: ${state.wasmError})` : ''}`,
    `step        ${state.step}`,
    `train loss  ${Number.isNaN(state.trainLoss) ? '–' : state.trainLoss.toFixed(4)}`,
    `test loss   ${Number.isNaN(state.testLoss) ? '–' : state.testLoss.toFixed(4)}`,
    `steps/s     ${state.stepsPerSecond > 0 ? state.stepsPerSecond.toFixed(0) : '–'}`,
    state.error !== null ? `error: ${state.error}` : '',
  ].join('\n');
}

let pending = false;
function requestRender(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    render();
  });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === 'ready') {
    state.backend = m.backend;
    state.wasmError = m.wasmError;
    state.threads = m.threads;
    state.threadsNote = m.threadsNote;
    state.isa = m.isa;
  } else if (m.type === 'data') {
    points = { train: m.train, test: m.test };
  } else if (m.type === 'frame') {
    if (m.step < state.step) history = { steps: [], train: [], test: [] };
    state.step = m.step;
    state.trainLoss = m.trainLoss;
    state.testLoss = m.testLoss;
    if (m.stepsPerSecond > 0) state.stepsPerSecond = m.stepsPerSecond;
    state.playing = m.playing;
    state.frames++;
    lastGrid = m.grid;
    network = m.network;
    state.sizes = m.network.sizes;
    if (history.steps.length === 0 || history.steps[history.steps.length - 1] !== m.step) {
      history.steps.push(m.step);
      history.train.push(m.trainLoss);
      history.test.push(m.testLoss);
    }
  } else if (m.type === 'explain') {
    const [x, y, label] = m.point;
    el<HTMLPreElement>('explain-text').textContent = `x = (${x.toFixed(4)}, ${y.toFixed(4)}), class ${label}, at step ${state.step}\n\n${m.text}`;
    el<HTMLDetailsElement>('explain-panel').open = true;
    state.explained++;
  } else if (m.type === 'stepThrough') {
    // the step-through (and KaTeX) load on first use
    import('./step/dialog.js').then(({ showStepDialog }) => showStepDialog(m, (index) => send({ type: 'stepThrough', index }))).catch((err: unknown) => {
      state.error = `step-through: ${(err as Error).message}`;
      requestRender();
    });
  } else {
    state.error = m.message;
    state.playing = false;
  }
  requestRender();
};
worker.onerror = (e) => {
  state.error = e.message;
  requestRender();
};

function reset(): void {
  try {
    const config = readConfig();
    state.error = null;
    state.step = 0;
    state.stepsPerSecond = 0;
    history = { steps: [], train: [], test: [] };
    send({ type: 'config', config });
    if (state.playing) send({ type: 'play' });
  } catch (err) {
    state.error = (err as Error).message;
  }
  requestRender();
}

el<HTMLButtonElement>('play').onclick = () => {
  state.playing = true;
  send({ type: 'play' });
};
el<HTMLButtonElement>('pause').onclick = () => {
  state.playing = false;
  send({ type: 'pause' });
};
el<HTMLButtonElement>('step').onclick = () => send({ type: 'step', steps: 1 });
el<HTMLButtonElement>('reset').onclick = reset;
el<HTMLButtonElement>('explain').onclick = () => send({ type: 'explain' });
el<HTMLButtonElement>('step-through').onclick = () => send({ type: 'stepThrough', index: 0 });
form.addEventListener('change', reset);

reset();
