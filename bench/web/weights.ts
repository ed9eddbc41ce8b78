/**
 * One set of W2 MLP weights (784-256-128-10) that every library's cell can start from, drawn like
 * PyTorch's nn.Linear default (uniform in +-1/sqrt(fan_in) for weights and biases) from a seeded
 * generator; laid out [out, in] as in PyTorch and nabla. The timed cells use them so that the
 * peers and nabla train the same network, and the parity tests (test/bench) feed the same weights
 * to each library and compare outputs and loss trajectories.
 */
import { mulberry32 } from '../lib/rng.js';

export interface MlpWeights {
  w1: Float32Array; b1: Float32Array;
  w2: Float32Array; b2: Float32Array;
  w3: Float32Array; b3: Float32Array;
}

export const MLP_SIZES = [784, 256, 128, 10] as const;

export function mlpWeights(seed: number): MlpWeights {
  const r = mulberry32(seed + 1000);
  const u = (len: number, fanIn: number): Float32Array => {
    const b = 1 / Math.sqrt(fanIn);
    const a = new Float32Array(len);
    for (let i = 0; i < len; i++) a[i] = (2 * r() - 1) * b;
    return a;
  };
  return {
    w1: u(256 * 784, 784), b1: u(256, 784),
    w2: u(128 * 256, 256), b2: u(128, 256),
    w3: u(10 * 128, 128), b3: u(10, 128),
  };
}
