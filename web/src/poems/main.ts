/**
 * The Tang-poem page: the controls (prompt, seed, temperature, length), the text streamed in from
 * the worker one character at a time, and the attention maps of the last window once a run ends.
 * `globalThis.nablaPoems` exposes the latest state (for the Chromium test and the console).
 */
import { rendersChinese } from './fonts.js';
import { drawHeatmap, rowAt } from './heatmap.js';
import { renderWindow, shadeWindow, type Selection } from './window-text.js';
import { MODEL_URL, VOCAB_URL, type AttentionView, type FromWorker, type ToWorker } from './protocol.js';
import { el as byId } from '../dom.js';

export interface PoemsState {
  backend: string | null;
  wasmError: string | null;
  error: string | null;
  /** the model's vocabulary (UNK excluded), once loaded */
  vocabSize: number;
  generating: boolean;
  /** runs finished (or stopped) */
  runs: number;
  /** the id of the latest run started, and of the latest run finished (or stopped) */
  run: number;
  finished: number;
  prompt: string;
  /** the generated characters of the latest run (prompt excluded) */
  text: string;
  charsPerSecond: number;
  /** heatmaps drawn for the latest run */
  mapsDrawn: number;
  selection: Selection | null;
  /** whether the browser has a font for Chinese characters (else they show as boxes) */
  chineseFont: boolean;
}

const el = <T extends HTMLElement>(id: string): T => byId<T>('poems', id);

const promptIn = el<HTMLInputElement>('prompt');
const seedIn = el<HTMLInputElement>('seed');
const tempIn = el<HTMLInputElement>('temperature');
const tempOut = el<HTMLOutputElement>('temperature-value');
const lengthIn = el<HTMLInputElement>('length');
const paceIn = el<HTMLSelectElement>('pace');
const generateBtn = el<HTMLButtonElement>('generate');
const stopBtn = el<HTMLButtonElement>('stop');
const status = el<HTMLDivElement>('status');
const outPrompt = el<HTMLSpanElement>('output-prompt');
const outText = el<HTMLSpanElement>('output-text');
const mapsHost = el<HTMLDivElement>('maps');
const windowHost = el<HTMLDivElement>('window');
const selectionLabel = el<HTMLDivElement>('selection');

const state: PoemsState = {
  backend: null, wasmError: null, error: null, vocabSize: 0, generating: false, runs: 0, run: 0, finished: 0, prompt: '', text: '', charsPerSecond: 0, mapsDrawn: 0, selection: null,
  chineseFont: rendersChinese(getComputedStyle(document.getElementById('output') ?? document.body).fontFamily),
};
(globalThis as unknown as { nablaPoems: PoemsState }).nablaPoems = state;

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker): void => worker.postMessage(m);
let runId = 0;
let vocab = new Set<string>();
let view: AttentionView | null = null;
let spans: HTMLSpanElement[] = [];
let canvases: { canvas: HTMLCanvasElement; layer: number; head: number }[] = [];
let modelInfo = '';

const temperature = (): number => Number(tempIn.value);
function showTemperature(): void {
  tempOut.value = temperature() === 0 ? '0 (greedy)' : temperature().toFixed(2);
}

function setStatus(extra = ''): void {
  const backend = state.backend === null ? 'loading the model…' : `backend ${state.backend}${state.wasmError !== null ? ` (wasm unavailable: ${state.wasmError})` : ''}`;
  const font = state.chineseFont ? '' : 'this browser has no font for Chinese characters, so they show as boxes (on Debian: apt-get install fonts-noto-cjk or fonts-wqy-microhei)';
  status.textContent = [modelInfo, backend, extra, font].filter((s) => s !== '').join('\n');
}

/** The mean over heads of layer `l`'s maps. */
function meanMap(v: AttentionView, l: number): Float32Array {
  const T = v.chars.length;
  const out = new Float32Array(T * T);
  for (let h = 0; h < v.heads; h++) {
    const m = v.maps[l * v.heads + h]!;
    for (let i = 0; i < out.length; i++) out[i]! += m[i]! / v.heads;
  }
  return out;
}

function redraw(): void {
  if (view === null || state.selection === null) return;
  const v = view, s = state.selection;
  const T = v.chars.length;
  for (const c of canvases) {
    const map = c.head < 0 ? meanMap(v, c.layer) : v.maps[c.layer * v.heads + c.head]!;
    drawHeatmap(c.canvas, map, T, s.query);
    c.canvas.classList.toggle('selected', c.layer === s.layer && c.head === s.head);
  }
  shadeWindow(spans, v, s);
  const q = v.chars[s.query] === '\n' ? '↵' : v.chars[s.query];
  selectionLabel.textContent = `query ${s.query} “${q}”: what it attends to in layer ${s.layer + 1}, ${s.head < 0 ? 'mean of the heads' : `head ${s.head + 1}`} (hover a character or a map's row to change it; click a map to pick its head)`;
  state.mapsDrawn = canvases.length;
}

