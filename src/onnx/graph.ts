/**
 * The graph under construction: value references for traced tensors, ONNX nodes and
 * initializers, and dead-code elimination.
 *
 * A traced tensor is one of
 *   value    a named ONNX value (the graph input, a node output)
 *   param    a parameter or buffer of the model: an initializer under its PyTorch name
 *   const    any other tensor no traced op produced (a scalar wrapped by a binary op, zeros for
 *            an initial state...): an initializer, written only if a kept node reads it
 *   virtual  an op output that exists in nabla but not as one ONNX value (the stacked [h, c] of
 *            the fused LSTM); only the ops that know it may read it
 *   poison   an output that cannot be exported, with the reason; an error only if the graph
 *            output depends on it
 * Tensors are matched by identity, then by (storage, offset, shape, strides), so a detached
 * view of a traced value still resolves to it.
 */
import type { Tensor } from '../core/tensor.js';
import type { DType, TypedArray } from '../core/dtype.js';
import { NablaError, fmtShape } from '../core/errors.js';
import { type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxTypeCode, OnnxType } from './proto.js';

export type Ref =
  | { kind: 'value'; name: string }
  | { kind: 'param'; name: string; tensor: Tensor }
  | { kind: 'const'; tensor: Tensor; varies: boolean; key: string }
  | { kind: 'virtual'; tag: string; parts: Readonly<Record<string, string>>; info: Readonly<Record<string, number | boolean>> }
  | { kind: 'poison'; message: string };

/**
 * Thrown inside an op mapping when the op or an input cannot be exported; the output becomes
 * poison. `complete` messages (an input that was already poison) are passed on unchanged.
 */
export class Poison extends Error {
  constructor(
    message: string,
    readonly complete = false,
  ) {
    super(message);
  }
}

export function onnxType(d: DType | 'int64'): OnnxTypeCode {
  switch (d) {
    case 'float32':
      return OnnxType.FLOAT;
    case 'float64':
      return OnnxType.DOUBLE;
    case 'int32':
      return OnnxType.INT32;
    case 'bool':
      return OnnxType.BOOL;
    case 'int64':
      return OnnxType.INT64;
  }
}

/** Tensors by identity, then by storage and layout. */
export class ValueTable {
  private readonly byTensor = new Map<Tensor, Ref>();
  private readonly byStorage = new Map<TypedArray, [Tensor, Ref][]>();

  set(t: Tensor, r: Ref): void {
    this.byTensor.set(t, r);
    const list = this.byStorage.get(t._storage);
    if (list) list.push([t, r]);
    else this.byStorage.set(t._storage, [[t, r]]);
  }

  get(t: Tensor): Ref | undefined {
    const r = this.byTensor.get(t);
    if (r !== undefined) return r;
    const list = this.byStorage.get(t._storage);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const [u, ref] = list[i]!;
      if (u.offset === t.offset && sameList(u.shape, t.shape) && sameList(u.strides, t.strides)) return ref;
    }
    return undefined;
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export interface BuiltNode extends OnnxNode {
  /** this node fixes the batch size (a reshape that splits or merges it ambiguously...) */
  blocksDynamic: boolean;
}

interface BuiltInit {
  tensor: OnnxTensor;
  blocksDynamic: boolean;
}

/** The node list and initializers, with fresh names and cached small constants. */
export class GraphBuilder {
  readonly nodes: BuiltNode[] = [];
  readonly inits = new Map<string, BuiltInit>();
  private readonly used = new Set<string>();
  private readonly constCache = new Map<string, string>();
  private counter = 0;
  /** node-name prefix: the current layer's dotted name */
  layer = '';

  constructor(readonly dynamic: boolean) {}

  /** A name not used yet, from `base`. */
  fresh(base: string): string {
    let n = base;
    while (this.used.has(n)) n = `${base}_${++this.counter}`;
    this.used.add(n);
    return n;
  }

  reserve(name: string): void {
    if (this.used.has(name)) throw new NablaError(`onnx.export: the name '${name}' is used twice (a parameter and an input?)`);
    this.used.add(name);
  }

