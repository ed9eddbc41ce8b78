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
import { save } from '../io/safetensors-file.js';
import { readRegularFile } from '../io/read-file.js';
import { CharGPT } from './gpt.js';
import type { CharVocab, CharVocabJSON } from './vocab.js';
import { charModelFromBytes, GPT_META_KEY, LSTM_META_KEY, type CharModel } from './checkpoint-bytes.js';

export type { CharModel } from './checkpoint-bytes.js';

export function saveCharModel(dir: string, model: CharModel, vocab: CharVocab, extra: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  const key = model instanceof CharGPT ? GPT_META_KEY : LSTM_META_KEY;
  save(model.stateDict(), join(dir, 'model.safetensors'), { metadata: { ...extra, [key]: JSON.stringify(model.config) } });
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify({ ...vocab.toJSON(), config: model.config }) + '\n');
}

export function loadCharModel(dir: string): { model: CharModel; vocab: CharVocab; metadata: Record<string, string> } {
  const modelPath = join(dir, 'model.safetensors');
  const vocabPath = join(dir, 'vocab.json');
  for (const p of [modelPath, vocabPath]) {
    if (!existsSync(p)) throw new NablaError(`loadCharModel: ${p} not found; a checkpoint directory holds model.safetensors and vocab.json (train one with \`npx tsx examples/char-lstm/train.ts\`)`);
  }
  const bytes = readRegularFile(modelPath, 'safetensors');
  return charModelFromBytes(bytes, JSON.parse(readFileSync(vocabPath, 'utf8')) as CharVocabJSON, modelPath);
}
