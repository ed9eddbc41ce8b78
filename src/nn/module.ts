/**
 * `Module`: the base of every layer and model. A module is thin state (parameters, buffers,
 * child modules) over functional math; `forward` computes.
 *
 * Parameters and children are found by walking the module's own fields in the order they were
 * assigned (as PyTorch registers them), so `this.fc1 = new Linear(4, 3)` makes `fc1.weight` and
 * `fc1.bias`. Arrays of modules name their items by index (`layers.0.weight`). Names that are
 * not valid or pleasant as fields (PyTorch's `weight_ih_l0`) can be registered explicitly with
 * `registerParameter` / `registerBuffer`.
 */
import { Tensor } from '../core/tensor.js';
import { type DType, checkDType, isFloat } from '../core/dtype.js';
import { DTypeError, NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { shapesEqual } from '../core/shape.js';

/** A tensor that a module learns: a leaf that requires grad. */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new NablaError(`Parameter: expected a Tensor, got ${describe(data)}`);
    if (requiresGrad && !isFloat(data.dtype)) throw new DTypeError(`Parameter: only floating-point tensors can require gradients, got ${data.dtype} ${fmtShape(data.shape)}`);
    const c = data.isContiguous() && data.offset === 0 && data._storage.length === data.size ? data : data.contiguous(true);
    super(c._storage, c.shape);
    this.requiresGrad = requiresGrad;
  }
}

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** require exactly the module's keys (default true) */
  strict?: boolean;
}

/** Where a parameter or buffer lives, so that it can be replaced (dtype conversion, loading). */
interface Slot {
  owner: Module<never[], unknown>;
  key: string;
  explicit: boolean;
}

export abstract class Module<I extends unknown[] = [Tensor], O = Tensor> {
  /** true in training mode (dropout active, batch-norm uses batch statistics) */
  training = true;
  /** explicitly registered parameters and buffers (names not written as fields) */
  private readonly _explicitParams = new Map<string, Parameter | null>();
  private readonly _explicitBuffers = new Map<string, Tensor | null>();
  /** field names that hold buffers (tensors saved in the state dict but not learned) */
  private readonly _bufferFields = new Set<string>();

  abstract forward(...args: I): O;

  /** Same as forward (PyTorch's `module(x)`). */
  call(...args: I): O {
    return this.forward(...args);
  }

  // ---------------------------------------------------------------- registration

  /** Registers a parameter under a name that is not a field (e.g. `weight_ih_l0`). */
  registerParameter(name: string, p: Parameter | null): void {
    if (typeof name !== 'string' || name === '') throw new NablaError(`registerParameter: the name must be a non-empty string, got ${describe(name)}`);
    if (p !== null && !(p instanceof Parameter)) throw new NablaError(`registerParameter('${name}'): expected a Parameter or null, got ${describe(p)}`);
    this._explicitParams.set(name, p);
  }

  /** Declares a buffer: a field name whose tensor is saved in the state dict, or a named tensor. */
  registerBuffer(name: string, t: Tensor | null, asField = true): void {
    if (typeof name !== 'string' || name === '') throw new NablaError(`registerBuffer: the name must be a non-empty string, got ${describe(name)}`);
    if (t !== null && !(t instanceof Tensor)) throw new NablaError(`registerBuffer('${name}'): expected a Tensor or null, got ${describe(t)}`);
    if (asField) {
      (this as unknown as Record<string, unknown>)[name] = t;
      this._bufferFields.add(name);
    } else this._explicitBuffers.set(name, t);
  }

  getParameter(name: string): Parameter | null {
    if (this._explicitParams.has(name)) return this._explicitParams.get(name) ?? null;
    const v = (this as unknown as Record<string, unknown>)[name];
    return v instanceof Parameter ? v : null;
  }

  getBuffer(name: string): Tensor | null {
    if (this._explicitBuffers.has(name)) return this._explicitBuffers.get(name) ?? null;
    const v = (this as unknown as Record<string, unknown>)[name];
    return this._bufferFields.has(name) && v instanceof Tensor ? v : null;
  }

  // ---------------------------------------------------------------- walking

