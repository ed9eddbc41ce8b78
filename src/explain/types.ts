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

/** One Conv2d layer: the forward sum for one output element and one weight's gradient as a correlation. */
export interface ConvStep {
  /** k = 1.. in forward order among the conv layers */
  index: number;
  weightName: string;
  biasName: string | null;
  geometry: {
    inChannels: number;
    outChannels: number;
    kernel: [number, number];
    stride: [number, number];
    padding: [number, number];
    dilation: [number, number];
    groups: number;
    inputSize: [number, number];
    outputSize: [number, number];
    batch: number;
  };
  /** x [N, C, H, W] as the kernel read it */
  input: TensorSnapshot;
  /** W [C_out, C_in/groups, kh, kw] and b [C_out] before the update */
  W: TensorSnapshot;
  b: TensorSnapshot | null;
  /** z = W * x + b [N, C_out, outH, outW] (the layer's output) */
  z: TensorSnapshot;
  /** delta = dJ/dz, the upstream gradient the conv2d op received */
  delta: TensorSnapshot;
  /** z[n,o,p,q] = sum(patch ⊙ kernel) + b[o] */
  output: {
    at: [number, number, number, number];
    /** the input channels the kernel reads (its group) */
    channels: number[];
    /** input rows and columns under the kernel (outside 0..H-1 / 0..W-1: zero padding) */
    rows: number[];
    cols: number[];
    /** [C_in/groups, kh, kw] */
    patch: TensorSnapshot;
    kernel: TensorSnapshot;
    products: TensorSnapshot;
    /** the sum of the products (float64) */
    sum: number;
    bias: number | null;
    /** z[n,o,p,q] as the layer computed it */
    value: number;
  };
  /** dJ/dW[o,c,i,j] = sum_{n,p,q} delta[n,o,p,q] x[n, c, p s + i d - pad, q s + j d - pad] (+ lambda W[o,c,i,j]) */
  weight: {
    at: [number, number, number, number];
    /** the input channel c refers to (group offset added) */
    inputChannel: number;
    /** [N, outH, outW]: the input value tap (i, j) saw at each output position */
    windows: TensorSnapshot;
    /** [N, outH, outW]: delta[:, o] */
    delta: TensorSnapshot;
    products: TensorSnapshot;
    sum: number;
    /** lambda W[o,c,i,j] with weight decay, else null */
    l2: number | null;
    /** W.grad[o,c,i,j] */
    grad: number;
    /** x[0, c] [H, W] and delta[0, o] [outH, outW]: the maps whose correlation is dJ/dW[o, c] */
    inputMap: TensorSnapshot;
    deltaMap: TensorSnapshot;
    /** the loss part of dJ/dW[o, c] [kh, kw], and W.grad[o, c] */
    kernelGrad: TensorSnapshot;
    kernelGradTotal: TensorSnapshot;
  };
  gradW: { data: TensorSnapshot; l2: TensorSnapshot | null; total: TensorSnapshot };
  gradB: TensorSnapshot | null;
  newW: TensorSnapshot;
  newB: TensorSnapshot | null;
}

/** One LSTM time step forward (vectors [B, n], one row per sample). */
export interface LSTMForwardStep {
  /** t = 1..T (time position of the input) */
  t: number;
  x: TensorSnapshot;
  hPrev: TensorSnapshot;
  cPrev: TensorSnapshot;
  /** z_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh [B, 4H] (gates i, f, g, o stacked) */
  z: TensorSnapshot;
  i: TensorSnapshot;
  f: TensorSnapshot;
  g: TensorSnapshot;
  o: TensorSnapshot;
  tanhC: TensorSnapshot;
  /** c_t and h_t as the layer computed them */
  c: TensorSnapshot;
  h: TensorSnapshot;
}

/** One LSTM time step of backpropagation through time. */
export interface LSTMBackStep {
  t: number;
  /** dJ/dh_t arriving from the layer's output, and W_hh^T delta_{t+1} from the next step */
  dhOut: TensorSnapshot;
  dhNext: TensorSnapshot;
  /** dJ/dh_t (all paths) */
  dh: TensorSnapshot;
  /** dJ/dc_t from outside (nonzero for the final c_T if the loss uses it) */
  dcOut: TensorSnapshot;
  /** dJ/dh_t ⊙ o_t ⊙ (1 - tanh^2 c_t) */
  dcViaH: TensorSnapshot;
  /** dJ/dc_{t+1} ⊙ f_{t+1} */
  dcNext: TensorSnapshot;
  /** dJ/dc_t (all paths) */
  dc: TensorSnapshot;
  /** delta_t = dJ/dz_t [B, 4H], as the fused op's backward computed it */
  delta: TensorSnapshot;
}

/** One LSTM layer (one direction): gates per step and BPTT. */
export interface LSTMStep {
  index: number;
  names: { Wih: string; Whh: string; bih: string | null; bhh: string | null };
  reverse: boolean;
  steps: number;
  batch: number;
  inputSize: number;
  hiddenSize: number;
  Wih: TensorSnapshot;
  Whh: TensorSnapshot;
  bih: TensorSnapshot | null;
  bhh: TensorSnapshot | null;
  h0: TensorSnapshot;
  c0: TensorSnapshot;
  /** in processing order (t = 1..T, or T..1 for a reverse direction) */
  forward: LSTMForwardStep[];
  /** in backpropagation order (the reverse of forward) */
  backward: LSTMBackStep[];
  dh0: TensorSnapshot;
  dc0: TensorSnapshot;
  grads: {
    Wih: { data: TensorSnapshot; l2: TensorSnapshot | null; total: TensorSnapshot };
    Whh: { data: TensorSnapshot; l2: TensorSnapshot | null; total: TensorSnapshot };
    bih: TensorSnapshot | null;
    bhh: TensorSnapshot | null;
  };
  /** max |recomputed - recorded| over every c_t, h_t (0 up to float rounding) */
  maxForwardError: number;
  /** max |recomputed delta_t - the fused op's delta_t| */
  maxDeltaError: number;
  newWih: TensorSnapshot;
  newWhh: TensorSnapshot;
  newBih: TensorSnapshot | null;
  newBhh: TensorSnapshot | null;
}

export interface TapeEntry {
  op: string;
  inputs: string[];
  output: string;
  shape: number[];
}

/**
 * One attention head (batch element 0, head 0 of the first attention layer) with autograd's
 * gradients: Q [L, d], K [S, d], V [S, d_v], S = scale Q K^T, M the mask (0 / -inf), the masked
 * scores S + M, P = softmax rows, O = P V, and dJ/d of O, P, S + M, Q, K, V.
 */
export interface AttentionStep {
  heads: number;
  scale: number;
  causal: boolean;
  Q: TensorSnapshot;
  K: TensorSnapshot;
  V: TensorSnapshot;
  S: TensorSnapshot;
  M: TensorSnapshot;
  Smasked: TensorSnapshot;
  P: TensorSnapshot;
  O: TensorSnapshot;
  dO: TensorSnapshot;
  dP: TensorSnapshot;
  dS: TensorSnapshot;
  dQ: TensorSnapshot;
  dK: TensorSnapshot;
  dV: TensorSnapshot;
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
  /** Conv2d layers, in forward order */
  convs: ConvStep[];
  /** LSTM layers (one entry per layer and direction), in forward order */
  lstms: LSTMStep[];
  /** the first attention layer's head 0 on batch element 0, if the model has attention */
  attention?: AttentionStep;
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
