/** `nb.train`: the training loop, evaluation, checkpoints, progress bar and recipes. */
export { fit, evaluate, lossFunction } from './fit.js';
export type { LossLike, FitOptions, FitResult, EvalResult, EpochRecord, Callback, EarlyStoppingOptions, OptimizerLike, SchedulerLike, BatchSource } from './fit.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
export type { CheckpointData } from './checkpoint.js';
export { ProgressBar, formatDuration } from './progress.js';
export { MODELS, DATASETS, modelRecipe, datasetRecipe, asLayout } from './recipes.js';
export type { ModelRecipe, DatasetRecipe } from './recipes.js';
export { RunDir, lockOwnerAlive } from './run-dir.js';
export type { LockInfo, OpenRunOptions } from './run-dir.js';
