/**
 * Transformer blocks with PyTorch's structure, names and state-dict keys (Vaswani et al., 2017):
 * `TransformerEncoderLayer`, `TransformerDecoderLayer`, and the stacks `TransformerEncoder`,
 * `TransformerDecoder` (N deep copies of one layer, `layers.0.*`, ..., plus an optional final
 * `norm`). One encoder layer, with SA = self-attention and FF(x) = W2 act(W1 x + b1) + b2:
 *
 *   post-norm (default):   x = LN1(x + SA(x));      x = LN2(x + FF(x))
 *   pre-norm (normFirst):  x = x + SA(LN1(x));      x = x + FF(LN2(x))
 *
 * A decoder layer adds cross-attention to the encoder's output (memory) between the two, with its
 * own norm (norm2; the feed-forward's becomes norm3). Dropout follows each block and the
 * activation inside FF.
 */
import { Tensor } from '../core/tensor.js';
import type { FloatDType } from '../core/dtype.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { isGradEnabled } from '../core/autograd.js';
import { relu } from '../ops/elementwise.js';
import { where } from '../ops/indexing.js';
import { gelu } from '../functional/activation.js';
import { causalMask } from '../functional/attention.js';
import { Module, assertModule } from './module.js';
import { MultiheadAttention } from './attention.js';
import { Linear } from './linear.js';
import { LayerNorm } from './layernorm.js';
import { Dropout } from './dropout.js';
import { ModuleList } from './container.js';
import { cloneModule } from './clone.js';

/** The feed-forward activation: 'relu' (default), 'gelu' (exact), a function, or a module. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor) | Module;

export interface TransformerLayerOptions {
  /** width of the feed-forward's hidden layer (default 2048) */
  dimFeedforward?: number;
  /** dropout probability (default 0.1) */
  dropout?: number;
  activation?: TransformerActivation;
  /** eps of the layer norms (default 1e-5) */
  layerNormEps?: number;
  /** inputs [N, L, E] instead of [L, N, E] (default false) */
  batchFirst?: boolean;
  /** pre-norm: normalise before each block instead of after the residual sum (default false) */
  normFirst?: boolean;
  /** biases in the linear layers, attention and norms (default true) */
  bias?: boolean;
  dtype?: FloatDType;
}

export interface EncoderLayerForwardOptions {
  /** [L, L] or [N*H, L, L]: true / -inf = not allowed */
  srcMask?: Tensor | null;
  /** shape [N, L]; true / -inf = padding */
  srcKeyPaddingMask?: Tensor | null;
  /** mask out positions j > i (in addition to srcMask) */
  isCausal?: boolean;
}

function activationFn(a: TransformerActivation): [(x: Tensor) => Tensor, string] {
  if (a === 'relu') return [relu, 'relu'];
  if (a === 'gelu') return [(x) => gelu(x), 'gelu'];
  if (a instanceof Module) return [(x) => (a as Module).forward(x), a.constructor.name];
  if (typeof a === 'function') return [a, a.name || 'custom'];
  throw new NablaError(`Transformer layer: activation should be 'relu', 'gelu', a function or a module, got ${String(a)}`);
}

/** The options both layer kinds resolve the same way (defaults as PyTorch's), checked once. */
function layerConfig(where: string, dModel: number, nhead: number, opts: TransformerLayerOptions) {
  const dff = opts.dimFeedforward ?? 2048;
  const p = opts.dropout ?? 0.1;
  checkDims(where, dModel, nhead, dff, p);
  const a = opts.activation ?? 'relu';
  const [fn, activationName] = activationFn(a);
  return {
    dff, p, dtype: opts.dtype ?? 'float32', bias: opts.bias !== false, eps: opts.layerNormEps ?? 1e-5,
    batchFirst: opts.batchFirst ?? false, normFirst: opts.normFirst ?? false,
    // a module given as the activation is kept as a child (its parameters are the layer's), as in PyTorch
    activation: a instanceof Module ? a : fn,
    activationName,
  };
}

/** The position-wise feed-forward block: out(linear2(dropout(activation(linear1(x))))). */
function feedForward(l: { linear1: Linear; dropout: Dropout; linear2: Linear; activation: ((x: Tensor) => Tensor) | Module }, out: Dropout, x: Tensor): Tensor {
  return out.forward(l.linear2.forward(l.dropout.forward(applyActivation(l.activation, l.linear1.forward(x)))));
}

