/**
 * ONNX export: `nb.onnx.toOnnx(model, exampleInput)` gives the bytes of a model that ONNX Runtime
 * runs with the same outputs (opset 17, IR version 8); `nb.onnx.export(model, exampleInput, path)`
 * (Node, export-file.ts) writes them to a file.
 *
 * How: one forward pass of the model on `exampleInput` in eval mode is traced through the
 * core's op events (src/onnx/trace.ts); every op becomes ONNX nodes (src/onnx/ops.ts lists the
 * mapping); the model's parameters and buffers become initializers under their PyTorch names
 * (`0.weight`, `bn.running_mean`, `lstm.weight_hh_l0`), other constant tensors become
 * initializers too, the example input is the graph input `input` (`input_0`, ... for several)
 * and the forward's result the graph output `output` (`output_0`, ... for arrays). Nodes the
 * output does not depend on are dropped.
 *
 * Two more passes make the export honest:
 * - the same model on a perturbed input of the same shape must record the same ops with the
 *   same attributes (else the forward has data-dependent control flow, which a trace cannot
 *   capture: an error), and every constant must keep its value (a tensor that changes with the
 *   input but came from outside the traced ops, e.g. argmax or .data(), is reported if the
 *   output depends on it);
 * - the same model on a batch one larger tells which sizes follow the batch. If every reshape
 *   and constant allows it, the first input axis is exported as the symbolic dimension 'batch'
 *   (dim_param); otherwise the model is exported for the example's shapes exactly, and
 *   `dynamicBatch` in the result says so (with the reason).
 *
 * Supported ops: add sub mul div pow maximum minimum, eq ne lt le gt ge logicalNot, neg exp log
 * sqrt rsqrt log1p expm1 square abs sign floor ceil round sin cos reciprocal, relu sigmoid tanh
 * softplus gelu, clamp cast, softmax logSoftmax, matmul, sum max min (mean and var compose from
 * them), reshape view flatten squeeze unsqueeze expand permute transpose contiguous, slice narrow
 * select, cat stack, conv2d (conv1d), maxPool2d avgPool2d (with ceil mode; dilated max pooling,
 * adaptive and 1-D pooling are composed from these), the fused lstmSequence and gruSequence.
 * So these layers export: Linear, ReLU, Sigmoid, Tanh, Softmax, LogSoftmax, GELU, SiLU, Softplus (beta 1),
 * Flatten, Dropout (eval: nothing), BatchNorm1d/2d (eval: running statistics), Conv1d, Conv2d,
 * MaxPool2d, AvgPool2d, AdaptiveAvgPool2d/AdaptiveMaxPool2d, RNN (unrolled), LSTM and GRU (ONNX
 * LSTM/GRU nodes; stacked and bidirectional too), and Sequential/custom modules made of them.
 * Not supported (a NablaError naming the op and the layer, raised only if the output depends on
 * it): where and gather, whose op events do not carry the condition / index tensor (so Embedding,
 * LeakyReLU, ELU, maskedFill cannot be exported yet); argmax/argmin and any tensor computed
 * outside the traced ops (detected: it changes with the input); the LSTM's cell state at steps
 * other than the last (ONNX returns only the final c); ops with no mapping (listed in the error).
 */
import { Tensor } from '../core/tensor.js';
import { NablaError, fmtShape } from '../core/errors.js';
import { cat } from '../ops/indexing.js';
import type { Module } from '../nn/module.js';
import { type Trace, type TracedOp, trace } from './trace.js';
import { GraphBuilder, Poison, type Ref, ValueTable, onnxType } from './graph.js';
import { OpContext } from './context.js';
import { MAPPINGS, SUPPORTED_OPS } from './ops.js';
import { type OnnxDim, type OnnxGraph, type OnnxValueInfo, encodeModel } from './proto.js';

export const OPSET = 17;
export const IR_VERSION = 8;

export interface OnnxExportOptions {
  /** export the first input axis as the symbolic dimension 'batch' when the model allows (default true) */
  dynamicBatch?: boolean;
  /** graph input names (default 'input', or 'input_0', 'input_1', ... for several inputs) */
  inputNames?: readonly string[];
  /** graph output names (default 'output', or 'output_0', ... when the forward returns an array) */
  outputNames?: readonly string[];
  /** the graph's name (default the model's class name) */
  graphName?: string;
}

export interface OnnxExportResult {
  /** the .onnx file's bytes */
  bytes: Uint8Array;
  inputNames: string[];
  outputNames: string[];
  /** true if the first input axis is the symbolic 'batch' dimension */
  dynamicBatch: boolean;
  /** why the batch size is fixed, when it is */
  staticReason: string | null;
  /** ONNX op types in the graph, in node order */
  nodeTypes: string[];
  /** initializer names (parameters and buffers under their PyTorch names, then constants) */
  initializers: string[];
}

