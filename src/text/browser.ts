/**
 * `nb.text` everywhere: character vocabularies, a character LSTM and a character GPT (decoder-only Transformer), sampling with a
 * temperature, and batches streamed from one long text. The Node entry adds Debian's fortune
 * corpora and the checkpoint directory (files on disk). Each line re-exports one file.
 */
export { CharVocab, UNK_CHAR } from './vocab.js';
export type { CharVocabOptions, CharVocabJSON } from './vocab.js';
export { CharLSTM } from './char-model.js';
export type { CharLSTMConfig, LSTMState } from './char-model.js';
export { CharGPT } from './gpt.js';
export type { CharGPTConfig, KVCache } from './gpt.js';
export { sampleText, sampleChars, sampleLogits } from './sample.js';
export type { SampleOptions } from './sample.js';
export { streamBatches } from './batches.js';
export type { StreamBatches } from './batches.js';
export { charModelFromBytes } from './checkpoint-bytes.js';
export type { CharModel } from './checkpoint-bytes.js';
