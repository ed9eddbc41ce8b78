/**
 * The mapping from nabla's traced ops (the names `result(...)` announces in src/ops/*.ts) to
 * ONNX nodes, opset 17. Each mapping reads the op's inputs as ONNX values and returns the
 * reference for its output.
 *
 *   add sub mul div pow maximum minimum   Add Sub Mul Div Pow Max Min (operands cast to the result dtype)
 *   eq ne lt le gt ge logicalNot           Equal, Not(Equal), Less, LessOrEqual, Greater, GreaterOrEqual, Not
 *   neg exp log sqrt abs sign floor ceil round sin cos reciprocal
 *                                          Neg Exp Log Sqrt Abs Sign Floor Ceil Round Sin Cos Reciprocal
 *   relu sigmoid tanh softplus             Relu Sigmoid Tanh Softplus
 *   rsqrt log1p expm1 square gelu          composed: 1/Sqrt, Log(1+x), Exp(x)-1, x*x, x/2 (1 + Erf(x/sqrt 2))
 *   silu                                   composed: x * Sigmoid(x)
 *   elu                                    Elu (alpha)
 *   clamp cast                             Clip, Cast
 *   softmax logSoftmax                     Softmax, LogSoftmax (axis)
 *   matmul                                 MatMul
 *   linear                                 Gemm (transB = 1) for a 2-D input, else MatMul(x, Transpose(W)) (+ Add b)
 *   sum max min                            ReduceSum (axes input), ReduceMax, ReduceMin (axes attribute)
 *   reshape view unsqueeze expand permute  Reshape (int64 shape), Expand, Transpose (perm)
 *   contiguous                             nothing (the same ONNX value)
 *   slice (narrow, select)                 Slice (+ Squeeze for integer indices)
 *   cat                                    Concat
 *   conv2d                                 Conv (pads, strides, dilations, group)
 *   batchNorm                              BatchNormalization with the running statistics (a 2-D input
 *                                          through Unsqueeze/Squeeze on axis 2); with batch statistics
 *                                          ReduceMean, Sub, Mul, Add, Sqrt, Div (+ Mul gamma, Add beta)
 *   maxPool2d avgPool2d                    MaxPool, AveragePool (kernel_shape, strides, pads, ceil_mode, count_include_pad)
 *   where gather                           Where, GatherElements (the condition / index tensor comes
 *                                          from the op event's attrs.cond / attrs.index)
 *   lstmSequence gruSequence               LSTM, GRU (src/onnx/rnn.ts)
 *   layerNorm                              LayerNormalization (axis = -len(normalizedShape), epsilon; ones as
 *                                          the scale when there is no weight)
 *   attention (the fused op)               MatMul(Q, Transpose(K)) * scale (+ mask) (+ a causal -inf
 *                                          constant) -> Softmax -> MatMul V
 */
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../core/dtype.js';
import { promote } from '../core/dtype.js';
import { type GraphBuilder, type Ref, Poison, onnxType } from './graph.js';
import type { OnnxAttribute } from './proto.js';
import { type OpContext, type SliceSpec, emitSlice, float, int, ints } from './context.js';
import { full } from '../ops/create.js';
import { mapLstm, mapGru, mapRecurrentSlice } from './rnn.js';

type Mapping = (c: OpContext) => Ref;

function binary(opType: string): Mapping {
  return (c) => {
    const d = c.output.dtype;
    return c.value(c.b.node1(opType, [c.in(0, d), c.in(1, d)]));
  };
}

function compare(opType: string, negate = false): Mapping {
  return (c) => {
    const d = promote(c.e.inputs[0]!.dtype, c.e.inputs[1]!.dtype);
    const y = c.b.node1(opType, [c.in(0, d), c.in(1, d)]);
    return c.value(negate ? c.b.node1('Not', [y]) : y);
  };
}

function unary(opType: string): Mapping {
  return (c) => c.value(c.b.node1(opType, [c.in(0, c.output.dtype)]));
}

/** Unary ops composed from several nodes: f(builder, x, dtype) -> name. */
function composed(f: (b: GraphBuilder, x: string, d: DType) => string): Mapping {
  return (c) => c.value(f(c.b, c.in(0, c.output.dtype), c.output.dtype));
}

function reduce(opType: 'ReduceSum' | 'ReduceMax' | 'ReduceMin'): Mapping {
  return (c) => {
    const axes = (c.e.attrs['axes'] as number[] | undefined) ?? [];
    const keep = c.e.attrs['keepdim'] === true ? 1 : 0;
    const x = c.in(0, c.output.dtype);
    if (axes.length === 0) return c.value(x);
    if (opType === 'ReduceSum') return c.value(c.b.node1(opType, [x, c.b.int64(axes, 'axes')], { keepdims: int(keep) }));
    return c.value(c.b.node1(opType, [x], { axes: ints(axes), keepdims: int(keep) }));
  };
}

