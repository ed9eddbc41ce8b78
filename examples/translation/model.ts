/**
 * The translation model: an encoder-decoder Transformer (Vaswani et al., 2017) from nabla's layers.
 *
 *   src -> E[src] * sqrt(d) + P[pos] -> TransformerEncoder (padding masked) -> memory
 *   tgt (shifted right, <bos> first) -> E[tgt] * sqrt(d) + P[pos] -> TransformerDecoder
 *       (causal mask, cross-attention to memory) -> Linear -> next-token logits
 *
 * Token and position embeddings are shared by the encoder and decoder (one vocabulary for both
 * languages), batch-first, pre-norm layers with a final LayerNorm on each stack. Greedy decoding
 * reruns the decoder on the growing prefix (sequences here are at most a dozen tokens).
 */
import * as nb from '../../src/index.js';

export interface Seq2SeqOptions {
  vocabSize: number;
  maxLen: number;
  dModel: number;
  heads: number;
  layers: number;
  dimFeedforward: number;
  dropout: number;
}

export class Seq2Seq extends nb.nn.Module<[nb.Tensor, nb.Tensor], nb.Tensor> {
  tok: nb.nn.Embedding;
  pos: nb.nn.Embedding;
  encoder: nb.nn.TransformerEncoder;
  decoder: nb.nn.TransformerDecoder;
  out: nb.nn.Linear;
  readonly scale: number;

  constructor(readonly o: Seq2SeqOptions) {
    super();
    const layer = { dimFeedforward: o.dimFeedforward, dropout: o.dropout, batchFirst: true, normFirst: true };
    this.tok = new nb.nn.Embedding(o.vocabSize, o.dModel);
    this.pos = new nb.nn.Embedding(o.maxLen, o.dModel);
    this.encoder = new nb.nn.TransformerEncoder(new nb.nn.TransformerEncoderLayer(o.dModel, o.heads, layer), o.layers, { norm: new nb.nn.LayerNorm(o.dModel) });
    this.decoder = new nb.nn.TransformerDecoder(new nb.nn.TransformerDecoderLayer(o.dModel, o.heads, layer), o.layers, { norm: new nb.nn.LayerNorm(o.dModel) });
    this.out = new nb.nn.Linear(o.dModel, o.vocabSize);
    this.scale = Math.sqrt(o.dModel);
  }

  private embed(ids: nb.Tensor): nb.Tensor {
    const L = ids.shape[1]!;
    if (L > this.o.maxLen) throw new Error(`Seq2Seq: sequence of ${L} tokens is longer than maxLen ${this.o.maxLen}`);
    const positions = nb.tensor(Int32Array.from({ length: L }, (_, i) => i), { shape: [1, L], dtype: 'int32' });
    return this.tok.forward(ids).mul(this.scale).add(this.pos.forward(positions));
  }

  /** [N, S] source ids (0 = padding) -> memory [N, S, d] and its key-padding mask [N, S]. */
  encode(src: nb.Tensor): { memory: nb.Tensor; padMask: nb.Tensor } {
    const padMask = src.eq(0);
    return { memory: this.encoder.forward(this.embed(src), { srcKeyPaddingMask: padMask }), padMask };
  }

  /** Decoder hidden states [N, T, d] for the target prefix `tgt` [N, T]. */
  decode(tgt: nb.Tensor, memory: nb.Tensor, padMask: nb.Tensor): nb.Tensor {
    const T = tgt.shape[1]!;
    return this.decoder.forward(this.embed(tgt), memory, {
      tgtMask: nb.nn.generateSquareSubsequentMask(T), tgtKeyPaddingMask: tgt.eq(0), memoryKeyPaddingMask: padMask,
    });
  }

  /** Teacher forcing: logits [N, T, V] for every position of the shifted target. */
  forward(src: nb.Tensor, tgtIn: nb.Tensor): nb.Tensor {
    const { memory, padMask } = this.encode(src);
    return this.out.forward(this.decode(tgtIn, memory, padMask));
  }

  /** Greedy decoding of a batch: the token ids after <bos> up to (not including) <eos>. */
  greedy(src: nb.Tensor, bos: number, eos: number, maxLen: number): number[][] {
    return nb.noGrad(() => {
      const N = src.shape[0]!;
      const { memory, padMask } = this.encode(src);
      const seqs: number[][] = Array.from({ length: N }, () => [bos]);
      const done = new Array<boolean>(N).fill(false);
      for (let t = 0; t < maxLen - 1 && done.some((d) => !d); t++) {
        const L = seqs[0]!.length;
        const prefix = nb.tensor(Int32Array.from(seqs.flat()), { shape: [N, L], dtype: 'int32' });
        const h = this.decode(prefix, memory, padMask);
        const last = this.out.forward(h.narrow(1, L - 1, 1).reshape([N, -1]));
        const next = last.argmax(1).data();
        for (let i = 0; i < N; i++) {
          // finished rows keep emitting <eos> (not padding, which the decoder would mask)
          const k = done[i] ? eos : next[i]!;
          seqs[i]!.push(k);
          if (k === eos) done[i] = true;
        }
      }
      return seqs.map((s) => {
        const body = s.slice(1);
        const e = body.indexOf(eos);
        return e < 0 ? body : body.slice(0, e);
      });
    });
  }

  /**
   * Cross-attention weights of every head of the last decoder layer, [heads][target][source], for
   * one example (src [1, S], target prefix tgt [1, T]): the decoder's layers run as in forward, the
   * last one's self-attention block by hand so its cross-attention can be asked for its weights.
   */
  crossAttention(src: nb.Tensor, tgt: nb.Tensor): number[][][] {
    return nb.noGrad(() => {
      const { memory, padMask } = this.encode(src);
      const T = tgt.shape[1]!;
      const mask = nb.nn.generateSquareSubsequentMask(T);
      const layers = [...this.decoder.layers] as nb.nn.TransformerDecoderLayer[];
      let x = this.embed(tgt);
      for (const layer of layers.slice(0, -1)) x = layer.forward(x, memory, { tgtMask: mask, memoryKeyPaddingMask: padMask });
      const last = layers[layers.length - 1]!;
      const q = last.norm1.forward(x);
      x = x.add(last.self_attn.forward(q, q, q, { attnMask: mask, needWeights: false })[0]);
      const [, w] = last.multihead_attn.forward(last.norm2.forward(x), memory, memory, { keyPaddingMask: padMask, needWeights: true, averageAttnWeights: false });
      const [, H, Tq, S] = w!.shape as number[];
      const flat = Array.from(w!.data(), Number);
      return Array.from({ length: H! }, (_, h) => Array.from({ length: Tq! }, (_, i) => flat.slice((h * Tq! + i) * S!, (h * Tq! + i + 1) * S!)));
    });
  }
}
