/**
 * `MultiheadAttention(embedDim, numHeads, { dropout?, bias?, batchFirst?, kdim?, vdim? })`:
 * PyTorch's nn.MultiheadAttention (functional/multihead.ts has the equations).
 *
 * Parameters, with PyTorch's names, order and initialisation: `in_proj_weight` [3E, E] (Xavier
 * uniform), or `q_proj_weight` [E, E], `k_proj_weight` [E, kdim], `v_proj_weight` [E, vdim] when
 * kdim or vdim differ from E; `in_proj_bias` [3E] (zeros); `out_proj` a Linear(E, E) (its bias
 * zeroed). forward(query, key, value, opts) returns [output, weights | null].
 */
import type { Tensor } from '../core/tensor.js';
import type { FloatDType } from '../core/dtype.js';
import { NablaError } from '../core/errors.js';
import { empty } from '../ops/result.js';
import { type MultiheadAttentionOptions, multiHeadAttentionForward } from '../functional/multihead.js';
import { Module, Parameter } from './module.js';
import { Linear } from './linear.js';
import { constant_, xavierUniform_ } from './init.js';

export interface MultiheadAttentionLayerOptions {
  /** dropout probability on the attention weights in training (default 0) */
  dropout?: number;
  /** learn in_proj_bias and out_proj.bias (default true) */
  bias?: boolean;
  /** inputs [N, L, E] instead of [L, N, E] (default false) */
  batchFirst?: boolean;
  /** key features (default embedDim) */
  kdim?: number;
  /** value features (default embedDim) */
  vdim?: number;
  dtype?: FloatDType;
}

export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionOptions?], [Tensor, Tensor | null]> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  in_proj_weight: Parameter | null = null;
  q_proj_weight: Parameter | null = null;
  k_proj_weight: Parameter | null = null;
  v_proj_weight: Parameter | null = null;
  in_proj_bias: Parameter | null = null;
  out_proj: Linear;

  constructor(embedDim: number, numHeads: number, opts: MultiheadAttentionLayerOptions = {}) {
    super();
    for (const [k, v] of [['embedDim', embedDim], ['numHeads', numHeads]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new NablaError(`MultiheadAttention: ${k} must be a positive integer, got ${v}`);
    }
    if (embedDim % numHeads !== 0) throw new NablaError(`MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = opts.kdim ?? embedDim;
    this.vdim = opts.vdim ?? embedDim;
    for (const [k, v] of [['kdim', this.kdim], ['vdim', this.vdim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new NablaError(`MultiheadAttention: ${k} must be a positive integer, got ${v}`);
    }
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new NablaError(`MultiheadAttention: dropout must be in [0, 1], got ${this.dropout}`);
    this.batchFirst = opts.batchFirst ?? false;
    const dtype = opts.dtype ?? 'float32';
    const E = embedDim;
    if (this.kdim === E && this.vdim === E) this.in_proj_weight = new Parameter(empty(dtype, [3 * E, E]));
    else {
      this.q_proj_weight = new Parameter(empty(dtype, [E, E]));
      this.k_proj_weight = new Parameter(empty(dtype, [E, this.kdim]));
      this.v_proj_weight = new Parameter(empty(dtype, [E, this.vdim]));
    }
    if (opts.bias !== false) this.in_proj_bias = new Parameter(empty(dtype, [3 * E]));
    this.out_proj = new Linear(E, E, { bias: opts.bias !== false, dtype });
    this.resetParameters();
  }

  /** PyTorch's _reset_parameters: Xavier-uniform projections, zero biases (out_proj.weight keeps Linear's init). */
  resetParameters(): void {
    for (const w of [this.in_proj_weight, this.q_proj_weight, this.k_proj_weight, this.v_proj_weight]) if (w !== null) xavierUniform_(w);
    if (this.in_proj_bias !== null) constant_(this.in_proj_bias, 0);
    if (this.out_proj.bias !== null) constant_(this.out_proj.bias, 0);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionOptions = {}): [Tensor, Tensor | null] {
    return multiHeadAttentionForward(
      query, key, value,
      {
        numHeads: this.numHeads,
        inProjWeight: this.in_proj_weight,
        qProjWeight: this.q_proj_weight,
        kProjWeight: this.k_proj_weight,
        vProjWeight: this.v_proj_weight,
        inProjBias: this.in_proj_bias,
        outProjWeight: this.out_proj.weight,
        outProjBias: this.out_proj.bias,
      },
      { ...opts, batchFirst: this.batchFirst, dropoutP: this.dropout, training: this.training },
    );
  }

  override extraRepr(): string {
    const kv = this.kdim !== this.embedDim || this.vdim !== this.embedDim ? `, kdim=${this.kdim}, vdim=${this.vdim}` : '';
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${kv}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