export type AnyModule = Module<never[], unknown>;
export type ExampleInput = Tensor | readonly Tensor[];

function asInputs(x: ExampleInput): Tensor[] {
  const xs = x instanceof Tensor ? [x] : Array.isArray(x) ? [...x] : null;
  if (xs === null || xs.length === 0 || !xs.every((t) => t instanceof Tensor)) {
    throw new NablaError('onnx.export: exampleInput must be a Tensor or a non-empty array of tensors (the forward arguments)');
  }
  return xs;
}

/** Same shape, different values: the elements rotated by one (scaled if that changes nothing). */
function perturb(t: Tensor): Tensor | null {
  const d = t.data();
  const n = d.length;
  const out = d.slice();
  for (let i = 0; i < n; i++) out[i] = d[(i + 1) % n]!;
  if (out.every((v, i) => v === d[i])) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') return null;
    for (let i = 0; i < n; i++) out[i] = d[i]! * 0.75 + 0.125;
  }
  return new Tensor(out, t.shape);
}

/** One more item along the first axis (the first item repeated). */
function grow(t: Tensor): Tensor {
  return cat([t, t.narrow(0, 0, 1)], 0);
}

function tryTrace(model: AnyModule, inputs: Tensor[] | null): Trace | null {
  if (inputs === null) return null;
  try {
    return trace(model, inputs);
  } catch {
    return null;
  }
}

function attrKey(a: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(a, (_, v: unknown) => (v instanceof Tensor ? `Tensor${fmtShape(v.shape)}` : v));
}

/**
 * Walks a trace the way export resolves tensors: parameters, buffers and inputs are known, each
 * op's output becomes known, and any other tensor an op reads is a constant (numbered in order
 * of first use).
 */
function walk(
  t: Trace,
  model: AnyModule,
  inputRefs: readonly Ref[],
  onConst: (x: Tensor, k: number, op: TracedOp) => Ref,
  onOp: (op: TracedOp, i: number, refs: Ref[], table: ValueTable) => Ref,
): ValueTable {
  const table = new ValueTable();
  for (const [name, p] of model.namedParameters()) table.set(p, { kind: 'param', name, tensor: p });
  for (const [name, b] of model.namedBuffers()) table.set(b, { kind: 'param', name, tensor: b });
  t.inputs.forEach((x, i) => table.set(x, inputRefs[i]!));
  let k = 0;
  t.ops.forEach((op, i) => {
    const refs = op.inputs.map((x) => {
      let r = table.get(x);
      if (r === undefined) {
        r = onConst(x, k++, op);
        table.set(x, r);
      }
      return r;
    });
    table.set(op.output, onOp(op, i, refs, table));
  });
  return table;
}

function constantsOf(t: Trace, model: AnyModule): Tensor[] {
  const consts: Tensor[] = [];
  const dummy: Ref = { kind: 'value', name: '' };
  walk(t, model, t.inputs.map(() => dummy), (x) => (consts.push(x), dummy), () => dummy);
  return consts;
}

function sameData(a: Tensor, b: Tensor): boolean {
  const x = a.data();
  const y = b.data();
  return x.length === y.length && x.every((v, i) => v === y[i] || (Number.isNaN(v) && Number.isNaN(y[i]!)));
}

/** The first difference in the op sequences of two traces, or null. */
function opsDiffer(a: Trace, b: Trace, shapes: boolean): string | null {
  const n = Math.min(a.ops.length, b.ops.length);
  for (let i = 0; i < n; i++) {
    const x = a.ops[i]!;
    const y = b.ops[i]!;
    if (x.op !== y.op || x.layer !== y.layer) return `op ${i}: '${x.op}' in ${x.layer} vs '${y.op}' in ${y.layer}`;
    if (attrKey(x.attrs) !== attrKey(y.attrs)) return `op ${i} ('${x.op}' in ${x.layer}): attributes ${attrKey(x.attrs)} vs ${attrKey(y.attrs)}`;
    if (shapes && fmtShape(x.output.shape) !== fmtShape(y.output.shape)) return `op ${i} ('${x.op}' in ${x.layer}): output ${fmtShape(x.output.shape)} vs ${fmtShape(y.output.shape)}`;
  }
  if (a.ops.length !== b.ops.length) return `${a.ops.length} ops vs ${b.ops.length}`;
  if (a.outputs.length !== b.outputs.length) return `${a.outputs.length} outputs vs ${b.outputs.length}`;
  return null;
}

function varies(a: readonly number[], b: readonly number[]): boolean[] | null {
  if (a.length !== b.length) return null;
  return a.map((d, i) => d !== b[i]);
}