function select(next: Partial<Selection>): void {
  if (state.selection === null) return;
  state.selection = { ...state.selection, ...next };
  redraw();
}

function showAttention(v: AttentionView): void {
  view = v;
  const T = v.chars.length;
  mapsHost.textContent = '';
  canvases = [];
  for (let l = 0; l < v.layers; l++) {
    const row = document.createElement('div');
    row.className = 'maprow';
    const label = document.createElement('div');
    label.className = 'maplabel';
    label.textContent = `layer ${l + 1}`;
    row.append(label);
    for (let h = -1; h < v.heads; h++) {
      const fig = document.createElement('figure');
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 132;
      canvas.className = 'map';
      canvas.dataset['layer'] = String(l);
      canvas.dataset['head'] = String(h);
      canvas.addEventListener('mousemove', (e) => select({ layer: l, head: h, query: rowAt(canvas, e, T) }));
      canvas.addEventListener('click', (e) => select({ layer: l, head: h, query: rowAt(canvas, e, T) }));
      const cap = document.createElement('figcaption');
      cap.textContent = h < 0 ? 'mean' : `head ${h + 1}`;
      fig.append(canvas, cap);
      row.append(fig);
      canvases.push({ canvas, layer: l, head: h });
    }
    mapsHost.append(row);
  }
  spans = renderWindow(windowHost, v, (i) => select({ query: i }));
  const prev = state.selection;
  // keep the chosen head across runs; the query starts at the last character
  state.selection = { layer: prev?.layer ?? v.layers - 1, head: prev?.head ?? -1, query: T - 1 };
  redraw();
}

function generate(): void {
  if (state.backend === null) return;
  const prompt = promptIn.value;
  const seed = Math.max(0, Math.floor(Number(seedIn.value) || 0));
  const length = Math.min(1000, Math.max(1, Math.floor(Number(lengthIn.value) || 1)));
  const unknown = [...new Set([...prompt].filter((c) => !vocab.has(c)))];
  runId++;
  state.run = runId;
  state.generating = true;
  state.prompt = prompt;
  state.text = '';
  state.mapsDrawn = 0;
  outPrompt.textContent = prompt;
  outText.textContent = '';
  stopBtn.disabled = false;
  setStatus(unknown.length > 0 ? `not in the vocabulary (read as UNK): ${unknown.join(' ')}` : 'generating…');
  send({ type: 'generate', id: runId, prompt, length, temperature: temperature(), seed, delayMs: Number(paceIn.value) });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === 'ready') {
    state.backend = m.backend;
    state.wasmError = m.wasmError;
    state.vocabSize = m.chars.length;
    vocab = new Set(m.chars);
    const c = m.config;
    const loss = m.metadata['validLoss'];
    modelInfo = `character GPT: ${m.parameters.toLocaleString('en')} parameters, ${c.numLayers} layers × ${c.numHeads} heads, d ${c.dModel}, context ${c.contextSize}, ${m.chars.length} characters + UNK` +
      (loss !== undefined ? `; validation loss ${loss} nats/char after ${m.metadata['steps'] ?? '?'} steps` : '');
    generateBtn.disabled = false;
    setStatus();
    generate();
  } else if (m.type === 'char') {
    if (m.id !== runId) return;
    state.text += m.char;
    outText.textContent += m.char;
  } else if (m.type === 'done') {
    if (m.id !== runId) return;
    state.generating = false;
    state.charsPerSecond = m.charsPerSecond;
    generateBtn.disabled = false;
    stopBtn.disabled = true;
    setStatus(`${m.count} characters${m.stopped ? ' (stopped)' : ''}, ${m.charsPerSecond.toFixed(0)} characters/s`);
    showAttention(m.attention);
    state.runs++;
    state.finished = m.id;
  } else {
    state.error = m.message;
    state.generating = false;
    generateBtn.disabled = false;
    stopBtn.disabled = true;
    setStatus(`error: ${m.message}`);
  }
};
worker.onerror = (e) => {
  state.error = e.message;
  setStatus(`worker error: ${e.message}`);
};

tempIn.addEventListener('input', showTemperature);
generateBtn.addEventListener('click', generate);
stopBtn.addEventListener('click', () => send({ type: 'stop' }));
promptIn.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') generate();
});
showTemperature();
setStatus();
send({ type: 'load', modelUrl: new URL(MODEL_URL, document.baseURI).href, vocabUrl: new URL(VOCAB_URL, document.baseURI).href });
