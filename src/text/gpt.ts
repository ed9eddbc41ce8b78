/**
 * `CharGPT`: a decoder-only Transformer language model (GPT, Radford et al., 2018) over characters:
 *
 *   h_0 = E[x_t] + P[t]                           token and learned position embeddings
 *   h_l = Block_l(h_{l-1}),  l = 1..L            pre-norm blocks with causal self-attention:
 *         h = h + SA(LN1(h)),  h = h + FF(LN2(h)),  FF(h) = W2 GELU(W1 h + b1) + b2
 *   z_t = LN_f(h_L) W^T + b                       logits over the V characters
 *
 * The blocks are an nn.TransformerEncoder of TransformerEncoderLayer(d, heads, { normFirst: true,
 * activation: 'gelu', batchFirst: true }) run with isCausal, i.e. PyTorch's
 * nn.TransformerEncoder(..., norm_first=True) with a causal mask (WORKLOADS.md W6). State-dict
 * keys: tok_emb.weight, pos_emb.weight, blocks.layers.0.self_attn.in_proj_weight, ..., ln_f.*, head.*.
 *
 * `generate` samples with a key/value cache: each new character runs the blocks on one position,
 * attending to the keys and values cached for the previous ones (O(T d) per character instead of
 * re-running the whole context).
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { cat } from '../ops/indexing.js';
import { linear } from '../ops/linear.js';
import { layerNorm } from '../ops/layernorm.js';
import { attention } from '../ops/attention.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { LayerNorm } from '../nn/layernorm.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../nn/transformer.js';
import { gelu } from '../functional/activation.js';

export interface CharGPTConfig {
  vocabSize: number;
  /** longest context (positions) */
  contextSize: number;
  /** model width d */
  dModel: number;
  numHeads: number;
  numLayers: number;
  /** feed-forward width (default 4 d) */
  dimFeedforward?: number;
  dropout?: number;
}

export class CharGPT extends Module<[Tensor], Tensor> {
  readonly config: Required<CharGPTConfig>;
  tok_emb: Embedding;
  pos_emb: Embedding;
  blocks: TransformerEncoder;
  ln_f: LayerNorm;
  head: Linear;

  constructor(config: CharGPTConfig) {
    super();
    for (const k of ['vocabSize', 'contextSize', 'dModel', 'numHeads', 'numLayers'] as const) {
      const v = config[k];
      if (!Number.isInteger(v) || v <= 0) throw new NablaError(`CharGPT: config.${k} must be a positive integer, got ${v}`);
    }
    this.config = { dimFeedforward: 4 * config.dModel, dropout: 0, ...config };
    const { vocabSize, contextSize, dModel, numHeads, numLayers, dimFeedforward, dropout } = this.config;
    this.tok_emb = new Embedding(vocabSize, dModel);
    this.pos_emb = new Embedding(contextSize, dModel);
    const layer = new TransformerEncoderLayer(dModel, numHeads, { dimFeedforward, dropout, activation: 'gelu', batchFirst: true, normFirst: true });
    this.blocks = new TransformerEncoder(layer, numLayers);
    this.ln_f = new LayerNorm(dModel);
    this.head = new Linear(dModel, vocabSize);
  }

  /** ids [B, T] int32 (T <= contextSize) -> logits [B, T, V]. */
  forward(ids: Tensor): Tensor {
    if (!(ids instanceof Tensor) || ids.ndim !== 2) throw new ShapeError(`CharGPT: expected ids [batch, time], got ${ids instanceof Tensor ? fmtShape(ids.shape) : typeof ids}`);
    const T = ids.shape[1]!;
    if (T > this.config.contextSize) throw new ShapeError(`CharGPT: ${T} positions exceed the context size ${this.config.contextSize}`);
    const h = this.tok_emb.forward(ids).add(this.pos_emb.weight.narrow(0, 0, T));
    return this.head.forward(this.ln_f.forward(this.blocks.forward(h, { isCausal: true })));
  }

