/**
 * The poem page's worker: loads the Tang-poem GPT (web/public/models/tang-gpt/, at the URLs the
 * page sends, since a worker's own URL differs between the dev server and the build) into nabla (wasm
 * when `initWasm` succeeds, else the TypeScript backend), samples characters with
 * `nb.text.sampleChars` and posts each one as it is drawn, yielding to its event loop between
 * characters so that a 'stop' is seen at once. When a run ends it posts the attention maps of
 * every layer and head on the last window (at most the context size) of prompt + text.
 */
import * as nb from 'nabla';
import wasmUrl from '../../../wasm/nabla.wasm?url';
import wasmRelaxedUrl from '../../../wasm/nabla-relaxed.wasm?url';
import { type AttentionView, type FromWorker, type GenerateRequest, type ToWorker } from './protocol.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
}
const scope = self as unknown as WorkerScope;

let model: nb.text.CharGPT | null = null;
let vocab: nb.text.CharVocab | null = null;
/** the run in progress (a newer 'generate' or a 'stop' ends it) */
let current = 0;

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot load ${url}: HTTP ${r.status}`);
  return r;
}

async function init(modelUrl: string, vocabUrl: string): Promise<void> {
  let wasmError: string | null = null;
  try {
    await nb.initWasm(nb.wasmRelaxedSimd() ? wasmRelaxedUrl : wasmUrl); // (the relaxed-SIMD build where the engine runs it)
  } catch (e) {
    wasmError = (e as Error).message;
  }
  const [bytes, vocabJson] = await Promise.all([
    fetchOk(modelUrl).then(async (r) => new Uint8Array(await r.arrayBuffer())),
    fetchOk(vocabUrl).then(async (r) => (await r.json()) as nb.text.CharVocabJSON),
  ]);
  const loaded = nb.text.charModelFromBytes(bytes, vocabJson, modelUrl);
  if (!(loaded.model instanceof nb.text.CharGPT)) throw new Error(`${modelUrl} is not a CharGPT checkpoint`);
  model = loaded.model;
  vocab = loaded.vocab;
  const { contextSize, dModel, numHeads, numLayers, vocabSize } = model.config;
  scope.postMessage({
    type: 'ready', backend: nb.getBackend(), wasmError, chars: [...vocab.chars],
    config: { contextSize, dModel, numHeads, numLayers, vocabSize }, parameters: model.numParameters(), metadata: loaded.metadata,
  });
}

/** The attention maps of every layer and head on the last window of `text`. */
function attentionOf(m: nb.text.CharGPT, v: nb.text.CharVocab, text: string): AttentionView {
  const chars = [...text].slice(-m.config.contextSize);
  const ids = v.encode(chars.join(''));
  const maps = m.attentionMaps(nb.tensor(ids, { shape: [1, ids.length], dtype: 'int32' }));
  const flat: Float32Array[] = [];
  for (const layer of maps) for (const head of layer) flat.push(Float32Array.from(head.flat()));
  return { chars, layers: maps.length, heads: maps[0]?.length ?? 0, maps: flat };
}

// a macrotask without setTimeout's 4 ms clamp on nested timers: lets a 'stop' in between characters
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const nextTask = (): Promise<void> => new Promise((resolve) => {
  waiting.push(resolve);
  channel.port2.postMessage(0);
});

async function generate(id: number, req: GenerateRequest): Promise<void> {
  if (model === null || vocab === null) throw new Error('the model is not loaded');
  const m = model, v = vocab;
  current = id;
  const chars = nb.text.sampleChars(m, v, { prime: req.prompt, length: req.length, temperature: req.temperature, seed: req.seed });
  let text = '';
  let count = 0;
  const t0 = performance.now();
  for (const char of chars) {
    text += char;
    count++;
    scope.postMessage({ type: 'char', id, char });
    await (req.delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, req.delayMs)) : nextTask());
    if (current !== id) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  const attention = attentionOf(m, v, (req.prompt === '' ? '\n' : req.prompt) + text);
  scope.postMessage(
    { type: 'done', id, count, charsPerSecond: count / Math.max(seconds, 1e-6), stopped: count < req.length, attention },
    attention.maps.map((a) => a.buffer as ArrayBuffer),
  );
}

let ready: Promise<void> | null = null;

scope.onmessage = (e) => {
  const msg = e.data;
  if (msg.type === 'load') {
    ready = init(msg.modelUrl, msg.vocabUrl);
    ready.catch((err: unknown) => scope.postMessage({ type: 'error', message: (err as Error).message }));
    return;
  }
  if (ready === null) {
    scope.postMessage({ type: 'error', message: `'${msg.type}' before 'load'` });
    return;
  }
  if (msg.type === 'stop') {
    current = -1;
    return;
  }
  // a new run supersedes the one in progress at its next character
  current = msg.id;
  void ready.then(() => generate(msg.id, msg)).catch((err: unknown) => scope.postMessage({ type: 'error', message: (err as Error).message }));
};