  /** Adds a node; returns its output names. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttribute> = {}, nOut = 1, blocksDynamic = false): string[] {
    const prefix = this.layer === '' ? '' : `${this.layer}/`;
    const name = this.fresh(`${prefix}${opType}`);
    const outputs: string[] = [];
    for (let i = 0; i < nOut; i++) outputs.push(this.fresh(nOut === 1 ? `${name}:out` : `${name}:out${i}`));
    this.nodes.push({ opType, name, inputs: [...inputs], outputs, attributes: attrs, blocksDynamic });
    return outputs;
  }

  /** node() for a single output. */
  node1(opType: string, inputs: readonly string[], attrs: Record<string, OnnxAttribute> = {}, blocksDynamic = false): string {
    return this.node(opType, inputs, attrs, 1, blocksDynamic)[0]!;
  }

  /** An initializer holding `t` (copied, row-major) under a fresh name from `base`. */
  initializer(base: string, t: Tensor, blocksDynamic = false, exactName = false): string {
    const name = exactName ? base : this.fresh(base);
    if (exactName) this.reserve(name);
    const data = t.dtype === 'bool' ? Uint8Array.from(t.data()) : t.data();
    this.inits.set(name, { tensor: { name, dataType: onnxType(t.dtype), dims: [...t.shape], data: data as OnnxTensor['data'] }, blocksDynamic });
    return name;
  }

  /** A raw initializer (int64 shapes, permutation matrices...); small ones are cached by content. */
  rawInit(base: string, dataType: OnnxTypeCode, dims: readonly number[], data: OnnxTensor['data']): string {
    const key = data.length <= 4096 ? `${dataType}|${dims.join(',')}|${Array.from(data as ArrayLike<number | bigint>, String).join(',')}` : null;
    const hit = key === null ? undefined : this.constCache.get(key);
    if (hit !== undefined) return hit;
    const name = this.fresh(base);
    this.inits.set(name, { tensor: { name, dataType, dims: [...dims], data }, blocksDynamic: false });
    if (key !== null) this.constCache.set(key, name);
    return name;
  }

  /** A 1-D int64 initializer (shapes, axes, slice bounds). */
  int64(values: readonly number[], base = 'const_i64'): string {
    return this.rawInit(base, OnnxType.INT64, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** A 0-d initializer of a float or int dtype. */
  scalar(value: number, dtype: DType): string {
    const data = dtype === 'float32' ? Float32Array.of(value) : dtype === 'float64' ? Float64Array.of(value) : dtype === 'int32' ? Int32Array.of(value) : Uint8Array.of(value ? 1 : 0);
    return this.rawInit('const_scalar', onnxType(dtype), [], data);
  }

  /** The name of a reference as an ONNX value, materialising initializers. */
  materialize(r: Ref, what: string): string {
    switch (r.kind) {
      case 'value':
        return r.name;
      case 'param':
        if (!this.inits.has(r.name)) this.initializer(r.name, r.tensor, false, true);
        return r.name;
      case 'const': {
        const name = `const_${r.key}`;
        if (!this.inits.has(name)) this.initializer(name, r.tensor, r.varies, true);
        return name;
      }
      case 'virtual':
        throw new Poison(`${what} reads the combined output of ${r.tag}, which has no single ONNX value; only indexing it (select/slice of the h or c part) is supported`);
      case 'poison':
        throw new Poison(r.message, true);
    }
  }

  /** Keeps only the nodes and initializers the outputs depend on. */
  prune(outputs: readonly string[]): { nodes: BuiltNode[]; inits: BuiltInit[] } {
    const need = new Set(outputs);
    const kept: BuiltNode[] = [];
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const n = this.nodes[i]!;
      if (!n.outputs.some((o) => need.has(o))) continue;
      kept.push(n);
      for (const x of n.inputs) if (x !== '') need.add(x);
    }
    kept.reverse();
    const inits = [...this.inits.values()].filter((t) => need.has(t.tensor.name));
    return { nodes: kept, inits };
  }
}

export function describe(t: Tensor): string {
  return `${t.dtype} ${fmtShape(t.shape)}`;
}