  /** The blocks as typed layers (for the cached forward and for explain). */
  layers(): TransformerEncoderLayer[] {
    return [...this.blocks.layers] as TransformerEncoderLayer[];
  }

  /**
   * Logits [B, V] of the position after `ids` [B, t], given the cache of the positions before
   * (empty at first; updated in place). Equal to forward(all ids)[:, -1] (tested).
   */
  step(ids: Tensor, cache: KVCache): Tensor {
    return noGrad(() => {
      const [B, t] = ids.shape as [number, number];
      const start = cache.length;
      if (start + t > this.config.contextSize) throw new ShapeError(`CharGPT.step: ${start + t} positions exceed the context size ${this.config.contextSize}`);
      let h = this.tok_emb.forward(ids).add(this.pos_emb.weight.narrow(0, start, t));
      const { dModel: E, numHeads: H } = this.config;
      const hd = E / H;
      this.layers().forEach((layer, i) => {
        const sa = layer.self_attn;
        const x = layerNorm(h, E, layer.norm1.weight, layer.norm1.bias, layer.norm1.eps);
        const qkv = linear(x, sa.in_proj_weight!, sa.in_proj_bias).reshape([B, t, 3, H, hd]).permute(2, 0, 3, 1, 4);
        const k = qkv.select(0, 1).contiguous();
        const v = qkv.select(0, 2).contiguous();
        const prev = cache.kv[i];
        const K = prev === undefined ? k : cat([prev[0], k], 2);
        const V = prev === undefined ? v : cat([prev[1], v], 2);
        cache.kv[i] = [K, V];
        // query r of this chunk is position start + r: it sees keys 0 .. start + r
        const mask = t === 1 ? null : chunkMask(t, start);
        const o = attention(qkv.select(0, 0), K, V, { mask }).permute(0, 2, 1, 3).reshape([B, t, E]);
        h = h.add(linear(o, sa.out_proj.weight, sa.out_proj.bias));
        const y = layerNorm(h, E, layer.norm2.weight, layer.norm2.bias, layer.norm2.eps);
        const act = layer.activationName === 'gelu' ? gelu(linear(y, layer.linear1.weight, layer.linear1.bias)) : linear(y, layer.linear1.weight, layer.linear1.bias).relu();
        h = h.add(linear(act, layer.linear2.weight, layer.linear2.bias));
      });
      cache.length = start + t;
      const last = h.select(1, t - 1);
      return this.head.forward(this.ln_f.forward(last));
    });
  }

  /**
   * The attention weights of every layer and head on a prompt, ids [1, T]: maps[l][h] is the
   * T x T matrix p_ij (query i, key j; 0 above the diagonal), from the composed attention path.
   */
  attentionMaps(ids: Tensor): number[][][][] {
    return noGrad(() => {
      const T = ids.shape[1]!;
      let h = this.tok_emb.forward(ids).add(this.pos_emb.weight.narrow(0, 0, T));
      const maps: number[][][][] = [];
      for (const layer of this.layers()) {
        const x = layer.norm1.forward(h);
        const [, w] = layer.self_attn.forward(x, x, x, { isCausal: true, needWeights: true, averageAttnWeights: false });
        maps.push((w!.select(0, 0).toArray() as number[][][]));
        h = layer.forward(h, { isCausal: true });
      }
      return maps;
    });
  }

  newCache(): KVCache {
    return { length: 0, kv: [] };
  }
}

/** Keys and values of each layer for the positions seen so far: [B, H, length, hd] each. */
export interface KVCache {
  length: number;
  kv: [Tensor, Tensor][];
}

/** [t, start + t]: 0 where key j <= start + r, -inf after. */
function chunkMask(t: number, start: number): Tensor {
  const s = start + t;
  const m = new Float32Array(t * s);
  for (let r = 0; r < t; r++) for (let j = start + r + 1; j < s; j++) m[r * s + j] = -Infinity;
  return new Tensor(m, [t, s]);
}
