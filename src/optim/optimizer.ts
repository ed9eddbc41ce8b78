/**
 * `Optimizer`: the base of every optimizer, with PyTorch's parameter groups:
 *
 *   new SGD(model.parameters(), { lr: 0.1 })
 *   new SGD([{ params: body.parameters() }, { params: head.parameters(), lr: 0.01 }], { lr: 0.1, momentum: 0.9 })
 *
 * Each group holds its parameters and its own hyper-parameters (the defaults fill the gaps);
 * schedulers change `group.lr`. `step()` walks every parameter that has a gradient and calls
 * the subclass's `update` inside `noGrad`, which changes the parameter in place (its storage;
 * the Parameter object stays the same, so modules see the new values). Per-parameter state
 * (moment estimates, step counts) lives in `state`, and `stateDict()` / `loadStateDict()`
 * save and restore it so that training resumes exactly.
 */
import { Tensor } from '../core/tensor.js';
import { DTypeError, NablaError, ShapeError, describe, fmtShape } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import { isFloat } from '../core/dtype.js';
import { enableGrad, noGrad } from '../core/autograd.js';

/** Hyper-parameters every optimizer has. */
export interface BaseHyper {
  lr: number;
}

/** A parameter group as the user passes it: parameters plus optional overrides. */
export type ParamGroupInput<H> = { params: Iterable<Tensor> } & Partial<H>;

/** What optimizers accept: parameters, or a list of parameter groups. */
export type ParamsInput<H> = Iterable<Tensor> | readonly ParamGroupInput<H>[];

/** A parameter group as stored: every hyper-parameter filled in. */
export type ParamGroup<H> = H & { params: Tensor[]; initialLr?: number };

/** Per-parameter state: tensors (moment estimates) and numbers (step count). */
export type ParamState = Record<string, Tensor | number>;

/** Serialisable optimizer state: per-parameter state by index, and the groups' hyper-parameters. */
export interface OptimizerStateDict<H = Record<string, unknown>> {
  /** state of the i-th parameter (counting across groups in order), by index as a string */
  state: Record<string, ParamState>;
  /** each group's hyper-parameters, with `params` as indices */
  paramGroups: (Omit<ParamGroup<H>, 'params'> & { params: number[] })[];
}

function isGroupList<H>(params: ParamsInput<H>): params is readonly ParamGroupInput<H>[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor) && typeof params[0] === 'object' && params[0] !== null && 'params' in params[0];
}

