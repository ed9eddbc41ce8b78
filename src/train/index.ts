/**
 * `nb.train` in Node: everything of browser.ts (the training loop, evaluation, progress bar,
 * checkpoints as bytes) plus checkpoint files and the recipes of `npx nabla train`.
 */
export * from './browser.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint-file.js';
export { MODELS, DATASETS, modelRecipe, datasetRecipe, asLayout } from './recipes.js';
export type { ModelRecipe, DatasetRecipe } from './recipes.js';
export { RunDir, lockOwnerAlive } from './run-dir.js';
export type { LockInfo, OpenRunOptions } from './run-dir.js';
