/**
 * Op events: the core announces every recorded op (forward) and every gradient it computes
 * (backward). `explain` and `graph` subscribe to these, so they narrate the real tape rather
 * than a second implementation of the math. With no listener the cost is one length check.
 */
import type { Tensor } from './tensor.js';
import type { Node } from './autograd.js';
import { NablaError, describe } from './errors.js';

export interface ForwardEvent {
  kind: 'forward';
  op: string;
  inputs: readonly Tensor[];
  output: Tensor;
  attrs?: Readonly<Record<string, unknown>>;
  /** the tags of the layers the op ran in (outermost first; see tagOps), absent outside any */
  tags?: readonly OpTag[];
}

/**
 * What a layer says about the ops it runs: its kind (`layer`), and optionally the role of an op
 * inside it (e.g. 'scores', 'softmax' in attention) and details (heads, scale). explain finds
 * layers by these tags, not by op names.
 */
export interface OpTag {
  layer: string;
  role?: string;
  [detail: string]: unknown;
}

const tagStack: OpTag[] = [];

/** Runs fn with `tag` on every op it announces (nested tags stack up). */
export function tagOps<T>(tag: OpTag, fn: () => T): T {
  if (listeners.length === 0) return fn();
  tagStack.push(tag);
  try {
    return fn();
  } finally {
    tagStack.pop();
  }
}

let detailed = 0;

/**
 * Runs fn with layers computing their composed forms (every intermediate an op on the tape, e.g.
 * attention's scores and softmax) instead of fused ops: explain records through this.
 */
export function withDetailedOps<T>(fn: () => T): T {
  detailed++;
  try {
    return fn();
  } finally {
    detailed--;
  }
}

/** True inside withDetailedOps. */
export function detailedOps(): boolean {
  return detailed > 0;
}

export interface BackwardEvent {
  kind: 'backward';
  op: string;
  /** the tensor whose gradient is being propagated */
  output: Tensor;
  /** dJ/d(output) */
  grad: Tensor;
  inputs: readonly Tensor[];
  /** dJ/d(input_i) as the op computed it, before un-broadcasting (null: no gradient) */
  inputGrads: readonly (Tensor | null)[];
}

export type OpEvent = ForwardEvent | BackwardEvent;
export type OpListener = (e: OpEvent) => void;

const listeners: OpListener[] = [];
/** forward events are muted while backward() computes gradients (those ops are not the model's) */
let muted = 0;

export function hasListeners(): boolean {
  return listeners.length > 0 && muted === 0;
}

/** True if anyone is subscribed at all (forward or backward events, muted or not). */
export function hasAnyListener(): boolean {
  return listeners.length > 0;
}

/** Runs fn with forward events muted (used by backward). */
export function muteForward<T>(fn: () => T): T {
  muted++;
  try {
    return fn();
  } finally {
    muted--;
  }
}

/** Subscribes to op events; returns the function that unsubscribes. */
export function onOp(fn: OpListener): () => void {
  if (typeof fn !== 'function') throw new NablaError(`onOp: expected a listener function (event) => void, got ${describe(fn)}`);
  listeners.push(fn);
  return () => {
    const i = listeners.indexOf(fn);
    if (i >= 0) listeners.splice(i, 1);
  };
}

export function emitForward(op: string, inputs: readonly Tensor[], output: Tensor, attrs?: Readonly<Record<string, unknown>>): void {
  const e: ForwardEvent = attrs === undefined ? { kind: 'forward', op, inputs, output } : { kind: 'forward', op, inputs, output, attrs };
  if (tagStack.length > 0) e.tags = [...tagStack];
  for (const l of listeners) l(e);
}

export function emitBackward(output: Tensor, grad: Tensor, node: Node, inputGrads: readonly (Tensor | null)[]): void {
  if (listeners.length === 0) return;
  const e: BackwardEvent = { kind: 'backward', op: node.op, output, grad, inputs: node.inputs, inputGrads };
  for (const l of listeners) l(e);
}
