/**
 * Reverse-mode automatic differentiation (backpropagation by the chain rule).
 *
 * Define-by-run: every differentiable op that produces a tensor from inputs that require
 * gradients attaches a `Node` to its output, holding the inputs and a function that maps the
 * gradient of the output (dJ/dy) to the gradients of the inputs (dJ/dx_i). `backward()` sorts the
 * graph topologically (iteratively, so a chain of 100,000 ops does not overflow the stack) and
 * walks it in reverse, summing the gradients that reach each tensor from all its uses.
 *
 * Two things are done here, in one place, for every op:
 * - un-broadcasting: if an input was broadcast to the output's shape, its gradient is summed
 *   back down to the input's shape (`sumToShape`);
 * - dtype: a gradient has the dtype of the tensor it belongs to.
 */
import type { Tensor } from './tensor.js';
import { NablaError, ShapeError, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { emitBackward, hasAnyListener, muteForward } from './events.js';

export interface Node {
  /** op name, e.g. 'matmul' (for errors, graphs and explain) */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** dJ/dy -> [dJ/dx_0, dJ/dx_1, ...] (null where an input needs no gradient) */
  readonly backward: (g: Tensor) => readonly (Tensor | null)[];
  /** op attributes worth showing (axis, stride, ...) */
  readonly attrs?: Readonly<Record<string, unknown>>;
  /**
   * The backward returns new tensors that nothing else references (not g, not views, not one
   * tensor for two inputs), so a leaf may keep its gradient as `.grad` without a copy.
   */
  readonly ownsGrads?: boolean;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (inference, optimizer updates). Returns what `fn` returns. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` with graph recording on (inside a noGrad block, e.g. for a double backward). */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function setGradEnabled(flag: boolean): void {
  gradEnabled = flag;
}

export interface BackwardOptions {
  /** record the backward pass itself as a graph, so gradients can be differentiated again */
  createGraph?: boolean;
}

/** Topological order of the graph below `root` (inputs before outputs), without recursion. */
export function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // explicit stack of [tensor, next-input-index]
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    const inputs = t._node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const child = inputs[i]!;
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/**
 * Backpropagates from `root`. `grad` is dJ/d(root); it may be omitted only for a one-element root.
 * Leaves (tensors created by the user with requiresGrad) accumulate into `.grad`; so do
 * non-leaves that called `retainGrad()`.
 */
export function runBackward(root: Tensor, grad: Tensor | undefined, opts: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new NablaError(
      'backward: this tensor does not require grad and has no graph; create its inputs with requiresGrad: true (or call requiresGrad_()) and do not compute it inside noGrad()',
    );
  }
  let seed: Tensor;
  if (grad === undefined) {
    if (root.size !== 1) {
      throw new ShapeError(
        `backward: the gradient can be implied only for a one-element output, but the output has shape ${fmtShape(root.shape)}; reduce it to a scalar (e.g. .sum() or .mean()) or pass backward(gradient) with shape ${fmtShape(root.shape)}`,
      );
    }
    seed = root._onesLike();
  } else {
    if (!shapesEqual(grad.shape, root.shape)) {
      throw new ShapeError(`backward: gradient shape ${fmtShape(grad.shape)} does not match the output shape ${fmtShape(root.shape)}`);
    }
    seed = grad.dtype === root.dtype ? grad.detach() : grad.detach().to(root.dtype);
  }

  muteForward(() => backwardPass(root, seed, !!opts.createGraph));
}

function backwardPass(root: Tensor, seed: Tensor, createGraph: boolean): void {
  const order = topoSort(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  // gradients no other tensor shares (fresh sums, or returned by an ownsGrads node): a leaf can
  // take one as its .grad without the defensive copy (a 200k-element copy per step for an MLP's
  // first weight). Not while listeners are subscribed: their backward events hold the tensors.
  const owned = new Set<Tensor>();
  const prev = gradEnabled;
  gradEnabled = createGraph;
  try {
    for (let idx = order.length - 1; idx >= 0; idx--) {
      const t = order[idx]!;
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t._node;
      if (node === null || t._retainsGrad) {
        accumulate(t, g, createGraph, node === null && owned.has(g));
      }
      if (node === null) continue;
      const inGrads = node.backward(g);
      emitBackward(t, g, node, inGrads);
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        let gx = inGrads[i];
        if (!x.requiresGrad || gx === null || gx === undefined) continue;
        let fresh = node.ownsGrads === true && !createGraph && !hasAnyListener();
        if (!shapesEqual(gx.shape, x.shape)) {
          gx = sumToShape(gx, x.shape);
          fresh = false;
        }
        if (gx.dtype !== x.dtype) gx = gx.to(x.dtype);
        const acc = grads.get(x);
        if (acc !== undefined) {
          gx = acc.add(gx); // a new tensor
          fresh = !createGraph && !hasAnyListener();
        }
        if (fresh) owned.add(gx);
        grads.set(x, gx);
      }
    }
  } finally {
    gradEnabled = prev;
  }
}

function accumulate(t: Tensor, g: Tensor, keepGraph: boolean, owned = false): void {
  const gg = keepGraph ? g : g.detach();
  if (t.grad === null) {
    // a fresh copy unless g is known to be referenced nowhere else: an op's backward may hand
    // the same tensor to several inputs (add gives g to both), and in-place updates of one
    // .grad must not change another
    t.grad = keepGraph ? gg.clone() : owned && g.isContiguous() ? gg : gg.contiguous(true).detach();
  } else {
    t.grad = keepGraph ? t.grad.add(gg) : t.grad.add(gg).detach();
  }
}

/**
 * Sums a gradient of a broadcast result back to the shape of the input that was broadcast:
 * leading axes that were added are summed away, and axes where the input had size 1 are summed
 * with keepdim.
 */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const lead = g.ndim - shape.length;
  if (lead < 0) throw new ShapeError(`sumToShape: cannot reduce ${fmtShape(g.shape)} to ${fmtShape(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead) axes.push(i);
    else if (shape[i - lead] === 1 && g.shape[i] !== 1) axes.push(i);
    else if (shape[i - lead] !== g.shape[i]) {
      throw new ShapeError(`sumToShape: cannot reduce ${fmtShape(g.shape)} to ${fmtShape(shape)}`);
    }
  }
  let r = axes.length > 0 ? g.sum(axes, true) : g;
  if (lead > 0 || r.ndim !== shape.length) r = r.reshape(shape);
  return r;
}
