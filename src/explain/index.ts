/** `nb.explain` (one training step narrated in the seed's notation) and `nb.graph` (the autograd graph). */
export { explain, Explanation } from './explain.js';
export type { ExplainOptions } from './explain.js';
export type { ExplainModel, ExplainOptimizer, RecordOptions } from './record.js';
export type { RenderOptions } from './doc.js';
export type { HtmlOptions } from './html.js';
export type { ExplanationData, LayerStep, TapeEntry, Verbosity } from './types.js';
export type { TensorSnapshot } from './snapshot.js';
export type { LossName, LossFunction } from './losses.js';
export { graph, AutogradGraph } from './graph.js';
export type { GraphNode, GraphOptions } from './graph.js';
