/**
 * The "draw a digit" page: what is drawn on the pad is preprocessed as MNIST's digits were and
 * classified by the CNN that `npm run web:models` trained with the CLI, on the main thread (a
 * forward pass takes a few milliseconds), with wasm when `initWasm` succeeds, else the TypeScript
 * backend. `globalThis.nablaDigit` exposes the latest state (for the Chromium test and the console).
 */
import * as nb from 'nabla';
import wasmUrl from '../../../wasm/nabla.wasm?url';
import wasmRelaxedUrl from '../../../wasm/nabla-relaxed.wasm?url';
import { ProbabilityBars } from './bars.js';
import { FeatureMaps } from './feature-maps.js';
import { magma, paint } from './heatmap.js';
import { classify, loadDigitModel, type DigitModel } from './model.js';
import { DrawingPad } from './pad.js';
import { SIDE, toMnist, type Point } from './preprocess.js';
import { el as byId } from '../dom.js';

export interface DigitState {
  ready: boolean;
  backend: string | null;
  wasmError: string | null;
  /** the most probable class, or null when nothing is drawn */
  prediction: number | null;
  probs: number[];
  /** milliseconds of the last forward pass */
  ms: number;
  /** forward passes run */
  classified: number;
  error: string | null;
}

const state: DigitState = { ready: false, backend: null, wasmError: null, prediction: null, probs: [], ms: 0, classified: 0, error: null };
(globalThis as unknown as { nablaDigit: DigitState }).nablaDigit = state;

const el = <T extends HTMLElement>(id: string): T => byId<T>('digit page', id);

const status = el<HTMLDivElement>('status');
const predicted = el<HTMLDivElement>('predicted');
const seen = el<HTMLCanvasElement>('seen');
const timing = el<HTMLSpanElement>('timing');

function fail(e: unknown): void {
  state.error = e instanceof Error ? e.message : String(e);
  status.textContent = `error: ${state.error}`;
  console.error(e);
}

function describe(model: DigitModel): string {
  const m = model.metadata;
  const acc = m['testAccuracy'] === undefined ? '' : `, ${(100 * Number(m['testAccuracy'])).toFixed(2)} % on ${Number(m['testSamples'] ?? NaN).toLocaleString('en')} MNIST test digits`;
  return `${m['model'] ?? 'model'}: ${model.parameters.toLocaleString('en')} parameters (${(model.bytes / 1024).toFixed(0)} KB)${acc}; backend ${nb.getBackend()}` +
    (state.wasmError === null ? '' : ` (wasm unavailable: ${state.wasmError})`);
}

async function start(): Promise<void> {
  try {
    await nb.initWasm(nb.wasmRelaxedSimd() ? wasmRelaxedUrl : wasmUrl); // (the relaxed-SIMD build where the engine runs it)
  } catch (e) {
    state.wasmError = e instanceof Error ? e.message : String(e);
    nb.setBackend('ts');
  }
  state.backend = nb.getBackend();
  const model = await loadDigitModel(new URL('models/digit-cnn.safetensors', document.baseURI).href);
  const [channels, , k] = model.kernels.shape as [number, number, number, number];
  const bars = new ProbabilityBars(el('bars'), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  const maps = new FeatureMaps(el('maps'), model.kernels.data() as Float32Array, channels, k, SIDE);
  el('maps-title').textContent = `First layer: ${channels} filters (${k}×${k}) and their feature maps`;
  paint(seen, new Float32Array(SIDE * SIDE), SIDE, SIDE, magma);

  const update = (strokes: readonly Point[][]): void => {
    try {
      const pixels = toMnist(strokes);
      if (pixels === null) {
        state.prediction = null;
        state.probs = [];
        bars.show(null);
        maps.show(null);
        paint(seen, new Float32Array(SIDE * SIDE), SIDE, SIDE, magma);
        predicted.textContent = '?';
        predicted.classList.add('empty');
        return;
      }
      const r = classify(model, pixels);
      let best = 0;
      for (let i = 1; i < r.probs.length; i++) if (r.probs[i]! > r.probs[best]!) best = i;
      state.prediction = best;
      state.probs = Array.from(r.probs);
      state.ms = r.ms;
      state.classified++;
      bars.show(r.probs);
      maps.show(r.maps);
      paint(seen, pixels, SIDE, SIDE, magma);
      predicted.textContent = String(best);
      predicted.classList.remove('empty');
      timing.textContent = `forward pass ${r.ms.toFixed(1)} ms`;
    } catch (e) {
      fail(e);
    }
  };
  const pad = new DrawingPad(el('pad'), update);
  el('clear').addEventListener('click', () => pad.clear());
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') pad.clear();
  });
  status.textContent = describe(model);
  state.ready = true;
}

start().catch(fail);
