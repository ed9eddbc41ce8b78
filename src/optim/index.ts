/** `nb.optim`: optimizers and learning-rate schedulers. Each line re-exports one file. */
export {};
export { Optimizer } from './optimizer.js';
export type { BaseHyper, ParamGroup, ParamGroupInput, ParamsInput, ParamState, OptimizerStateDict } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamBase } from './adam.js';
export type { AdamOptions } from './adam.js';
export { AdamW } from './adamw.js';
export { RMSprop } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { LRScheduler, StepLR, ExponentialLR, CosineAnnealingLR } from './scheduler.js';
export type { SchedulerStateDict, StepLROptions, ExponentialLROptions, CosineAnnealingLROptions } from './scheduler.js';