function reshape(c: OpContext): Ref {
  const { shape, blocks } = c.reshapeTarget();
  const attrs: Record<string, OnnxAttribute> = shape.includes(0) ? { allowzero: int(1) } : {};
  return c.value(c.b.node1('Reshape', [c.in(0), c.b.int64(shape, 'shape')], attrs, blocks));
}

function expand(c: OpContext): Ref {
  const shape = [...c.output.shape];
  let blocks = false;
  if (c.b.dynamic && c.outVaries !== null) {
    const lead = shape.length - c.e.inputs[0]!.ndim;
    const inV = c.inVaries[0];
    c.outVaries.forEach((v, i) => {
      if (!v) return;
      // ONNX Expand keeps the input's size where the target says 1
      if (i >= lead && inV !== null && inV !== undefined && inV[i - lead]) shape[i] = 1;
      else blocks = true;
    });
  }
  return c.value(c.b.node1('Expand', [c.in(0), c.b.int64(shape, 'shape')], {}, blocks));
}

function slice(c: OpContext): Ref {
  const specs = (c.e.attrs['specs'] as readonly SliceSpec[] | undefined) ?? [];
  if (c.refs[0]!.kind === 'virtual') return mapRecurrentSlice(c, specs);
  return c.value(emitSlice(c.b, c.in(0), specs));
}

function pair(v: unknown, dflt: number): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1])];
  if (typeof v === 'number') return [v, v];
  return [dflt, dflt];
}

function conv2d(c: OpContext): Ref {
  const [sh, sw] = pair(c.e.attrs['stride'], 1);
  const [ph, pw] = pair(c.e.attrs['padding'], 0);
  const [dh, dw] = pair(c.e.attrs['dilation'], 1);
  const w = c.e.inputs[1]!;
  const d = c.output.dtype;
  return c.value(
    // a bias the conv2d kernel added is Conv's optional third input B
    c.b.node1('Conv', c.e.inputs.length === 3 ? [c.in(0, d), c.in(1, d), c.in(2, d)] : [c.in(0, d), c.in(1, d)], {
      kernel_shape: ints([w.shape[2]!, w.shape[3]!]),
      strides: ints([sh, sw]),
      pads: ints([ph, pw, ph, pw]),
      dilations: ints([dh, dw]),
      group: int(Number(c.e.attrs['groups'] ?? 1)),
    }),
  );
}