function checkDims(where: string, dModel: number, nhead: number, dff: number, p: number): void {
  for (const [k, v] of [['dModel', dModel], ['nhead', nhead], ['dimFeedforward', dff]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new NablaError(`${where}: ${k} must be a positive integer, got ${v}`);
  }
  if (dModel % nhead !== 0) throw new NablaError(`${where}: dModel ${dModel} must be divisible by nhead ${nhead}`);
  if (!(p >= 0 && p <= 1)) throw new NablaError(`${where}: dropout must be in [0, 1], got ${p}`);
}

export class TransformerEncoderLayer extends Module<[Tensor, EncoderLayerForwardOptions?]> {
  self_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  /** the feed-forward activation (a module given as the activation is a child, as in PyTorch) */
  activation: ((x: Tensor) => Tensor) | Module;
  readonly activationName: string;

  constructor(readonly dModel: number, readonly nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const c = layerConfig('TransformerEncoderLayer', dModel, nhead, opts);
    const { dff, p, dtype, bias, eps } = c;
    this.batchFirst = c.batchFirst;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: this.batchFirst, bias, dtype });
    this.linear1 = new Linear(dModel, dff, { bias, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dff, dModel, { bias, dtype });
    this.normFirst = c.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, bias, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activationName = c.activationName;
    this.activation = c.activation;
  }

  /** camelCase alias of `self_attn` (the field keeps PyTorch's name for the state-dict keys) */
  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  forward(src: Tensor, opts: EncoderLayerForwardOptions = {}): Tensor {
    if (!(src instanceof Tensor)) throw new NablaError('TransformerEncoderLayer: src must be a Tensor');
    if (src.ndim !== 2 && src.ndim !== 3) throw new ShapeError(`TransformerEncoderLayer: expected src [L, E] or a batch ${this.batchFirst ? '[N, L, E]' : '[L, N, E]'}, got ${fmtShape(src.shape)}`);
    const sa = (x: Tensor): Tensor =>
      this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, needWeights: false, isCausal: opts.isCausal })[0]);
    let x = src;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(this.ff(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(x.add(sa(x)));
      x = this.norm2.forward(x.add(this.ff(x)));
    }
    return x;
  }

  private ff(x: Tensor): Tensor {
    return feedForward(this, this.dropout2, x);
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, activation=${this.activationName}, normFirst=${this.normFirst}, batchFirst=${this.batchFirst}`;
  }
}

function applyActivation(a: ((x: Tensor) => Tensor) | Module, x: Tensor): Tensor {
  return a instanceof Module ? (a as Module).forward(x) : a(x);
}

export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

export class TransformerDecoderLayer extends Module<[Tensor, Tensor, DecoderLayerForwardOptions?]> {
  self_attn: MultiheadAttention;
  multihead_attn: MultiheadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  norm3: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  dropout3: Dropout;
  readonly normFirst: boolean;
  readonly batchFirst: boolean;
  activation: ((x: Tensor) => Tensor) | Module;
  readonly activationName: string;

  constructor(readonly dModel: number, readonly nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const c = layerConfig('TransformerDecoderLayer', dModel, nhead, opts);
    const { dff, p, dtype, bias, eps } = c;
    this.batchFirst = c.batchFirst;
    this.self_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: this.batchFirst, bias, dtype });
    this.multihead_attn = new MultiheadAttention(dModel, nhead, { dropout: p, batchFirst: this.batchFirst, bias, dtype });
    this.linear1 = new Linear(dModel, dff, { bias, dtype });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dff, dModel, { bias, dtype });
    this.normFirst = c.normFirst;
    this.norm1 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm2 = new LayerNorm(dModel, { eps, bias, dtype });
    this.norm3 = new LayerNorm(dModel, { eps, bias, dtype });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    this.activationName = c.activationName;
    this.activation = c.activation;
  }

  get selfAttn(): MultiheadAttention {
    return this.self_attn;
  }

  get multiheadAttn(): MultiheadAttention {
    return this.multihead_attn;
  }

  forward(tgt: Tensor, memory: Tensor, opts: DecoderLayerForwardOptions = {}): Tensor {
    if (!(tgt instanceof Tensor) || !(memory instanceof Tensor)) throw new NablaError('TransformerDecoderLayer: tgt and memory must be Tensors');
    const sa = (x: Tensor): Tensor =>
      this.dropout1.forward(this.self_attn.forward(x, x, x, { attnMask: opts.tgtMask, keyPaddingMask: opts.tgtKeyPaddingMask, needWeights: false, isCausal: opts.tgtIsCausal })[0]);
    const mha = (x: Tensor): Tensor =>
      this.dropout2.forward(
        this.multihead_attn.forward(x, memory, memory, { attnMask: opts.memoryMask, keyPaddingMask: opts.memoryKeyPaddingMask, needWeights: false, isCausal: opts.memoryIsCausal })[0],
      );
    const ff = (x: Tensor): Tensor => feedForward(this, this.dropout3, x);
    let x = tgt;
    if (this.normFirst) {
      x = x.add(sa(this.norm1.forward(x)));
      x = x.add(mha(this.norm2.forward(x)));
      x = x.add(ff(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(x.add(sa(x)));
      x = this.norm2.forward(x.add(mha(x)));
      x = this.norm3.forward(x.add(ff(x)));
    }
    return x;
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, activation=${this.activationName}, normFirst=${this.normFirst}, batchFirst=${this.batchFirst}`;
  }
}

