/**
 * `nb.train` in Node: everything of browser.ts (the training loop, evaluation, progress bar,
 * checkpoints as bytes, the named models) plus checkpoint files and the dataset recipes of `npx nabla train`.
 */
export * from './browser.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint-file.js';
export { DATASETS, datasetRecipe, asLayout } from './recipes.js';
export type { DatasetRecipe } from './recipes.js';
export { RunDir, lockOwnerAlive } from './run-dir.js';
export type { LockInfo, OpenRunOptions } from './run-dir.js';