function pool(opType: 'MaxPool' | 'AveragePool'): Mapping {
  return (c) => {
    const [kh, kw] = pair(c.e.attrs['kernel'], 1);
    const [sh, sw] = pair(c.e.attrs['stride'], kh);
    const [ph, pw] = pair(c.e.attrs['padding'], 0);
    const [dh, dw] = pair(c.e.attrs['dilation'], 1);
    const x = c.e.inputs[0]!;
    // the event does not carry ceilMode: it is whatever makes the output size come out
    const floorH = Math.floor((x.shape[2]! + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const floorW = Math.floor((x.shape[3]! + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    const ceil = c.output.shape[2] !== floorH || c.output.shape[3] !== floorW ? 1 : 0;
    const attrs: Record<string, OnnxAttribute> = {
      kernel_shape: ints([kh, kw]),
      strides: ints([sh, sw]),
      pads: ints([ph, pw, ph, pw]),
      ceil_mode: int(ceil),
    };
    if (dh !== 1 || dw !== 1) attrs['dilations'] = ints([dh, dw]);
    if (opType === 'AveragePool') attrs['count_include_pad'] = int(c.e.attrs['countIncludePad'] === false ? 0 : 1);
    return c.value(c.b.node1(opType, [c.in(0)], attrs));
  };
}

function cat(c: OpContext): Ref {
  const d = c.output.dtype;
  const xs = c.e.inputs.map((_, i) => c.in(i, d));
  if (xs.length === 1) return c.value(xs[0]!);
  return c.value(c.b.node1('Concat', xs, { axis: int(Number(c.e.attrs['axis'] ?? 0)) }));
}

function clamp(c: OpContext): Ref {
  const d = c.output.dtype;
  const lo = c.e.attrs['min'];
  const hi = c.e.attrs['max'];
  const inputs = [c.in(0, d), typeof lo === 'number' ? c.b.scalar(lo, d) : '', typeof hi === 'number' ? c.b.scalar(hi, d) : ''];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  return c.value(c.b.node1('Clip', inputs));
}

function where(c: OpContext): Ref {
  const cond = c.e.attrs['cond'];
  if (cond === undefined) {
    throw new Poison("where's op event does not carry its condition tensor (attrs.cond), so the selection cannot be exported");
  }
  const cr = c.b.materialize(c.resolveExtra(cond as Tensor), 'where (condition)');
  const d = c.output.dtype;
  return c.value(c.b.node1('Where', [cr, c.in(0, d), c.in(1, d)]));
}

function gather(c: OpContext): Ref {
  const index = c.e.attrs['index'];
  if (index === undefined) {
    throw new Poison("gather's op event does not carry its index tensor (attrs.index), so the lookup (gather, indexSelect, Embedding) cannot be exported");
  }
  const ir = c.b.materialize(c.resolveExtra(index as Tensor), 'gather (index)');
  const i64 = c.b.node1('Cast', [ir], { to: int(onnxType('int64')) });
  return c.value(c.b.node1('GatherElements', [c.in(0), i64], { axis: int(Number(c.e.attrs['axis'] ?? 0)) }));
}

/** y = x W^T + b (the fused Linear op; its inputs are x, W and, if present, b). */
function linear(c: OpContext): Ref {
  const d = c.output.dtype;
  const x = c.in(0, d);
  const w = c.in(1, d);
  const hasBias = c.e.inputs.length > 2;
  if (c.e.inputs[0]!.ndim === 2) {
    return c.value(c.b.node1('Gemm', hasBias ? [x, w, c.in(2, d)] : [x, w], { transB: int(1) }));
  }
  const y = c.b.node1('MatMul', [x, c.b.node1('Transpose', [w], { perm: ints([1, 0]) })]);
  return c.value(hasBias ? c.b.node1('Add', [y, c.in(2, d)]) : y);
}

/**
 * The fused batch norm. Its inputs: x, the weight and bias if present (attrs.weight, attrs.bias),
 * then, with the running statistics (attrs.training false), running_mean and running_var.
 */
function batchNorm(c: OpContext): Ref {
  const d = c.output.dtype;
  const a = c.e.attrs;
  const xt = c.e.inputs[0]!;
  const ch = xt.shape[1]!;
  const eps = Number(a['eps'] ?? 1e-5);
  const x = c.in(0, d);
  let i = 1;
  const w = a['weight'] === true ? c.in(i++, d) : null;
  const bias = a['bias'] === true ? c.in(i++, d) : null;
  if (a['training'] !== true) {
    const scale = w ?? c.b.initializer('bn_ones', full([ch], 1, { dtype: d }));
    const shift = bias ?? c.b.initializer('bn_zeros', full([ch], 0, { dtype: d }));
    // BatchNormalization takes [N, C, D1, ...]: a 2-D input gets a spatial axis of size 1
    const flat = xt.ndim === 2;
    const xin = flat ? c.b.node1('Unsqueeze', [x, c.b.int64([2], 'axes')]) : x;
    const y = c.b.node1('BatchNormalization', [xin, scale, shift, c.in(i, d), c.in(i + 1, d)], { epsilon: float(eps) });
    return c.value(flat ? c.b.node1('Squeeze', [y, c.b.int64([2], 'axes')]) : y);
  }
  const axes = ints([...xt.shape.keys()].filter((k) => k !== 1));
  const mean = c.b.node1('ReduceMean', [x], { axes, keepdims: int(1) });
  const xc = c.b.node1('Sub', [x, mean]);
  const variance = c.b.node1('ReduceMean', [c.b.node1('Mul', [xc, xc])], { axes, keepdims: int(1) });
  let y = c.b.node1('Div', [xc, c.b.node1('Sqrt', [c.b.node1('Add', [variance, c.b.scalar(eps, d)])])]);
  const bshape = c.b.int64(xt.shape.map((n, k) => (k === 1 ? ch : 1)), 'shape');
  if (w !== null) y = c.b.node1('Mul', [y, c.b.node1('Reshape', [w, bshape])]);
  if (bias !== null) y = c.b.node1('Add', [y, c.b.node1('Reshape', [bias, bshape])]);
  return c.value(y);
}

/** The fused layer norm: inputs x, then weight and bias if present (attrs.weight, attrs.bias). */
function layerNorm(c: OpContext): Ref {
  const d = c.output.dtype;
  const a = c.e.attrs;
  const ns = a['normalizedShape'] as number[];
  let i = 1;
  const w = a['weight'] === true ? c.in(i++, d) : c.b.initializer('ln_ones', full(ns, 1, { dtype: d }));
  const inputs = [c.in(0, d), w];
  if (a['bias'] === true) inputs.push(c.in(i, d));
  return c.value(c.b.node1('LayerNormalization', inputs, { axis: int(-ns.length), epsilon: float(Number(a['eps'] ?? 1e-5)) }));
}

/** The fused attention op: softmax(scale Q K^T + mask + causal) V on [B, H, L, d] inputs. */
function attentionOp(c: OpContext): Ref {
  const d = c.output.dtype;
  const a = c.e.attrs;
  const [q, k, v] = [c.in(0, d), c.in(1, d), c.in(2, d)];
  let s = c.b.node1('MatMul', [q, c.b.node1('Transpose', [k], { perm: ints([0, 1, 3, 2]) })]);
  s = c.b.node1('Mul', [s, c.b.scalar(Number(a['scale']), d)]);
  const mask = a['mask'] as Tensor | null | undefined;
  if (mask) s = c.b.node1('Add', [s, c.b.materialize(c.resolveExtra(mask), 'attention (mask)')]);
  if (a['causal'] === true) {
    const l = c.e.inputs[0]!.shape[2]!;
    const sk = c.e.inputs[1]!.shape[2]!;
    const m = full([l, sk], 0, { dtype: d });
    const md = m._storage;
    for (let i = 0; i < l; i++) for (let j = i + 1; j < sk; j++) md[i * sk + j] = -Infinity;
    s = c.b.node1('Add', [s, c.b.initializer('causal_mask', m)]);
  }
  return c.value(c.b.node1('MatMul', [c.b.node1('Softmax', [s], { axis: int(-1) }), v]));
}

const SQRT1_2 = Math.SQRT1_2;

export const MAPPINGS: Readonly<Record<string, Mapping>> = {
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  pow: binary('Pow'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  eq: compare('Equal'),
  ne: compare('Equal', true),
  lt: compare('Less'),
  le: compare('LessOrEqual'),
  gt: compare('Greater'),
  ge: compare('GreaterOrEqual'),
  logicalNot: (c) => c.value(c.b.node1('Not', [c.in(0, 'bool')])),
  neg: unary('Neg'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  abs: unary('Abs'),
  sign: unary('Sign'),
  floor: unary('Floor'),
  ceil: unary('Ceil'),
  round: unary('Round'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  reciprocal: unary('Reciprocal'),
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  softplus: unary('Softplus'),
  silu: composed((b, x) => b.node1('Mul', [x, b.node1('Sigmoid', [x])])),
  elu: (c) => c.value(c.b.node1('Elu', [c.in(0)], { alpha: float(Number(c.e.attrs['alpha'] ?? 1)) })),
  rsqrt: composed((b, x) => b.node1('Reciprocal', [b.node1('Sqrt', [x])])),
  log1p: composed((b, x, d) => b.node1('Log', [b.node1('Add', [x, b.scalar(1, d)])])),
  expm1: composed((b, x, d) => b.node1('Sub', [b.node1('Exp', [x]), b.scalar(1, d)])),
  square: composed((b, x) => b.node1('Mul', [x, x])),
  gelu: composed((b, x, d) => {
    const erf = b.node1('Erf', [b.node1('Mul', [x, b.scalar(SQRT1_2, d)])]);
    return b.node1('Mul', [b.node1('Mul', [x, b.scalar(0.5, d)]), b.node1('Add', [erf, b.scalar(1, d)])]);
  }),
  clamp,
  cast: (c) => c.value(c.b.node1('Cast', [c.in(0)], { to: int(onnxType(c.output.dtype)) })),
  softmax: (c) => c.value(c.b.node1('Softmax', [c.in(0)], { axis: int(Number(c.e.attrs['axis'] ?? -1)) })),
  logSoftmax: (c) => c.value(c.b.node1('LogSoftmax', [c.in(0)], { axis: int(Number(c.e.attrs['axis'] ?? -1)) })),
  matmul: (c) => c.value(c.b.node1('MatMul', [c.in(0), c.in(1)])),
  linear,
  sum: reduce('ReduceSum'),
  max: reduce('ReduceMax'),
  min: reduce('ReduceMin'),
  reshape,
  view: reshape,
  unsqueeze: reshape,
  expand,
  permute: (c) => c.value(c.b.node1('Transpose', [c.in(0)], { perm: ints((c.e.attrs['axes'] as number[] | undefined) ?? []) })),
  contiguous: (c) => {
    if (c.refs[0]!.kind === 'virtual') return c.refs[0]!;
    return c.value(c.in(0));
  },
  slice,
  cat,
  conv2d,
  batchNorm,
  layerNorm,
  attention: attentionOp,
  maxPool2d: pool('MaxPool'),
  avgPool2d: pool('AveragePool'),
  where,
  gather,
  lstmSequence: mapLstm,
  gruSequence: mapGru,
};

/** The op names export maps, for documentation and error messages. */
export const SUPPORTED_OPS: readonly string[] = Object.keys(MAPPINGS);
