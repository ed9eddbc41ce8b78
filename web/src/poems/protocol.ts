/**
 * Messages between the poem page and its worker. The page asks for `length` characters after
 * `prompt`, sampled at `temperature` from the RNG seeded with `seed`; the worker streams each
 * character as it is drawn, then the attention maps of the last window of the text.
 */

/** the shipped model, relative to the page (the worker is given absolute URLs) */
export const MODEL_URL = './models/tang-gpt/model.safetensors';
export const VOCAB_URL = './models/tang-gpt/vocab.json';

export interface GenerateRequest {
  prompt: string;
  length: number;
  temperature: number;
  seed: number;
  /** pause between characters (ms), to watch the text come; 0: as fast as they are drawn */
  delayMs: number;
}

export type ToWorker =
  | { type: 'load'; modelUrl: string; vocabUrl: string }
  | ({ type: 'generate'; id: number } & GenerateRequest)
  | { type: 'stop' };

/**
 * The attention of the last window: `chars` (the window's characters, T of them) and, for layer l
 * and head h, `maps[l * heads + h]` the T x T row-major matrix p[i][j] (query i attends to key j;
 * 0 for j > i).
 */
export interface AttentionView {
  chars: string[];
  layers: number;
  heads: number;
  maps: Float32Array[];
}

export type FromWorker =
  | {
      type: 'ready';
      backend: string;
      wasmError: string | null;
      /** the vocabulary's characters (UNK excluded) */
      chars: string[];
      config: { contextSize: number; dModel: number; numHeads: number; numLayers: number; vocabSize: number };
      parameters: number;
      /** the checkpoint's metadata (corpus, steps, validLoss, ...) */
      metadata: Record<string, string>;
    }
  | { type: 'char'; id: number; char: string }
  | { type: 'done'; id: number; count: number; charsPerSecond: number; stopped: boolean; attention: AttentionView }
  | { type: 'error'; message: string };
