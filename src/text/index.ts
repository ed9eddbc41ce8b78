/**
 * `nb.text` in Node: everything of browser.ts (vocabularies, the character LSTM, sampling,
 * streamed batches) plus Debian's fortune corpora (English; Tang and Song poems) read from disk
 * and the character model's checkpoint directory. Each line re-exports one file.
 */
export * from './browser.js';
export { fortunesCorpus, stripAnsi, FORTUNES_DIR, CORPORA } from './corpus.js';
export type { CorpusName, TextCorpus, CorpusOptions } from './corpus.js';
export { saveCharModel, loadCharModel } from './checkpoint.js';
