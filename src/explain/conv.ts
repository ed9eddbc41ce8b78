/**
 * A convolution layer read off the tape: the `conv2d` forward event (inputs [x, W] or [x, W, b]
 * with the bias added by the kernel, attrs stride/padding/dilation/groups), or a bias `add`
 * after a bias-free conv2d, and the `conv2d` backward event
 * (dJ/dz arriving at the layer, the op's own dJ/dW). For one chosen output element:
 *
 *   z[n,o,p,q] = b[o] + sum_{c,i,j} W[o,c,i,j] x[n, c, p s_H - pad_H + i d_H, q s_W - pad_W + j d_W]
 *
 * (the patch of x under the kernel, the products, their sum plus the bias), and for one chosen
 * weight, its gradient as the correlation of the input with the upstream delta:
 *
 *   dJ/dW[o,c,i,j] = sum_{n,p,q} delta[n,o,p,q] x[n, c, p s_H - pad_H + i d_H, q s_W - pad_W + j d_W]
 *
 * The products and sums are plain float64 arithmetic on the recorded values (what the kernel's
 * GEMM computed, in another order); the output value and every gradient shown are the recorded
 * ones (the layer's output, the parameters' `.grad`).
 */
import type { Tensor } from '../core/tensor.js';
import type { BackwardEvent, ForwardEvent } from '../core/events.js';
import { NablaError } from '../core/errors.js';
import type { Tape } from './tape.js';
import { snapshot, snapshotOf, type TensorSnapshot } from './snapshot.js';
import type { ConvStep } from './types.js';

export interface FoundConv {
  event: ForwardEvent;
  /** the input the kernel read (already padded if padding was 'same' with an odd total) */
  x: Tensor;
  /** the conv2d op's output (before the bias if that is a separate add, else z itself) */
  y: Tensor;
  W: Tensor;
  b: Tensor | null;
  /** the layer's output z = y + b */
  z: Tensor;
}

/** The conv2d layers of the forward pass, in order. */
export function findConvs(tape: Tape): FoundConv[] {
  const out: FoundConv[] = [];
  for (const e of tape.events) {
    if (e.op !== 'conv2d' || (e.inputs.length !== 2 && e.inputs.length !== 3)) continue;
    const [x, wc, bc] = e.inputs as [Tensor, Tensor, Tensor | undefined];
    const W = tape.leafBehind(wc) ?? wc;
    let b: Tensor | null = bc === undefined ? null : (tape.leafBehind(bc) ?? bc);
    let z = e.output;
    for (const c of bc === undefined ? (tape.consumers.get(e.output) ?? []) : []) {
      if (c.op !== 'add' || c.inputs.length !== 2) continue;
      const other = c.inputs[0] === e.output ? c.inputs[1]! : c.inputs[0]!;
      const leaf = tape.leafBehind(other);
      if (leaf !== null && leaf.ndim === 1) {
        b = leaf;
        z = c.output;
        break;
      }
    }
    out.push({ event: e, x, y: e.output, W, b, z });
  }
  return out;
}

/** Where conv explain looks: one output element and one weight (defaults chosen by `defaultFocus`). */
export interface ConvFocus {
  /** [n, o, p, q]: sample, output channel, row, column of the output element narrated */
  output?: [number, number, number, number];
  /** [o, c, i, j]: the weight whose gradient is written out as a correlation */
  weight?: [number, number, number, number];
}

const pair2 = (v: unknown, d: number): [number, number] => (Array.isArray(v) && v.length === 2 ? [Number(v[0]), Number(v[1])] : [d, d]);

function checkIndex(what: string, idx: readonly number[], shape: readonly number[]): void {
  if (idx.length !== shape.length || idx.some((v, k) => !Number.isInteger(v) || v < 0 || v >= shape[k]!)) {
    throw new NablaError(`explain: focus.${what} [${idx.join(', ')}] is outside the shape [${shape.join(', ')}]; give ${shape.length} indices, each from 0 to its size - 1`);
  }
}

/**
 * Copies out one conv layer's step. `gradOf(t)` is the gradient autograd stored; `dataL2` splits a
 * parameter's gradient into the loss part and the L2 part (from the backward events).
 */
