/**
 * `nb.train` everywhere: the training loop (`fit`, `evaluate`), the progress bar, and checkpoints
 * as bytes. The Node entry adds the run directory (`outDir`, `resume`), checkpoint files and the
 * recipes of `npx nabla train`.
 */
export { fit, evaluate, lossFunction } from './fit.js';
export type { LossLike, FitOptions, FitResult, EvalResult, EpochRecord, Callback, EarlyStoppingOptions, OptimizerLike, SchedulerLike, BatchSource } from './fit.js';
export { serializeCheckpoint, deserializeCheckpoint } from './checkpoint.js';
export type { CheckpointData } from './checkpoint.js';
export { ProgressBar, formatDuration } from './progress.js';
export type { ProgressOptions } from './progress.js';
