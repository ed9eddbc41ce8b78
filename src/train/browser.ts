/**
 * `nb.train` everywhere: the training loop (`fit`, `evaluate`), the progress bar, checkpoints as
 * bytes, and the named models of `npx nabla train` (to rebuild a network the CLI trained). The
 * Node entry adds the run directory (`outDir`, `resume`), checkpoint files and the dataset recipes.
 */
export { fit, evaluate, lossFunction } from './fit.js';
export type { LossLike, FitOptions, FitResult, EvalResult, EpochRecord, Callback, EarlyStoppingOptions, OptimizerLike, SchedulerLike, BatchSource } from './fit.js';
export { serializeCheckpoint, deserializeCheckpoint } from './checkpoint.js';
export type { CheckpointData } from './checkpoint.js';
export { ProgressBar, formatDuration } from './progress.js';
export type { ProgressOptions } from './progress.js';
export { MODELS, modelRecipe } from './models.js';
export type { ModelRecipe } from './models.js';
