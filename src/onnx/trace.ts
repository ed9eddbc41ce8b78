/**
 * Tracing: one forward pass of a module in evaluation mode, recording every op the core
 * announces (src/core/events.ts) together with the layer that ran it. Each module's `forward`
 * is wrapped for the duration of the pass (an own property, removed afterwards) so the events
 * know their layer's dotted name, as `namedModules()` prints it.
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { onOp } from '../core/events.js';
import type { Module } from '../nn/module.js';

export interface TracedOp {
  op: string;
  inputs: readonly Tensor[];
  output: Tensor;
  attrs: Readonly<Record<string, unknown>>;
  /** the innermost module running when the op was recorded: "fc1 (Linear)" */
  layer: string;
  /** its dotted name alone ('' for the model itself) */
  layerName: string;
}

export interface Trace {
  inputs: readonly Tensor[];
  ops: TracedOp[];
  /** the forward's result, flattened (a Tensor, or nested arrays of tensors) */
  outputs: Tensor[];
}

type AnyModule = Module<never[], unknown>;

/** "fc1 (Linear)"; the model itself is "(model) Net". */
export function layerLabel(name: string, m: AnyModule): string {
  return name === '' ? `(model) ${m.constructor.name}` : `${name} (${m.constructor.name})`;
}

function flattenOutputs(o: unknown, out: Tensor[], path: string): void {
  if (o instanceof Tensor) out.push(o);
  else if (Array.isArray(o)) o.forEach((x, i) => flattenOutputs(x, out, `${path}[${i}]`));
  else {
    throw new NablaError(
      `onnx.export: the model's forward returned ${o === null ? 'null' : typeof o} at ${path || 'the top level'}; ` +
        'export needs a Tensor or (nested) arrays of tensors',
    );
  }
}

/** Runs `model.forward(...inputs)` once in eval mode without recording gradients, capturing the ops. */
export function trace(model: AnyModule, inputs: readonly Tensor[]): Trace {
  const mods = model.namedModules();
  const modes = mods.map(([, m]) => m.training);
  const stack: [string, string][] = [];
  const restore: (() => void)[] = [];
  for (const [name, m] of mods) {
    const self = m as unknown as Record<string, unknown>;
    const had = Object.prototype.hasOwnProperty.call(self, 'forward');
    const prev = self['forward'];
    const orig = m.forward as (...a: unknown[]) => unknown;
    const label = layerLabel(name, m);
    Object.defineProperty(self, 'forward', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: (...args: unknown[]): unknown => {
        stack.push([label, name]);
        try {
          return orig.apply(m, args);
        } finally {
          stack.pop();
        }
      },
    });
    restore.push(() => {
      if (had) self['forward'] = prev;
      else delete self['forward'];
    });
  }
  const ops: TracedOp[] = [];
  const off = onOp((e) => {
    if (e.kind !== 'forward') return;
    const [layer, layerName] = stack[stack.length - 1] ?? [layerLabel('', model), ''];
    ops.push({ op: e.op, inputs: e.inputs, output: e.output, attrs: e.attrs ?? {}, layer, layerName });
  });
  try {
    model.eval();
    const result = noGrad(() => (model.forward as (...a: unknown[]) => unknown)(...inputs));
    const outputs: Tensor[] = [];
    flattenOutputs(result, outputs, '');
    return { inputs, ops, outputs };
  } finally {
    off();
    for (const r of restore) r();
    mods.forEach(([, m], i) => (m.training = modes[i]!));
  }
}