export abstract class Optimizer<H extends BaseHyper = BaseHyper> {
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** per-parameter state, created lazily on the first step */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<H>, defaults: H) {
    this.defaults = defaults;
    if (params === null || typeof params !== 'object' || typeof (params as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
      throw new NablaError(`${this.constructor.name}: params must be an iterable of tensors (e.g. model.parameters()) or a list of parameter groups, got ${describe(params)}`);
    }
    if (defaults === null || typeof defaults !== 'object') throw new NablaError(`${this.constructor.name}: options must be an object, got ${describe(defaults)}`);
    const groups = isGroupList(params) ? params : [{ params: params as Iterable<Tensor> } as ParamGroupInput<H>];
    for (const g of groups) this.addParamGroup(g);
    if (this.paramGroups.length === 0 || this.paramGroups.every((g) => g.params.length === 0)) {
      throw new NablaError(`${this.constructor.name}: got an empty parameter list (pass model.parameters())`);
    }
  }

  /** Adds a group of parameters (e.g. a layer unfrozen during fine-tuning). */
  addParamGroup(group: ParamGroupInput<H>): void {
    const name = this.constructor.name;
    if (group === null || typeof group !== 'object') throw new NablaError(`${name}: a parameter group must be an object { params, ...options }, got ${describe(group)}`);
    if (group.params instanceof Tensor) throw new NablaError(`${name}: params must be an iterable of tensors (e.g. [p]), got a single Tensor`);
    if (group.params === null || typeof group.params !== 'object' || typeof (group.params as Iterable<Tensor>)[Symbol.iterator] !== 'function') {
      throw new NablaError(`${name}: a group's params must be an iterable of tensors, got ${describe(group.params)}`);
    }
    const params = [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new NablaError(`${name}: every parameter must be a Tensor, got ${describe(p)}`);
      if (!isFloat(p.dtype)) throw new NablaError(`${name}: can only optimize floating-point tensors, got ${p.dtype} ${fmtShape(p.shape)}`);
      if (!p.isLeaf) throw new NablaError(`${name}: can only optimize leaf tensors (parameters), not results of ops`);
      if (seen.has(p)) throw new NablaError(`${name}: a parameter appears in more than one parameter group`);
      seen.add(p);
    }
    const { params: _ignored, ...overrides } = group;
    const filled = { ...this.defaults, ...overrides, params } as ParamGroup<H>;
    this.validate(filled);
    this.paramGroups.push(filled);
  }

  /** Checks a group's hyper-parameters (subclasses add their own checks). */
  protected validate(group: ParamGroup<H>): void {
    if (typeof group.lr !== 'number' || !(group.lr >= 0) || group.lr === Infinity) {
      throw new NablaError(`${this.constructor.name}: invalid learning rate ${describe(group.lr)} (must be a finite number >= 0)`);
    }
  }

  /**
   * Checks a hyper-parameter: a number in [min, max] (each bound inclusive unless named in
   * `open`). Subclasses call this from `validate`.
   */
  protected checkHyper(name: string, v: unknown, min: number, max = Infinity, open: { min?: boolean; max?: boolean } = {}): void {
    const ok = typeof v === 'number' && !Number.isNaN(v) && (open.min ? v > min : v >= min) && (open.max ? v < max : v <= max) && (max === Infinity ? Number.isFinite(v) : true);
    if (!ok) {
      const range = max === Infinity ? `${open.min ? '>' : '>='} ${min}` : `in ${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}`;
      throw new NablaError(`${this.constructor.name}: invalid ${name} ${describe(v)} (must be ${range})`);
    }
  }

  /** Clears every parameter's gradient (sets it to null, as PyTorch's default). */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.grad = null;
  }

  /**
   * One update of every parameter that has a gradient. `closure`, if given, re-evaluates the
   * model and returns the loss (it runs first, with gradients enabled); its result is returned.
   */
  step(closure?: () => Tensor | number): Tensor | number | undefined {
    const name = this.constructor.name;
    if (closure !== undefined && typeof closure !== 'function') throw new NablaError(`${name}.step: the closure must be a function returning the loss, got ${describe(closure)}`);
    const loss = closure === undefined ? undefined : enableGrad(closure);
    // every gradient is checked before any parameter changes, so a bad one leaves the model as it was
    let i = 0;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g: unknown = p.grad;
        if (g !== null) checkGradient(name, i, p, g);
        i++;
      }
    }
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let st = this.state.get(p);
          if (st === undefined) {
            st = {};
            this.state.set(p, st);
          }
          this.update(p, p.grad, st, group);
        }
      }
    });
    return loss;
  }

  /** The update of one parameter p with gradient g (in place, called inside noGrad; g has p's shape and dtype). */
  protected abstract update(p: Tensor, g: Tensor, state: ParamState, group: ParamGroup<H>): void;

  /** Copies of the optimizer state and hyper-parameters (parameters referred to by index). */
  stateDict(): OptimizerStateDict<H> {
    const state: Record<string, ParamState> = {};
    let i = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      const ids = params.map((p) => {
        const st = this.state.get(p);
        if (st !== undefined) {
          const copy: ParamState = {};
          for (const [k, v] of Object.entries(st)) copy[k] = v instanceof Tensor ? v.clone().detach() : v;
          state[String(i)] = copy;
        }
        return i++;
      });
      return { ...hyper, params: ids } as Omit<ParamGroup<H>, 'params'> & { params: number[] };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a state from `stateDict()` (of an optimizer over parameters of the same shapes,
   * grouped the same way): hyper-parameters and per-parameter state.
   */
  loadStateDict(sd: OptimizerStateDict<H>): void {
    const name = this.constructor.name;
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object' || sd.state === null) {
      throw new NablaError(`${name}.loadStateDict: expected { state, paramGroups } as returned by stateDict()`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new NablaError(`${name}.loadStateDict: the state has ${sd.paramGroups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    }
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((sg, gi) => {
      const g = this.paramGroups[gi]!;
      if (sg === null || typeof sg !== 'object' || !Array.isArray(sg.params)) {
        throw new NablaError(`${name}.loadStateDict: parameter group ${gi} must be an object with params (a list of indices), got ${describe(sg)}`);
      }
      if (sg.params.length !== g.params.length) {
        throw new NablaError(`${name}.loadStateDict: parameter group ${gi} has ${sg.params.length} parameters in the state but ${g.params.length} here`);
      }
      sg.params.forEach((id, j) => byIndex.set(Number(id), g.params[j]!));
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [id, st] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(id));
      if (p === undefined) throw new NablaError(`${name}.loadStateDict: state for parameter ${id}, which no group lists`);
      if (st === null || typeof st !== 'object') throw new NablaError(`${name}.loadStateDict: the state of parameter ${id} must be an object, got ${describe(st)}`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(st)) {
        if (v instanceof Tensor) {
          if (v.size !== p.size) throw new ShapeError(`${name}.loadStateDict: state '${k}' of parameter ${id} has shape ${fmtShape(v.shape)} but the parameter is ${fmtShape(p.shape)}`);
          copy[k] = v.to(p.dtype).contiguous(true).detach().reshape(p.shape);
        } else if (typeof v === 'number') copy[k] = v;
        else throw new NablaError(`${name}.loadStateDict: state '${k}' of parameter ${id} must be a Tensor or a number, got ${describe(v)}`);
      }
      newState.set(p, copy);
    }
    this.state.clear();
    for (const [p, st] of newState) this.state.set(p, st);
    sd.paramGroups.forEach((sg, gi) => {
      const { params: _ids, ...hyper } = sg;
      Object.assign(this.paramGroups[gi]!, hyper);
    });
  }
}

/**
 * A gradient must be a tensor of its parameter's shape and dtype: the fused kernels (Adam's)
 * read as many elements as the parameter has, so a shorter gradient must never reach them.
 */
function checkGradient(opt: string, i: number, p: Tensor, g: unknown): void {
  const where = `${opt}.step: parameter ${i} ${fmtShape(p.shape)}`;
  if (!(g instanceof Tensor)) throw new NablaError(`${where} has a gradient that is not a Tensor: ${describe(g)}`);
  if (!shapesEqual(g.shape, p.shape)) throw new ShapeError(`${where} has a gradient of shape ${fmtShape(g.shape)}; a gradient must have its parameter's shape`);
  if (g.dtype !== p.dtype) throw new DTypeError(`${where} is ${p.dtype} but its gradient is ${g.dtype}; a gradient must have its parameter's dtype`);
}