  private ownFields(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => !k.startsWith('_') && k !== 'training');
  }

  /** Direct children with their names (fields holding modules, and arrays of modules). */
  namedChildren(): [string, Module<never[], unknown>][] {
    const out: [string, Module<never[], unknown>][] = [];
    for (const [k, v] of this.ownFields()) {
      if (v instanceof Module) out.push([k, v as Module<never[], unknown>]);
      else if (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Module)) {
        v.forEach((m: Module<never[], unknown>, i) => out.push([`${k}.${i}`, m]));
      }
    }
    return out;
  }

  children(): Module<never[], unknown>[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module<never[], unknown>][] {
    const out: [string, Module<never[], unknown>][] = [[prefix, this as unknown as Module<never[], unknown>]];
    for (const [k, m] of this.namedChildren()) out.push(...m.namedModules(prefix === '' ? k : `${prefix}.${k}`));
    return out;
  }

  modules(): Module<never[], unknown>[] {
    return this.namedModules().map(([, m]) => m);
  }

  private ownParamSlots(): [string, Parameter, Slot][] {
    const out: [string, Parameter, Slot][] = [];
    const self = this as unknown as Module<never[], unknown>;
    for (const [k, v] of this.ownFields()) if (v instanceof Parameter) out.push([k, v, { owner: self, key: k, explicit: false }]);
    for (const [k, v] of this._explicitParams) if (v !== null) out.push([k, v, { owner: self, key: k, explicit: true }]);
    return out;
  }

  private ownBufferSlots(): [string, Tensor, Slot][] {
    const out: [string, Tensor, Slot][] = [];
    const self = this as unknown as Module<never[], unknown>;
    for (const k of this._bufferFields) {
      const v = (this as unknown as Record<string, unknown>)[k];
      if (v instanceof Tensor) out.push([k, v, { owner: self, key: k, explicit: false }]);
    }
    for (const [k, v] of this._explicitBuffers) if (v !== null) out.push([k, v, { owner: self, key: k, explicit: true }]);
    return out;
  }

  private slots(kind: 'param' | 'buffer'): [string, Tensor, Slot][] {
    const out: [string, Tensor, Slot][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      const own = kind === 'param' ? m.ownParamSlots() : m.ownBufferSlots();
      for (const [k, t, slot] of own) {
        if (kind === 'param' && seen.has(t)) continue; // shared (tied) parameters are listed once
        seen.add(t);
        out.push([prefix === '' ? k : `${prefix}.${k}`, t, slot]);
      }
    }
    return out;
  }

  /** Every parameter with its dotted name, as PyTorch prints them: `0.weight`, `fc1.bias`. */
  namedParameters(): [string, Parameter][] {
    return this.slots('param').map(([k, t]) => [k, t as Parameter]);
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    return this.slots('buffer').map(([k, t]) => [k, t]);
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, t]) => t);
  }

  /** Number of learnable scalars. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  // ---------------------------------------------------------------- state

  /**
   * Parameters and buffers by dotted name, in PyTorch's order (each module's parameters, then
   * its buffers, then its children's). Values are detached views of the live tensors.
   */
  stateDict(): StateDict {
    const sd: StateDict = {};
    for (const [prefix, m] of this.namedModules()) {
      const p = prefix === '' ? '' : `${prefix}.`;
      for (const [k, t] of m.ownParamSlots()) sd[p + k] = t.detach();
      for (const [k, t] of m.ownBufferSlots()) sd[p + k] = t.detach();
    }
    return sd;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers (converting dtype).
   * Shapes must match. With `strict` (the default), the keys must match exactly; the error lists
   * every missing, unexpected and mis-shaped key at once.
   */
  loadStateDict(sd: StateDict | Map<string, Tensor>, opts: LoadStateDictOptions = {}): { missing: string[]; unexpected: string[] } {
    const who = `${this.constructor.name}.loadStateDict`;
    if (sd === null || typeof sd !== 'object' || Array.isArray(sd) || sd instanceof Tensor) {
      throw new NablaError(`${who}: expected a state dict (an object or Map from names to tensors, e.g. from stateDict() or nb.load), got ${describe(sd)}`);
    }
    if (opts === null || typeof opts !== 'object') throw new NablaError(`${who}: options must be an object such as { strict: false }, got ${describe(opts)}`);
    const strict = opts.strict ?? true;
    const src = sd instanceof Map ? sd : new Map(Object.entries(sd));
    const targets = new Map<string, Tensor>();
    for (const [k, t] of this.slots('param')) targets.set(k, t);
    for (const [k, t] of this.slots('buffer')) targets.set(k, t);
    const missing = [...targets.keys()].filter((k) => !src.has(k));
    const unexpected = [...src.keys()].filter((k) => !targets.has(k));
    const misshaped: string[] = [];
    for (const [k, t] of targets) {
      const s = src.get(k);
      if (s === undefined) continue;
      if (!(s instanceof Tensor)) misshaped.push(`${k}: expected a Tensor, got ${describe(s)}`);
      else if (!shapesEqual(s.shape, t.shape)) misshaped.push(`${k}: checkpoint has ${fmtShape(s.shape)}, model has ${fmtShape(t.shape)}`);
    }
    if (misshaped.length > 0 || (strict && (missing.length > 0 || unexpected.length > 0))) {
      const parts: string[] = [];
      if (missing.length > 0) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length > 0) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      if (misshaped.length > 0) parts.push(`shape mismatches: ${misshaped.join('; ')}`);
      throw new ShapeError(`loadStateDict: the state dict does not fit ${this.constructor.name}: ${parts.join('; ')}`);
    }
    noGrad(() => {
      for (const [k, t] of targets) {
        const s = src.get(k);
        if (s !== undefined) t.detach().copy_(s.detach());
      }
    });
    return { missing, unexpected };
  }

  // ---------------------------------------------------------------- modes and grads

  /** Training mode (or evaluation mode with `train(false)`) for this module and all children. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new NablaError(`${this.constructor.name}.train: mode must be true or false, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Clears the gradients of all parameters (sets them to null, as PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Calls `fn` on every module, children first (like PyTorch's `apply`). */
  apply(fn: (m: Module<never[], unknown>) => void): this {
    for (const m of this.modules().reverse()) fn(m);
    return this;
  }

  /** Converts every floating-point parameter and buffer to `dtype` (e.g. 'float64' for gradcheck). */
  to(dtype: DType): this {
    checkDType(`${this.constructor.name}.to`, dtype);
    if (!isFloat(dtype)) throw new DTypeError(`${this.constructor.name}.to: a module's parameters can only be converted to a floating-point dtype (float32 or float64), got ${dtype}`);
    for (const kind of ['param', 'buffer'] as const) {
      for (const [, t, slot] of this.slots(kind)) {
        if (t.dtype === dtype || t.dtype === 'int32' || t.dtype === 'bool') continue;
        const converted = t.detach().to(dtype);
        const repl = kind === 'param' ? new Parameter(converted, t.requiresGrad) : converted;
        const owner = slot.owner as unknown as Module<never[], unknown>;
        if (slot.explicit) {
          if (kind === 'param') owner._explicitParams.set(slot.key, repl as Parameter);
          else owner._explicitBuffers.set(slot.key, repl);
        } else (owner as unknown as Record<string, unknown>)[slot.key] = repl;
      }
    }
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  // ---------------------------------------------------------------- printing

  /** One-line description of this module's own configuration, e.g. `in=784, out=256`. */
  extraRepr(): string {
    return '';
  }

  /** A readable tree with parameter counts. */
  toString(): string {
    const lines: string[] = [];
    const visit = (m: Module<never[], unknown>, name: string, depth: number): void => {
      const count = m.numParameters();
      const head = `${'  '.repeat(depth)}${name ? name + ': ' : ''}${m.constructor.name}(${m.extraRepr()})`;
      lines.push(count > 0 ? `${head}  [${count.toLocaleString('en-US')} params]` : head);
      for (const [k, c] of m.namedChildren()) visit(c, k, depth + 1);
    };
    visit(this as unknown as Module<never[], unknown>, '', 0);
    return lines.join('\n');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Throws a clear error when a module receives a tensor of the wrong rank. */
export function expectRank(op: string, x: Tensor, ranks: readonly number[], layout: string): void {
  if (!ranks.includes(x.ndim)) {
    throw new ShapeError(`${op}: expected a ${ranks.join('-D or ')}-D input ${layout}, got ${x.ndim}-D ${fmtShape(x.shape)}`);
  }
}

export function assertModule(x: unknown, where: string): asserts x is Module<never[], unknown> {
  if (!(x instanceof Module)) throw new NablaError(`${where}: expected a Module`);
}