export interface TransformerEncoderOptions {
  /** a final normalisation applied to the last layer's output (PyTorch's `norm`) */
  norm?: Module | null;
  /**
   * PyTorch 1.13's evaluation fast path (default true): in eval mode without gradients, for a
   * post-norm batch-first stack given only a left-aligned srcKeyPaddingMask, the padded positions
   * of the output are 0 and the output is only as long as the longest unpadded sequence (PyTorch
   * runs the layers on nested tensors without the padding, then pads back to that length).
   * Outputs at the other positions are the same either way.
   */
  enableNestedTensor?: boolean;
}

export interface EncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

export class TransformerEncoder extends Module<[Tensor, EncoderForwardOptions?]> {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;
  readonly enableNestedTensor: boolean;

  constructor(encoderLayer: Module<[Tensor, EncoderLayerForwardOptions?]>, numLayers: number, opts: TransformerEncoderOptions = {}) {
    super();
    assertModule(encoderLayer, 'TransformerEncoder');
    if (!Number.isInteger(numLayers) || numLayers <= 0) throw new NablaError(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => cloneModule(encoderLayer as unknown as Module<never[], unknown>)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
    if (this.norm !== null) assertModule(this.norm, 'TransformerEncoder norm');
    this.enableNestedTensor = opts.enableNestedTensor ?? true;
  }

  forward(src: Tensor, opts: EncoderForwardOptions = {}): Tensor {
    let x = src;
    for (const layer of this.layers) {
      x = (layer as unknown as Module<[Tensor, EncoderLayerForwardOptions?]>).forward(x, { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal });
    }
    const nested = this.nestedPadding(src, opts);
    if (nested !== null) x = where(nested.padded.unsqueeze(-1), 0, x).narrow(1, 0, nested.maxLen);
    return this.norm === null ? x : (this.norm as Module).forward(x);
  }

  /**
   * The padding that PyTorch 1.13's nested-tensor path zeroes (see enableNestedTensor), and the
   * length of its output (the longest unpadded sequence: it pads the nested result back only that
   * far), or null when that path would not run.
   */
  private nestedPadding(src: Tensor, opts: EncoderForwardOptions): { padded: Tensor; maxLen: number } | null {
    const first = this.layers.at(0);
    const kpm = opts.srcKeyPaddingMask ?? null;
    if (!this.enableNestedTensor || kpm === null || !(first instanceof TransformerEncoderLayer)) return null;
    const sa = first.self_attn;
    if (first.normFirst || first.training || !sa.batchFirst || sa.in_proj_weight === null || src.ndim !== 3) return null;
    if (!(first.activationName === 'relu' || first.activationName === 'gelu' || first.activationName === 'ReLU' || first.activationName === 'GELU')) return null;
    if (first.norm1.eps !== first.norm2.eps || (opts.mask ?? null) !== null || opts.isCausal === true || sa.numHeads % 2 === 1) return null;
    if (isGradEnabled() && (src.requiresGrad || first.parameters().some((p) => p.requiresGrad))) return null;
    const pad = kpm.dtype === 'bool' ? kpm : kpm.ne(0);
    if (pad.ndim !== 2) return null;
    // left-aligned: each row is some kept positions followed only by padding
    const [n, l] = pad.shape as [number, number];
    const v = pad.data();
    let maxLen = 0;
    for (let i = 0; i < n; i++) {
      let len = 0;
      for (let j = 0; j < l; j++) {
        if (!v[i * l + j]) {
          if (j > 0 && v[i * l + j - 1]) return null;
          len++;
        }
      }
      maxLen = Math.max(maxLen, len);
    }
    return { padded: pad, maxLen };
  }
}

export interface DecoderForwardOptions extends DecoderLayerForwardOptions {}

export class TransformerDecoder extends Module<[Tensor, Tensor, DecoderForwardOptions?]> {
  layers: ModuleList;
  readonly numLayers: number;
  norm: Module | null;

  constructor(decoderLayer: Module<[Tensor, Tensor, DecoderLayerForwardOptions?]>, numLayers: number, opts: { norm?: Module | null } = {}) {
    super();
    assertModule(decoderLayer, 'TransformerDecoder');
    if (!Number.isInteger(numLayers) || numLayers <= 0) throw new NablaError(`TransformerDecoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(Array.from({ length: numLayers }, () => cloneModule(decoderLayer as unknown as Module<never[], unknown>)));
    this.numLayers = numLayers;
    this.norm = opts.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, opts: DecoderForwardOptions = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = (layer as unknown as Module<[Tensor, Tensor, DecoderLayerForwardOptions?]>).forward(x, memory, opts);
    return this.norm === null ? x : (this.norm as Module).forward(x);
  }
}

/**
 * The causal mask of a sequence of `size` positions, PyTorch's
 * nn.Transformer.generate_square_subsequent_mask: -inf above the diagonal, 0 elsewhere.
 */
export function generateSquareSubsequentMask(size: number, opts: { dtype?: FloatDType } = {}): Tensor {
  if (!Number.isInteger(size) || size < 0) throw new NablaError(`generateSquareSubsequentMask: size must be a non-negative integer, got ${size}`);
  return causalMask(size, size, opts.dtype ?? 'float32');
}
