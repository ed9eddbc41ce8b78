/**
 * `nb.text`: character vocabularies, Debian's fortune corpora (English; Tang and Song poems), a
 * character LSTM language model, sampling with a temperature, and its checkpoint directory.
 * Each line re-exports one file.
 */
export { CharVocab, UNK_CHAR } from './vocab.js';
export type { CharVocabOptions, CharVocabJSON } from './vocab.js';
export { fortunesCorpus, stripAnsi, FORTUNES_DIR, CORPORA } from './corpus.js';
export type { CorpusName, TextCorpus, CorpusOptions } from './corpus.js';
export { CharLSTM } from './char-model.js';
export type { CharLSTMConfig, LSTMState } from './char-model.js';
export { sampleText, sampleLogits } from './sample.js';
export type { SampleOptions } from './sample.js';
export { saveCharModel, loadCharModel } from './checkpoint.js';
export type { CharModel } from './checkpoint.js';
export { streamBatches } from './batches.js';
export type { StreamBatches } from './batches.js';
export { CharGPT } from './gpt.js';
export type { CharGPTConfig, KVCache } from './gpt.js';
