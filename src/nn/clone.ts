/**
 * `cloneModule(m)`: a deep copy of a module (PyTorch's copy.deepcopy of a layer, as
 * nn.TransformerEncoder uses to stack N independent copies of one layer). Parameters and buffers
 * are copied (new storage, same values, same requiresGrad); child modules, arrays, Maps, Sets and
 * plain objects are copied recursively; functions and primitives are shared. A tensor or module
 * reachable twice (tied weights) is copied once and stays tied in the copy.
 */
import { Tensor } from '../core/tensor.js';
import { noGrad } from '../core/autograd.js';
import { Module, Parameter } from './module.js';

export function cloneModule<M extends Module<never[], unknown>>(m: M): M {
  return noGrad(() => copy(m, new Map()) as M);
}

function copy(v: unknown, memo: Map<unknown, unknown>): unknown {
  if (v === null || typeof v !== 'object') return v;
  const hit = memo.get(v);
  if (hit !== undefined) return hit;
  if (v instanceof Tensor) {
    const c = v instanceof Parameter ? new Parameter(v.detach().clone(), v.requiresGrad) : v.detach().clone();
    memo.set(v, c);
    return c;
  }
  if (Array.isArray(v)) {
    const a: unknown[] = [];
    memo.set(v, a);
    for (const x of v) a.push(copy(x, memo));
    return a;
  }
  if (v instanceof Map) {
    const mp = new Map<unknown, unknown>();
    memo.set(v, mp);
    for (const [k, x] of v) mp.set(k, copy(x, memo));
    return mp;
  }
  if (v instanceof Set) {
    const st = new Set<unknown>();
    memo.set(v, st);
    for (const x of v) st.add(copy(x, memo));
    return st;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  if (!(v instanceof Module) && proto !== Object.prototype && proto !== null) return v; // other class instances are shared
  const o = Object.create(proto) as Record<string, unknown>;
  memo.set(v, o);
  for (const key of Reflect.ownKeys(v)) {
    const desc = Object.getOwnPropertyDescriptor(v, key)!;
    if ('value' in desc) desc.value = copy(desc.value, memo);
    Object.defineProperty(o, key, desc);
  }
  return o;
}
