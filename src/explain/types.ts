/** The recorded training step, as plain data: what `Explanation.toJSON()` returns. */
import type { TensorSnapshot } from './snapshot.js';

export type Verbosity = 'brief' | 'normal' | 'full';

/** One fully connected layer l: z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}, a^{(l)} = sigma(z^{(l)}). */
export interface LayerStep {
  /** l = 1..L */
  index: number;
  /** the module path of its parameters ('0', 'fc1'; '' if they have no common prefix) */
  module: string;
  weightName: string;
  biasName: string | null;
  /** sigma: 'sigmoid', 'tanh', 'relu', ... or 'identity' */
  activation: string;
  /** 'rows': the tape computed z = a W^T + b on a batch of row vectors; 'cols': z = W a + b */
  layout: 'rows' | 'cols';
  /** true if a^{(l)} is the input of layer l+1 (a plain chain, where the seed's recursion applies) */
  feedsNext: boolean;
  W: TensorSnapshot;
  b: TensorSnapshot | null;
  /** a^{(l-1)} (x for l = 1) */
  aPrev: TensorSnapshot;
  z: TensorSnapshot;
  a: TensorSnapshot;
  /** dJ/da^{(l)}: grad_a J at the output, (W^{(l+1)})^T delta^{(l+1)} for a hidden layer (retained grad) */
  dJda: TensorSnapshot;
  /** sigma'(z^{(l)}), as the activation op's backward computes it */
  sigmaPrime: TensorSnapshot;
  /** delta^{(l)} = dJ/dz^{(l)} (the gradient autograd propagated into z) */
  delta: TensorSnapshot;
  gradW: {
    /** the contribution of the data loss, delta^{(l)} (a^{(l-1)})^T, read from the backward events */
    data: TensorSnapshot;
    /** lambda W^{(l)}, the L2 term's contribution (from the backward events), or null */
    l2: TensorSnapshot | null;
    /** W.grad after backward: exactly what autograd stored */
    total: TensorSnapshot;
  };
  /** b.grad after backward (= delta summed over the batch) */
  gradB: TensorSnapshot | null;
  /** parameters after the update */
  newW: TensorSnapshot;
  newB: TensorSnapshot | null;
}

export interface TapeEntry {
  op: string;
  inputs: string[];
  output: string;
  shape: number[];
}

export interface ExplanationData {
  format: 'nabla.explain/1';
  dtype: string;
  /** m: samples in the batch */
  batchSize: number;
  input: TensorSnapshot;
  target: TensorSnapshot;
  output: TensorSnapshot;
  loss: {
    name: string;
    /** J in LaTeX and plain text */
    tex: string;
    text: string;
    /** the data term (1/m) sum_i L(yhat_i, y_i) */
    data: number;
    /** (lambda/2) sum_l ||W^{(l)}||^2, 0 without weight decay */
    l2: number;
    /** J = data + l2, the number backward started from */
    value: number;
  };
  layers: LayerStep[];
  update: {
    /** 'SGD' when explain applied W := W - alpha dJ/dW itself, else the optimizer's class name */
    optimizer: string;
    lr: number | null;
    weightDecay: number;
    /** false if the parameters were restored after the step (options.apply = false) */
    applied: boolean;
  };
  /** parameters that are not part of a recognised layer, with their gradients */
  otherParams: { name: string; value: TensorSnapshot; grad: TensorSnapshot | null; newValue: TensorSnapshot }[];
  notes: string[];
  tape: { forward: TapeEntry[]; backward: TapeEntry[] };
}
