/** The messages between the playground page and its training worker. */
import type { DatasetName, Points } from './datasets.js';
import type { ExplanationData } from 'nabla';

export type Activation = 'relu' | 'tanh' | 'sigmoid';
export type OptimizerName = 'sgd' | 'adam';

export interface TrainConfig {
  dataset: DatasetName;
  n: number;
  noise: number;
  trainFraction: number;
  seed: number;
  hiddenLayers: number;
  width: number;
  activation: Activation;
  lr: number;
  optimizer: OptimizerName;
  l2: number;
  batchSize: number;
}

/** The half-width of the square the boundary is drawn over: [-EXTENT, EXTENT]^2. */
export const EXTENT = 1.25;
/** The boundary grid is GRID x GRID cells. */
export const GRID = 48;
/** Each neuron's activation map is NEURON_GRID x NEURON_GRID cells over the same square. */
export const NEURON_GRID = 16;

/** The network as drawn: layer sizes, each Linear's weight ([out, in] row-major), each unit's activation map. */
export interface NetworkView {
  sizes: number[];
  weights: Float32Array[];
  /** per layer after the input, per unit: NEURON_GRID^2 activations (the output unit: P(class 1)) */
  neurons: Float32Array[][];
}

export type ToWorker =
  | { type: 'config'; config: TrainConfig }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number }
  | { type: 'explain' }
  /** nb.explain's JSON of one SGD step on training point `index` (the network is not changed), for the step-through */
  | { type: 'stepThrough'; index: number };

export type FromWorker =
  | { type: 'ready'; backend: string; wasmError: string | null; threads: number; threadsNote: string | null; /** the wasm kernels' instruction set (wasm-simd128, wasm-relaxed-simd), null off wasm */ isa: string | null }
  | { type: 'data'; train: Points; test: Points }
  | {
      type: 'frame';
      step: number;
      trainLoss: number;
      testLoss: number;
      /** P(class 1) on the GRID x GRID grid, row 0 at y = +EXTENT */
      grid: Float32Array;
      stepsPerSecond: number;
      playing: boolean;
      network: NetworkView;
    }
  | { type: 'explain'; text: string; point: [number, number, number] }
  | { type: 'stepThrough'; data: ExplanationData; index: number; count: number; point: [number, number, number]; step: number }
  | { type: 'error'; message: string };
