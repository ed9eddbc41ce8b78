/**
 * Containers: `Sequential` (a chain a^{(l)} = f_l(a^{(l-1)})) and `ModuleList` (a list of
 * modules whose parameters are registered). Children are named by index, `0`, `1`, ..., so a
 * Sequential's parameters are `0.weight`, `0.bias`, `2.weight`, ... as in PyTorch.
 *
 * Items are stored as the numeric own fields "0", "1", ... of the container (JavaScript keeps
 * integer keys in ascending order), which is what the Module base walks.
 */
import type { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { Module, assertModule } from './module.js';

/** Any module (the element type of containers). */
export type AnyModule = Module<never[], unknown>;

/** Shared storage of indexed children. */
abstract class Indexed<M extends AnyModule, I extends unknown[], O> extends Module<I, O> {
  private _length = 0;

  constructor(mods: readonly M[]) {
    super();
    for (const m of mods) this.append(m);
  }

  get length(): number {
    return this._length;
  }

  /** Adds a module at the end (named by its index); returns this. */
  append(m: M): this {
    assertModule(m, `${this.constructor.name}.append`);
    (this as unknown as Record<string, unknown>)[String(this._length)] = m;
    this._length++;
    return this;
  }

  /** Appends every module of `mods`. */
  extend(mods: Iterable<M>): this {
    for (const m of mods) this.append(m);
    return this;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): M {
    const j = i < 0 ? this._length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= this._length) {
      throw new NablaError(`${this.constructor.name}.at: index ${i} is out of range for ${this._length} modules`);
    }
    return (this as unknown as Record<string, M>)[String(j)]!;
  }

  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; i < this._length; i++) yield this.at(i);
  }
}

/**
 * Applies its modules in order: forward(x) = f_{L-1}(... f_1(f_0(x))).
 *   const net = new nn.Sequential(new nn.Linear(2, 2), new nn.Sigmoid(), new nn.Linear(2, 1));
 */
export class Sequential extends Indexed<Module<[Tensor], Tensor>, [Tensor], Tensor> {
  constructor(...mods: Module<[Tensor], Tensor>[]) {
    super(mods);
  }

  forward(x: Tensor): Tensor {
    // an indexed loop over the items (fields "0", "1", ...), not the generator: this runs once
    // per layer per call, and batch-1 inference is dominated by such per-call costs
    const items = this as unknown as Record<number, Module<[Tensor], Tensor>>;
    const n = this.length;
    let a = x;
    for (let i = 0; i < n; i++) a = items[i]!.forward(a);
    return a;
  }
}

/** A list of modules (registered, so their parameters are found); it has no forward of its own. */
export class ModuleList<M extends AnyModule = AnyModule> extends Indexed<M, never[], never> {
  constructor(mods: Iterable<M> = []) {
    super([...mods]);
  }

  forward(): never {
    throw new NablaError('ModuleList has no forward(): iterate over it and call its modules');
  }
}
