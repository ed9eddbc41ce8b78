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
import { NablaError, ShapeError, describe, fmtShape } from './errors.js';
import { shapesEqual } from './shape.js';
import { emitBackward, hasAnyListener, muteForward } from './events.js';
import { type TypedArray, recycleStorage, trackAllocations } from './dtype.js';

export interface Node {
  /** op name, e.g. 'matmul' (for errors, graphs and explain) */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** dJ/dy -> [dJ/dx_0, dJ/dx_1, ...] (null where an input needs no gradient) */
  readonly backward: (g: Tensor) => readonly (Tensor | null)[];
  /** op attributes worth showing (axis, stride, ...) */
  readonly attrs?: Readonly<Record<string, unknown>>;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (inference, optimizer updates). Returns what `fn` returns. */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new NablaError(`noGrad: expected a function to run, got ${describe(fn)}`);
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
  if (typeof fn !== 'function') throw new NablaError(`enableGrad: expected a function to run, got ${describe(fn)}`);
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function setGradEnabled(flag: boolean): void {
  if (typeof flag !== 'boolean') throw new NablaError(`setGradEnabled: expected true or false, got ${describe(flag)}`);
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

/**
 * Which gradient arrays the pass may hand to a leaf's `.grad` without copying: those it allocated
 * itself (`created`) and that exactly one tensor still holds (`uses` counts, by storage, the
 * gradients given to inputs and not yet consumed by their own backward). Anything else (the seed,
 * a gradient an op passes to two inputs, a view) is copied, so that no two `.grad`s and no user
 * tensor ever share memory. Not used when the graph of the backward pass is recorded or anyone
 * listens to op events (their backward events hold the gradients).
 */
interface Ownership {
  created: Set<TypedArray>;
  uses: Map<TypedArray, number>;
}

/** The gradient the running node's backward may overwrite in place (see `isDonatedGrad`), or null. */
let donated: Tensor | null = null;

/**
 * True if `g` is the gradient being handed to the running node's backward and nothing else holds
 * it (this pass made it and gave it to that one tensor, which does not retain it; no graph is
 * recorded and nobody listens to the backward events). That backward may then write its input
 * gradient into g's storage and return g: a hot elementwise backward (relu) saves an array the
 * size of the activation.
 */
export function isDonatedGrad(g: Tensor): boolean {
  return donated === g;
}

function backwardPass(root: Tensor, seed: Tensor, createGraph: boolean): void {
  const order = topoSort(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const own: Ownership | null = createGraph || hasAnyListener() ? null : { created: new Set(), uses: new Map() };
  const prevSink = trackAllocations(own === null ? null : own.created);
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
        accumulate(t, g, createGraph, own);
      }
      if (node === null) continue;
      donated = own !== null && !t._retainsGrad && owned(g, own) ? g : null;
      let inGrads: readonly (Tensor | null)[];
      try {
        inGrads = node.backward(g);
      } finally {
        donated = null;
      }
      emitBackward(t, g, node, inGrads);
      for (let i = 0; i < node.inputs.length; i++) {
        const x = node.inputs[i]!;
        let gx = inGrads[i];
        if (!x.requiresGrad || gx === null || gx === undefined) continue;
        if (!shapesEqual(gx.shape, x.shape)) gx = sumToShape(gx, x.shape);
        if (gx.dtype !== x.dtype) gx = gx.to(x.dtype);
        if (own !== null) own.uses.set(gx._storage, (own.uses.get(gx._storage) ?? 0) + 1);
        const acc = grads.get(x);
        if (acc === undefined) grads.set(x, gx);
        else {
          const sum = acc.add(gx);
          if (own !== null) own.uses.set(sum._storage, 1); // made here, held only by this map
          grads.set(x, sum);
        }
      }
      // t is done with g: a view of it passed on (reshape, transpose) is now its only holder; if
      // nothing holds it any more and this pass made it, its array is reused (recycleStorage)
      if (own !== null && !t._retainsGrad) {
        const n = own.uses.get(g._storage);
        if (n !== undefined && n > 0) {
          own.uses.set(g._storage, n - 1);
          if (n === 1 && own.created.has(g._storage)) recycleStorage(g._storage);
        }
      }
    }
  } finally {
    gradEnabled = prev;
    trackAllocations(prevSink);
  }
}

function accumulate(t: Tensor, g: Tensor, keepGraph: boolean, own: Ownership | null): void {
  const gg = keepGraph ? g : g.detach();
  if (t.grad === null) {
    // a fresh copy unless this pass made the array and gave it out once (see Ownership): an op's
    // backward may hand the same tensor to several inputs (add gives g to both), and in-place
    // updates of one .grad must not change another
    if (own !== null && owned(gg, own)) t.grad = gg;
    else t.grad = keepGraph ? gg.clone() : gg.contiguous(true).detach();
  } else {
    t.grad = keepGraph ? t.grad.add(gg) : t.grad.add(gg).detach();
  }
}

function owned(g: Tensor, own: Ownership): boolean {
  const s = g._storage;
  return own.created.has(s) && own.uses.get(s) === 1 && g.offset === 0 && g.size === s.length && g.isContiguous();
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
