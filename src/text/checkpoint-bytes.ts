/**
 * A character model from bytes: the `model.safetensors` and `vocab.json` of a checkpoint directory
 * (see checkpoint.ts) as fetched by a page or read from disk. The model's config is the JSON in the
 * safetensors metadata key `nabla.chargpt` (a CharGPT) or `nabla.charlstm` (a CharLSTM).
 *
 *   const [bytes, vocab] = await Promise.all([fetch(url).then((r) => r.arrayBuffer()), fetch(vocabUrl).then((r) => r.json())]);
 *   const { model } = nb.text.charModelFromBytes(new Uint8Array(bytes), vocab);
 */
import { NablaError } from '../core/errors.js';
import { parseSafetensors } from '../io/safetensors.js';
import { CharLSTM, type CharLSTMConfig } from './char-model.js';
import { CharGPT, type CharGPTConfig } from './gpt.js';
import { CharVocab, type CharVocabJSON } from './vocab.js';

/** the metadata key of a CharLSTM checkpoint (its CharLSTMConfig) */
export const LSTM_META_KEY = 'nabla.charlstm';
/** the metadata key of a CharGPT checkpoint (its CharGPTConfig) */
export const GPT_META_KEY = 'nabla.chargpt';

/** A character language model that can be saved and sampled: the LSTM or the GPT. */
export type CharModel = CharLSTM | CharGPT;

/** Rebuilds a saved character model (in eval mode) and its vocabulary; `source` names the bytes in errors. */
export function charModelFromBytes(bytes: Uint8Array, vocabJson: CharVocabJSON, source = '<bytes>'): { model: CharModel; vocab: CharVocab; metadata: Record<string, string> } {
  const { tensors, metadata } = parseSafetensors(bytes, source);
  const raw = metadata[LSTM_META_KEY];
  const rawGpt = metadata[GPT_META_KEY];
  if (raw === undefined && rawGpt === undefined) {
    throw new NablaError(`charModelFromBytes: ${source} has neither '${LSTM_META_KEY}' nor '${GPT_META_KEY}' metadata (the model config); was it written by saveCharModel?`);
  }
  const vocab = CharVocab.fromJSON(vocabJson);
  const model: CharModel = rawGpt !== undefined ? new CharGPT(JSON.parse(rawGpt) as CharGPTConfig) : new CharLSTM(JSON.parse(raw!) as CharLSTMConfig);
  if (model.config.vocabSize !== vocab.size) {
    throw new NablaError(`charModelFromBytes: ${source} was built for ${model.config.vocabSize} characters but the vocabulary has ${vocab.size} ids; use the vocab.json saved with it`);
  }
  model.loadStateDict(tensors);
  model.eval();
  return { model, vocab, metadata };
}