interface Analysis {
  /** input-dependent constants (by number): why they cannot be exported */
  constPoison: Map<number, true>;
  /** per op output: which axes follow the batch (null: static export) */
  outVaries: (boolean[] | null)[] | null;
  constVaries: boolean[] | null;
  outputVaries: (boolean[] | null)[] | null;
  staticReason: string | null;
}

function analyse(model: AnyModule, inputs: Tensor[], a: Trace, dynamic: boolean): Analysis {
  const res: Analysis = { constPoison: new Map(), outVaries: null, constVaries: null, outputVaries: null, staticReason: null };
  const constsA = constantsOf(a, model);
  const perturbed = inputs.map(perturb);
  const b = tryTrace(model, perturbed.every((x) => x !== null) ? (perturbed as Tensor[]) : null);
  if (b !== null) {
    const diff = opsDiffer(a, b, true);
    if (diff !== null) {
      throw new NablaError(
        `onnx.export: the forward pass records different ops for a different input of the same shape (${diff}); ` +
          'it has data-dependent control flow (a branch or loop on tensor values), which one traced pass cannot capture',
      );
    }
    const constsB = constantsOf(b, model);
    constsA.forEach((x, k) => {
      const y = constsB[k];
      if (y === undefined || fmtShape(x.shape) !== fmtShape(y.shape) || !sameData(x, y)) res.constPoison.set(k, true);
    });
  }
  if (!dynamic) {
    res.staticReason = 'dynamicBatch: false was asked';
    return res;
  }
  if (inputs.some((x) => x.ndim === 0)) {
    res.staticReason = 'an input is a 0-d tensor';
    return res;
  }
  const c = tryTrace(model, inputs.map(grow));
  if (c === null) {
    res.staticReason = 'the model fails on a batch one larger than the example';
    return res;
  }
  const diff = opsDiffer(a, c, false);
  if (diff !== null) {
    res.staticReason = `the forward pass changes with the batch size (${diff})`;
    return res;
  }
  const constsC = constantsOf(c, model);
  if (constsC.length !== constsA.length) {
    res.staticReason = 'the model uses a different number of constants for another batch size';
    return res;
  }
  res.outVaries = a.ops.map((op, i) => varies(op.output.shape, c.ops[i]!.output.shape));
  if (res.outVaries.some((v) => v === null)) {
    res.staticReason = 'a tensor changes rank with the batch size';
    res.outVaries = null;
    return res;
  }
  res.constVaries = constsA.map((x, k) => (varies(x.shape, constsC[k]!.shape) ?? [true]).some((v) => v));
  res.outputVaries = a.outputs.map((x, i) => varies(x.shape, c.outputs[i]!.shape));
  return res;
}