export function recordConv(
  f: FoundConv,
  index: number,
  bwd: readonly BackwardEvent[],
  before: Map<Tensor, TensorSnapshot>,
  names: { weight: string; bias: string | null },
  split: { data: TensorSnapshot; l2: TensorSnapshot | null },
  lambda: number,
  focus: ConvFocus = {},
): ConvStep {
  const attrs = f.event.attrs ?? {};
  const [sH, sW] = pair2(attrs['stride'], 1);
  const [pH, pW] = pair2(attrs['padding'], 0);
  const [dH, dW] = pair2(attrs['dilation'], 1);
  const groups = typeof attrs['groups'] === 'number' ? attrs['groups'] : 1;
  const [N, C, H, Wd] = f.x.shape as [number, number, number, number];
  const [O, Cg, kh, kw] = f.W.shape as [number, number, number, number];
  const [, , oh, ow] = f.y.shape as [number, number, number, number];
  const x = Array.from(f.x.data(), Number);
  const Wv = before.get(f.W) ?? snapshot(f.W);
  const bv = f.b === null ? null : (before.get(f.b) ?? snapshot(f.b));
  const z = snapshot(f.z);
  const be = bwd.find((e) => e.op === 'conv2d' && e.output === f.y);
  if (be === undefined) throw new NablaError('explain: the conv2d layer received no gradient (is its output used by the loss?)');
  const delta = snapshot(be.grad);
  const Og = O / groups;
  const xAt = (n: number, c: number, r: number, s: number): number => (r < 0 || r >= H || s < 0 || s >= Wd ? 0 : x[((n * C + c) * H + r) * Wd + s]!);

  const fo = focus.output ?? [0, 0, Math.floor((oh - 1) / 2), Math.floor((ow - 1) / 2)];
  checkIndex('output', fo, [N, O, oh, ow]);
  const [n0, o0, p0, q0] = fo;
  const c0 = Math.floor(o0 / Og) * Cg; // first input channel of the output channel's group
  const rows = Array.from({ length: kh }, (_, i) => p0 * sH - pH + i * dH);
  const cols = Array.from({ length: kw }, (_, j) => q0 * sW - pW + j * dW);
  const patch: number[] = [];
  const kernel: number[] = [];
  const products: number[] = [];
  let sum = 0;
  for (let c = 0; c < Cg; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const xv = xAt(n0, c0 + c, rows[i]!, cols[j]!);
        const wv = Wv.data[((o0 * Cg + c) * kh + i) * kw + j]!;
        patch.push(xv);
        kernel.push(wv);
        products.push(xv * wv);
        sum += xv * wv;
      }
    }
  }
  const bias = bv === null ? 0 : bv.data[o0]!;
  const value = z.data[((n0 * O + o0) * oh + p0) * ow + q0]!;

  const fw = focus.weight ?? [o0, 0, 0, 0];
  checkIndex('weight', fw, [O, Cg, kh, kw]);
  const [o1, c1, i1, j1] = fw;
  const cIn = Math.floor(o1 / Og) * Cg + c1;
  const windows: number[] = [];
  const dmap: number[] = [];
  const terms: number[] = [];
  let gsum = 0;
  for (let n = 0; n < N; n++) {
    for (let p = 0; p < oh; p++) {
      for (let q = 0; q < ow; q++) {
        const xv = xAt(n, cIn, p * sH - pH + i1 * dH, q * sW - pW + j1 * dW);
        const dv = delta.data[((n * O + o1) * oh + p) * ow + q]!;
        windows.push(xv);
        dmap.push(dv);
        terms.push(xv * dv);
        gsum += xv * dv;
      }
    }
  }
  const wIdx = ((o1 * Cg + c1) * kh + i1) * kw + j1;
  const gradTotal = f.W.grad ? snapshot(f.W.grad) : snapshotOf([O, Cg, kh, kw], new Array<number>(O * Cg * kh * kw).fill(0));
  const kslice = (t: TensorSnapshot): number[] => t.data.slice((o1 * Cg + c1) * kh * kw, (o1 * Cg + c1 + 1) * kh * kw);
  const xChannel = x.slice((0 * C + cIn) * H * Wd, (0 * C + cIn + 1) * H * Wd);
  const dChannel = delta.data.slice((0 * O + o1) * oh * ow, (0 * O + o1 + 1) * oh * ow);

  return {
    index,
    weightName: names.weight,
    biasName: names.bias,
    geometry: { inChannels: C, outChannels: O, kernel: [kh, kw], stride: [sH, sW], padding: [pH, pW], dilation: [dH, dW], groups, inputSize: [H, Wd], outputSize: [oh, ow], batch: N },
    input: snapshotOf([N, C, H, Wd], x),
    W: Wv,
    b: bv,
    z,
    delta,
    output: {
      at: [n0, o0, p0, q0],
      channels: Array.from({ length: Cg }, (_, c) => c0 + c),
      rows,
      cols,
      patch: snapshotOf([Cg, kh, kw], patch),
      kernel: snapshotOf([Cg, kh, kw], kernel),
      products: snapshotOf([Cg, kh, kw], products),
      sum,
      bias: bv === null ? null : bias,
      value,
    },
    weight: {
      at: [o1, c1, i1, j1],
      inputChannel: cIn,
      windows: snapshotOf([N, oh, ow], windows),
      delta: snapshotOf([N, oh, ow], dmap),
      products: snapshotOf([N, oh, ow], terms),
      sum: gsum,
      l2: split.l2 === null ? null : lambda * Wv.data[wIdx]!,
      grad: gradTotal.data[wIdx]!,
      inputMap: snapshotOf([H, Wd], xChannel),
      deltaMap: snapshotOf([oh, ow], dChannel),
      kernelGrad: snapshotOf([kh, kw], kslice(split.data)),
      kernelGradTotal: snapshotOf([kh, kw], kslice(gradTotal)),
    },
    gradW: { data: split.data, l2: split.l2, total: gradTotal },
    gradB: f.b === null ? null : f.b.grad ? snapshot(f.b.grad) : snapshotOf([O], new Array<number>(O).fill(0)),
    newW: gradTotal, // replaced after the update
    newB: null,
  };
}
