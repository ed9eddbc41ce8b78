/**
 * Reading the recorded tape: which forward op produced a tensor, which ops consumed it, and
 * where the layers of a network are. A layer is found from the ops themselves, not from module
 * classes, so a hand-written `x.matmul(W.mT).add(b).sigmoid()` is recognised exactly like an
 * `nn.Linear` followed by `nn.Sigmoid`:
 *
 *   z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}   <- a `matmul` with a weight (a leaf, possibly seen
 *                                              through a transposing view) and an `add` of a bias
 *   a^{(l)} = sigma(z^{(l)})                <- an elementwise activation applied to z
 */
import type { Tensor } from '../core/tensor.js';
import type { ForwardEvent } from '../core/events.js';

/** Ops that only re-view their single input (no arithmetic). */
export const VIEW_OPS: ReadonlySet<string> = new Set(['reshape', 'view', 'permute', 'unsqueeze', 'squeeze', 'expand', 'contiguous', 'flatten']);

/** Elementwise activations sigma whose derivative sigma'(z) explain reads from the op's backward. */
export const ACTIVATIONS: ReadonlySet<string> = new Set(['sigmoid', 'tanh', 'relu', 'leakyRelu', 'softplus', 'gelu', 'elu']);

export interface FoundLayer {
  /** the matmul (or fused linear) event */
  at: number;
  W: Tensor;
  b: Tensor | null;
  /** a^{(l-1)}: the layer's input (before any view the layer applied) */
  input: Tensor;
  z: Tensor;
  a: Tensor;
  activation: string;
  /** 'rows': z = a W^T + b on a batch of row vectors (PyTorch); 'cols': z = W a + b (the seed's column vectors) */
  layout: 'rows' | 'cols';
}

export class Tape {
  readonly producer = new Map<Tensor, ForwardEvent>();
  readonly consumers = new Map<Tensor, ForwardEvent[]>();
  readonly index = new Map<ForwardEvent, number>();

  constructor(readonly events: readonly ForwardEvent[]) {
    events.forEach((e, i) => {
      this.producer.set(e.output, e);
      this.index.set(e, i);
      for (const x of e.inputs) {
        const list = this.consumers.get(x);
        if (list === undefined) this.consumers.set(x, [e]);
        else list.push(e);
      }
    });
  }

  /** The tensor a chain of views was taken from (the tensor itself if it is not a view). */
  viewRoot(t: Tensor): Tensor {
    let cur = t;
    for (let e = this.producer.get(cur); e !== undefined && VIEW_OPS.has(e.op) && e.inputs.length === 1; e = this.producer.get(cur)) {
      cur = e.inputs[0]!;
    }
    return cur;
  }

  /** True if the path from `t` back to its view root passes through a transposing permute. */
  viewTransposes(t: Tensor): boolean {
    let cur = t;
    let flips = 0;
    for (let e = this.producer.get(cur); e !== undefined && VIEW_OPS.has(e.op) && e.inputs.length === 1; e = this.producer.get(cur)) {
      if (e.op === 'permute') flips++;
      cur = e.inputs[0]!;
    }
    return flips % 2 === 1;
  }

  /** The last tensor in a chain of single views taken of `t` (e.g. the squeeze after a 1-D matmul). */
  viewTip(t: Tensor): Tensor {
    let cur = t;
    for (;;) {
      const cs = this.consumers.get(cur) ?? [];
      if (cs.length !== 1 || !VIEW_OPS.has(cs[0]!.op)) return cur;
      cur = cs[0]!.output;
    }
  }

  /** A leaf that requires grad (a parameter) behind a chain of views, or null. */
  leafBehind(t: Tensor): Tensor | null {
    const r = this.viewRoot(t);
    return r.requiresGrad && r._node === null ? r : null;
  }

  /** The layers, in the order the forward pass ran them (weights in `exclude` belong to other layer kinds). */
  layers(exclude: ReadonlySet<Tensor> = new Set()): FoundLayer[] {
    const out: FoundLayer[] = [];
    this.events.forEach((e, i) => {
      let W: Tensor | null = null;
      let input: Tensor | null = null;
      let layout: 'rows' | 'cols' = 'rows';
      let b: Tensor | null = null;
      let z: Tensor | null = null;
      if (e.op === 'linear' && e.inputs.length >= 2) {
        W = e.inputs[1]!;
        input = this.viewRoot(e.inputs[0]!);
        b = e.inputs[2] ?? null;
        z = e.output;
      } else if (e.op === 'matmul' && e.inputs.length === 2) {
        const [A, B] = e.inputs as [Tensor, Tensor];
        const wB = this.leafBehind(B);
        const wA = this.leafBehind(A);
        if (wB !== null && wA === null && wB.ndim === 2 && this.viewTransposes(B)) {
          W = wB;
          input = this.viewRoot(A);
        } else if (wA !== null && wB === null && wA.ndim === 2 && !this.viewTransposes(A)) {
          W = wA;
          input = this.viewRoot(B);
          layout = 'cols';
        }
        if (W !== null) {
          const tip = this.viewTip(e.output);
          z = tip;
          for (const c of this.consumers.get(tip) ?? []) {
            if (c.op !== 'add' || c.inputs.length !== 2) continue;
            const other = c.inputs[0] === tip ? c.inputs[1]! : c.inputs[0]!;
            const leaf = this.leafBehind(other);
            if (leaf !== null && leaf !== W) {
              b = leaf;
              z = c.output;
              break;
            }
          }
        }
      }
      if (W === null || input === null || z === null || exclude.has(W)) return;
      const zz = z;
      let a = zz;
      let activation = 'identity';
      const tip = this.viewTip(zz);
      for (const c of this.consumers.get(tip) ?? []) {
        if (ACTIVATIONS.has(c.op)) {
          a = c.output;
          activation = c.op;
          break;
        }
      }
      out.push({ at: i, W, b, input, z: zz, a, activation, layout });
    });
    return out;
  }
}