function defaultNames(base: string, n: number, given: readonly string[] | undefined, what: string): string[] {
  if (given !== undefined) {
    if (given.length !== n) throw new NablaError(`onnx.export: ${what} has ${given.length} names for ${n} ${base}s`);
    return [...given];
  }
  return n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}_${i}`);
}

interface Built {
  graph: OnnxGraph;
  /** why this graph cannot have a symbolic batch axis (dynamic mode), or null */
  blocker: string | null;
}

function build(model: AnyModule, a: Trace, an: Analysis, dynamic: boolean, opts: OnnxExportOptions): Built {
  const b = new GraphBuilder(dynamic);
  const inNames = defaultNames('input', a.inputs.length, opts.inputNames, 'inputNames');
  const outNames = defaultNames('output', a.outputs.length, opts.outputNames, 'outputNames');
  for (const n of [...inNames, ...outNames]) b.reserve(n);
  const variesOf = new Map<Tensor, readonly boolean[] | null>();
  a.inputs.forEach((x) => variesOf.set(x, dynamic ? x.shape.map((_, i) => i === 0) : null));
  const inputRefs: Ref[] = inNames.map((name) => ({ kind: 'value', name }));
  const constVaries = an.constVaries;

  const onConst = (x: Tensor, k: number, op: TracedOp): Ref => {
    if (an.constPoison.has(k)) {
      return {
        kind: 'poison',
        message:
          `onnx.export: op '${op.op}' in layer ${op.layer} reads a ${x.dtype} ${fmtShape(x.shape)} tensor that changes with the input ` +
          'but was not computed by traced ops (argmax, a tensor built from .data() or .item(), ...); it cannot be exported',
      };
    }
    return { kind: 'const', tensor: x, varies: dynamic && constVaries !== null && constVaries[k] === true, key: String(k) };
  };

  const onOp = (op: TracedOp, i: number, refs: Ref[], table: ValueTable): Ref => {
    const outV = dynamic && an.outVaries !== null ? an.outVaries[i]! : null;
    variesOf.set(op.output, outV);
    const poisoned = refs.find((r) => r.kind === 'poison');
    if (poisoned) return poisoned;
    if (refs.length > 0 && refs.every((r) => r.kind === 'const')) {
      // an op on constants only is a constant itself: its value is the traced output
      return { kind: 'const', tensor: op.output, varies: outV !== null && outV.some((v) => v), key: `f${i}` };
    }
    const mapping = MAPPINGS[op.op];
    if (mapping === undefined) {
      return {
        kind: 'poison',
        message: `onnx.export: op '${op.op}' in layer ${op.layer} has no ONNX mapping. Supported ops: ${SUPPORTED_OPS.join(', ')}`,
      };
    }
    b.layer = op.layerName;
    const resolveExtra = (t: Tensor): Ref => table.get(t) ?? { kind: 'const', tensor: t, varies: false, key: `x${i}` };
    const ctx = new OpContext(b, op, refs, outV, op.inputs.map((x) => variesOf.get(x) ?? null), resolveExtra);
    try {
      return mapping(ctx);
    } catch (e) {
      if (!(e instanceof Poison)) throw e;
      return { kind: 'poison', message: e.complete ? e.message : `onnx.export: op '${op.op}' in layer ${op.layer} cannot be exported: ${e.message}` };
    }
  };

  const table = walk(a, model, inputRefs, onConst, onOp);
  b.layer = '';
  a.outputs.forEach((t, i) => {
    const r = table.get(t) ?? { kind: 'const', tensor: t, varies: false, key: `out${i}` };
    if (r.kind === 'poison') throw new NablaError(r.message);
    let name: string;
    try {
      name = b.materialize(r, `output ${i}`);
    } catch (e) {
      if (e instanceof Poison) throw new NablaError(`onnx.export: the model's output ${i} ${e.message}`);
      throw e;
    }
    b.nodes.push({ opType: 'Identity', name: `${outNames[i]}/Identity`, inputs: [name], outputs: [outNames[i]!], attributes: {}, blocksDynamic: false });
  });
  const { nodes, inits } = b.prune(outNames);
  const node = nodes.find((n) => n.blocksDynamic);
  const init = inits.find((t) => t.blocksDynamic);
  const blocker = node
    ? `node '${node.name}' (${node.opType}) has a target shape with more than one axis that follows the batch`
    : init
      ? `the constant '${init.tensor.name}' ${fmtShape(init.tensor.dims)} has a batch-sized axis (e.g. a zero initial state built with the batch size)`
      : null;

  const batch0 = a.inputs[0]!.shape[0];
  const inputs: OnnxValueInfo[] = a.inputs.map((x, i) => ({
    name: inNames[i]!,
    elemType: onnxType(x.dtype),
    shape: x.shape.map((d, j): OnnxDim => (dynamic && j === 0 ? 'batch' : d)),
  }));
  const outputs: OnnxValueInfo[] = a.outputs.map((x, i) => {
    const v = dynamic && an.outputVaries !== null ? an.outputVaries[i] : null;
    return {
      name: outNames[i]!,
      elemType: onnxType(x.dtype),
      shape: x.shape.map((d, j): OnnxDim => (v && v[j] ? (d === batch0 ? 'batch' : null) : d)),
    };
  });
  return {
    graph: {
      name: opts.graphName ?? model.constructor.name,
      nodes: nodes.map(({ blocksDynamic: _, ...n }) => n),
      initializers: inits.map((t) => t.tensor),
      inputs,
      outputs,
      docString: `exported by nabla from ${model.constructor.name}`,
    },
    blocker,
  };
}

/** The ONNX model of `model` traced on `exampleInput`, as bytes (see the file comment). */
export function toOnnx(model: AnyModule, exampleInput: ExampleInput, opts: OnnxExportOptions = {}): OnnxExportResult {
  if (model === null || typeof model !== 'object' || typeof (model as { forward?: unknown }).forward !== 'function') {
    throw new NablaError('onnx.export: the first argument must be a Module (something with a forward method)');
  }
  const inputs = asInputs(exampleInput);
  const a = trace(model, inputs);
  const an = analyse(model, inputs, a, opts.dynamicBatch ?? true);
  let dynamic = an.outVaries !== null;
  let built = build(model, a, an, dynamic, opts);
  let staticReason = an.staticReason;
  if (dynamic && built.blocker !== null) {
    dynamic = false;
    staticReason = built.blocker;
    built = build(model, a, an, false, opts);
  }
  const bytes = encodeModel({ irVersion: IR_VERSION, opset: OPSET, producerName: 'nabla', producerVersion: '0.1.0', graph: built.graph });
  return {
    bytes,
    inputNames: built.graph.inputs.map((v) => v.name),
    outputNames: built.graph.outputs.map((v) => v.name),
    dynamicBatch: dynamic,
    staticReason: dynamic ? null : staticReason,
    nodeTypes: built.graph.nodes.map((n) => n.opType),
    initializers: built.graph.initializers.map((t) => t.name),
  };
}
