/**
 * A character model on disk: a directory with
 *   model.safetensors   the state dict (PyTorch names), its CharLSTMConfig as JSON in the
 *                       metadata key `nabla.charlstm` (a CharGPT's CharGPTConfig in
 *                       `nabla.chargpt`), plus any extra string metadata
 *   vocab.json          the CharVocab ({ chars, unk }) and the same config, readable by eye
 * `saveCharModel` writes both; `loadCharModel` rebuilds the model and vocabulary (what
 * `nabla generate --checkpoint <dir>` reads).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NablaError } from '../core/errors.js';
import { loadSafetensors, save } from '../io/safetensors-file.js';
import { CharLSTM, type CharLSTMConfig } from './char-model.js';
import { CharGPT, type CharGPTConfig } from './gpt.js';
import { CharVocab, type CharVocabJSON } from './vocab.js';

const META_KEY = 'nabla.charlstm';
/** the metadata key of a CharGPT checkpoint (its CharGPTConfig) */
const GPT_KEY = 'nabla.chargpt';

/** A character language model that can be saved and sampled: the LSTM or the GPT. */
export type CharModel = CharLSTM | CharGPT;

export function saveCharModel(dir: string, model: CharModel, vocab: CharVocab, extra: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  const key = model instanceof CharGPT ? GPT_KEY : META_KEY;
  save(model.stateDict(), join(dir, 'model.safetensors'), { metadata: { ...extra, [key]: JSON.stringify(model.config) } });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ ...vocab.toJSON(), config: model.config }) + '\n');
}

export function loadCharModel(dir: string): { model: CharModel; vocab: CharVocab; metadata: Record<string, string> } {
  const modelPath = join(dir, 'model.safetensors');
  const vocabPath = join(dir, 'vocab.json');
  for (const p of [modelPath, vocabPath]) {
    if (!existsSync(p)) throw new NablaError(`loadCharModel: ${p} not found; a checkpoint directory holds model.safetensors and vocab.json (train one with \`npx tsx examples/char-lstm/train.ts\`)`);
  }
  const { tensors, metadata } = loadSafetensors(modelPath);
  const raw = metadata[META_KEY];
  const rawGpt = metadata[GPT_KEY];
  if (raw === undefined && rawGpt === undefined) {
    throw new NablaError(`loadCharModel: ${modelPath} has neither '${META_KEY}' nor '${GPT_KEY}' metadata (the model config); was it written by saveCharModel?`);
  }
  const vocab = CharVocab.fromJSON(JSON.parse(readFileSync(vocabPath, 'utf8')) as CharVocabJSON);
  const model: CharModel = rawGpt !== undefined ? new CharGPT(JSON.parse(rawGpt) as CharGPTConfig) : new CharLSTM(JSON.parse(raw!) as CharLSTMConfig);
  model.loadStateDict(tensors);
  model.eval();
  return { model, vocab, metadata };
}
