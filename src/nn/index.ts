/**
 * `nb.nn`: modules (layers, containers, losses), `nb.nn.functional`, `nb.nn.init`, `nb.nn.utils`.
 * Each line re-exports one file; add a line per new file.
 */
export { Module, Parameter, expectRank } from './module.js';
export type { StateDict, LoadStateDictOptions } from './module.js';
