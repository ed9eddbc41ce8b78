/**
 * The kernel table: the single declaration of every backend kernel. From it come
 * - the `Backend` type (src/backend/types.ts maps each row to its TypeScript signature),
 * - the backend kernel list (`KERNEL_NAMES`) and the op-code lists (`UNARY_OPS`, ...),
 * - by `npm run gen:kernels` (tools/kernels/codegen.ts): the C++ argument structs, prototypes
 *   and op-code enums (native/gen/kernels.h), the Node-API glue with dtype and extent checks
 *   (native/gen/napi_glue.inc), the plain C exports for WebAssembly (native/gen/wasm_exports.cc),
 *   the native backend's TypeScript wrapper (src/backend/native/kernels.gen.ts) and the extents
 *   of every array argument (src/backend/kernels/extents.gen.ts);
 * - and the parity test (test/backends/parity.test.ts) walks it over every registered backend.
 *
 * A row lists the kernel's parameters in the order of its TypeScript signature. Kinds:
 * - `array`: a typed array. `dtype` is what the compiled kernels take (other dtypes fall back to
 *   the reference kernel, call by call); `role` in / out / inout; `optional` arrays may be null;
 *   `offset` names the scalar holding the element offset the kernel starts at; `extent` is the
 *   number of elements from that offset the call touches, an expression over the row's scalars
 *   (`+ - * ( ) ?: == != < > && ||`, `max(a, b)`, `div(a, b)` integer division, `numel`).
 * - `strided`: a `Strided` view walked over the call's `shape` (rank and strides collapsed by the
 *   wrapper); `view`: a `HeadView` (rank 4, last axis contiguous) or a rank-4 `Strided` (`mask`).
 * - `int`, `float`, `bool`, `enum` (an op name, passed to C++ as its index in `values`).
 * - `geom`: a geometry struct of src/backend/types.ts (fields in GEOMS); `struct`: the kernel's
 *   one argument object (GemmArgs, LstmCellArgs, ...), whose fields are parameters of the above kinds.
 * - `shape`: the `readonly number[]` shape of the strided kernels.
 */

export const UNARY_OPS = [
  'neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'sign', 'square', 'reciprocal', 'relu', 'sigmoid',
  'tanh', 'sin', 'cos', 'floor', 'ceil', 'round', 'log1p', 'expm1', 'softplus', 'gelu', 'not',
] as const;
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or', 'reluGrad',
] as const;
/** Binary ops whose result is bool. */
export const BOOL_BINARY_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or']);
export const REDUCE_OPS = ['sum', 'max', 'min', 'prod'] as const;
export const ARG_REDUCE_OPS = ['argmin', 'argmax'] as const;

/** Array dtypes a compiled kernel takes: float32; int32; float32/bool/int32 (`elem`); any, all operands alike (`same`). */
export type DtypeClass = 'f32' | 'i32' | 'elem' | 'same';
export type Role = 'in' | 'out' | 'inout';

export interface ArrayParam {
  readonly kind: 'array';
  readonly name: string;
  readonly dtype: DtypeClass;
  readonly role: Role;
  readonly extent: string;
  readonly offset?: string;
  readonly optional?: boolean;
  /** the array may be absent from the call (a trailing `?` parameter or an optional field) */
  readonly omittable?: boolean;
  /** float32 or bool result (unary's `not`, comparisons) */
  readonly boolOut?: boolean;
}
export interface StridedParam {
  readonly kind: 'strided';
  readonly name: string;
  readonly dtype: DtypeClass;
  readonly role: Role;
}
export interface ViewParam {
  readonly kind: 'view';
  readonly name: string;
  readonly dtype: 'f32';
  readonly role: Role;
  /** the four dimensions the view spans, as scalar names; the last is contiguous unless `strided4` */
  readonly dims: readonly [string, string, string, string];
  readonly strided4?: boolean;
  readonly optional?: boolean;
}
export interface ScalarParam {
  readonly kind: 'int' | 'float' | 'bool';
  readonly name: string;
  /** a field that may be left out of the argument object (`?:`), with the value used then */
  readonly default?: number;
  /** computed by the wrapper from the arrays (TypeScript expression), not passed by the caller */
  readonly derived?: string;
  /** the literal type of the TypeScript parameter, if narrower than number / boolean */
  readonly literal?: string;
}
export interface EnumParam {
  readonly kind: 'enum';
  readonly name: string;
  readonly values: readonly string[];
  /** the TypeScript type name of the union (exported from types.ts) */
  readonly type: string;
}
export interface GeomParam {
  readonly kind: 'geom';
  readonly name: string;
  readonly type: keyof typeof GEOMS;
}
export interface ShapeParam {
  readonly kind: 'shape';
  readonly name: string;
}
export type Leaf = ArrayParam | StridedParam | ViewParam | ScalarParam | EnumParam | GeomParam;
export interface StructParam {
  readonly kind: 'struct';
  readonly name: string;
  /** the interface in src/backend/types.ts */
  readonly type: string;
  readonly fields: readonly Leaf[];
}
export type Param = Leaf | StructParam | ShapeParam;

export interface KernelRow {
  /** the kernel's documentation (becomes the doc comment of its `Backend` method) */
  readonly doc: readonly string[];
  readonly params: readonly Param[];
  /** no compiled version: every backend runs the reference kernel (fill: TypedArray.fill is native already) */
  readonly referenceOnly?: boolean;
  /** a further TypeScript condition (over the parameter names) for the compiled kernel to run */
  readonly when?: string;
  /**
   * How the Node-API glue tests float32 arrays: by element size (default: a typed array of other
   * than 4-byte elements is refused), or `'bytes'`: by byte extent only, one N-API call fewer per
   * array (never out of bounds; the exact type is the generated wrapper's test). For kernels
   * called so often with so little work that each call's glue shows (gemm: once per Linear).
   */
  readonly glue?: 'bytes';
}

/** Geometry structs: their fields in order (all integers; booleans say so). */
export const GEOMS = {
  Conv2dGeom: ['n', 'cIn', 'h', 'w', 'cOut', 'kh', 'kw', 'strideH', 'strideW', 'padH', 'padW', 'dilH', 'dilW', 'groups', 'outH', 'outW'],
  Pool2dGeom: ['n', 'c', 'h', 'w', 'kh', 'kw', 'strideH', 'strideW', 'padH', 'padW', 'outH', 'outW', 'countIncludePad:bool'],
} as const;

const f32 = (name: string, role: Role, extent: string, more: Partial<ArrayParam> = {}): ArrayParam => ({ kind: 'array', name, dtype: 'f32', role, extent, ...more });
const i32 = (name: string, role: Role, extent: string, more: Partial<ArrayParam> = {}): ArrayParam => ({ kind: 'array', name, dtype: 'i32', role, extent, ...more });
const int = (name: string, more: Partial<ScalarParam> = {}): ScalarParam => ({ kind: 'int', name, ...more });
const float = (name: string): ScalarParam => ({ kind: 'float', name });
const bool = (name: string): ScalarParam => ({ kind: 'bool', name });
const head = (name: string, role: Role, rows: string, width: string): ViewParam => ({
  kind: 'view', name, dtype: 'f32', role, dims: ['batch', 'heads', rows, width],
});
const shape: ShapeParam = { kind: 'shape', name: 'shape' };

const ATTENTION_FIELDS: readonly Leaf[] = [
  int('batch'), int('heads'), int('l'), int('s'), int('d'), int('dv'),
  head('q', 'in', 'l', 'd'), head('k', 'in', 's', 'd'), head('v', 'in', 's', 'dv'),
  { kind: 'view', name: 'mask', dtype: 'f32', role: 'in', dims: ['batch', 'heads', 'l', 's'], strided4: true, optional: true },
  bool('causal'), float('scale'),
];

/** Every kernel of the backend contract (documented in src/backend/types.ts). */
export const KERNELS = {
  unary: {
    doc: [
      "out[i] = op(x[i]) over `shape`.",
    ],
    params: [
      { kind: 'enum', name: 'op', values: UNARY_OPS, type: 'UnaryOp' },
      { kind: 'strided', name: 'x', dtype: 'elem', role: 'in' },
      shape,
      { kind: 'array', name: 'out', dtype: 'f32', role: 'out', extent: 'numel', boolOut: true },
    ],
    when: "out instanceof Float32Array || op === 'not'",
  },
  binary: {
    doc: [
      "out[i] = op(a[i], b[i]) over the broadcast `shape` (a and b strides already broadcast).",
    ],
    params: [
      { kind: 'enum', name: 'op', values: BINARY_OPS, type: 'BinaryOp' },
      { kind: 'strided', name: 'a', dtype: 'elem', role: 'in' },
      { kind: 'strided', name: 'b', dtype: 'elem', role: 'in' },
      shape,
      { kind: 'array', name: 'out', dtype: 'f32', role: 'out', extent: 'numel', boolOut: true },
    ],
    when: 'out instanceof Float32Array || BOOL_BINARY_OPS.has(op)',
  },
  where: {
    doc: [
      "out[i] = cond[i] ? a[i] : b[i] (all three strided/broadcast over `shape`).",
    ],
    params: [
      { kind: 'strided', name: 'cond', dtype: 'elem', role: 'in' },
      { kind: 'strided', name: 'a', dtype: 'f32', role: 'in' },
      { kind: 'strided', name: 'b', dtype: 'f32', role: 'in' },
      shape,
      f32('out', 'out', 'numel'),
    ],
  },
  copy: {
    doc: [
      "Copies a strided view into another strided view of the same shape (dtype converts).",
    ],
    params: [
      { kind: 'strided', name: 'x', dtype: 'same', role: 'in' },
      shape,
      { kind: 'strided', name: 'out', dtype: 'same', role: 'out' },
    ],
  },
  fill: {
    doc: [
      "Fills a contiguous range of `out` with `value`.",
    ],
    params: [{ kind: 'array', name: 'out', dtype: 'same', role: 'out', extent: 'end - start', offset: 'start' }, float('value'), int('start'), int('end')],
    referenceOnly: true,
  },
  reduce: {
    doc: [
      "Reduces a contiguous [outer, n, inner] array over its middle axis into [outer, inner].",
      "For n = 0: sum -> 0, prod -> 1, max -> -Infinity, min -> +Infinity.",
    ],
    params: [
      { kind: 'enum', name: 'op', values: REDUCE_OPS, type: 'ReduceOp' },
      f32('x', 'in', 'outer * n * inner'), int('outer'), int('n'), int('inner'), f32('out', 'out', 'outer * inner'),
    ],
  },
  argReduce: {
    doc: [
      "Index of the first max/min along the middle axis of a contiguous [outer, n, inner] array.",
    ],
    params: [
      { kind: 'enum', name: 'op', values: ARG_REDUCE_OPS, type: 'ArgReduceOp' },
      f32('x', 'in', 'outer * n * inner'), int('outer'), int('n'), int('inner'), i32('out', 'out', 'outer * inner'),
    ],
  },
  gemm: {
    glue: 'bytes',
    doc: [
      "Batched GEMM; see GemmArgs. Must handle k = 0 (C = beta*C), m or n = 0, and any lda/ldb.",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'GemmArgs',
      fields: [
        int('batch'), int('m'), int('n'), int('k'),
        f32('a', 'in', 'batch == 0 || m == 0 || n == 0 || k == 0 ? 0 : (batch - 1) * strideA + (transA ? (k - 1) * lda + m : (m - 1) * lda + k)', { offset: 'aOffset' }),
        int('aOffset'), int('lda'), bool('transA'), int('strideA'),
        f32('b', 'in', 'batch == 0 || m == 0 || n == 0 || k == 0 ? 0 : (batch - 1) * strideB + (transB ? (n - 1) * ldb + k : (k - 1) * ldb + n)', { offset: 'bOffset' }),
        int('bOffset'), int('ldb'), bool('transB'), int('strideB'),
        f32('c', 'inout', 'batch == 0 || m == 0 || n == 0 ? 0 : (batch - 1) * strideC + (m - 1) * ldc + n', { offset: 'cOffset' }),
        int('cOffset'), int('ldc'), int('strideC'), int('beta', { literal: '0 | 1' }),
        f32('bias', 'in', 'n', { offset: 'biasOffset', optional: true, omittable: true }), int('biasOffset', { default: 0 }),
      ],
    }],
  },
  linearBackward: {
    doc: [
      "The gradients of a Linear layer y = x W^T + b in one call, given g = dJ/dy as a [rows, outF]",
      "matrix, x as [rows, inF] and W as [outF, inF], each stored row-major with its leading dimension",
      "(or, `trans*`, column-major: element (i, j) at j*ld + i):",
      "  dx = g W (rows x inF), dw = g^T x (outF x inF), db = sum over rows of g (outF);",
      "each written densely where its array is not null (x is read only for dw, w only for dx).",
      "The two products have the same number of multiply-adds: with two threads they may run side by side.",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'LinearBackwardArgs',
      fields: [
        int('rows'), int('inF'), int('outF'),
        f32('g', 'in', 'rows == 0 || outF == 0 ? 0 : (transG ? (outF - 1) * ldg + rows : (rows - 1) * ldg + outF)', { offset: 'gOffset' }),
        int('gOffset'), int('ldg'), bool('transG'),
        f32('x', 'in', 'rows == 0 || inF == 0 ? 0 : (transX ? (inF - 1) * ldx + rows : (rows - 1) * ldx + inF)', { offset: 'xOffset', optional: true }),
        int('xOffset'), int('ldx'), bool('transX'),
        f32('w', 'in', 'outF == 0 || inF == 0 ? 0 : (transW ? (inF - 1) * ldw + outF : (outF - 1) * ldw + inF)', { offset: 'wOffset', optional: true }),
        int('wOffset'), int('ldw'), bool('transW'),
        f32('dx', 'out', 'rows * inF', { optional: true }),
        f32('dw', 'out', 'outF * inF', { optional: true }),
        f32('db', 'out', 'outF', { optional: true }),
      ],
    }],
  },
  softmax: {
    doc: [
      "Softmax (or log-softmax) over the middle axis of a contiguous [outer, n, inner] array,",
      "numerically stable (subtracts the max).",
    ],
    params: [f32('x', 'in', 'outer * n * inner'), int('outer'), int('n'), int('inner'), f32('out', 'out', 'outer * n * inner'), bool('log')],
  },
  softmaxBackward: {
    doc: [
      "Backward of softmax / log-softmax given the forward output y and upstream g:",
      "softmax:     dx = y * (g - sum(g*y))",
      "log-softmax: dx = g - exp(y) * sum(g)",
    ],
    params: [
      f32('y', 'in', 'outer * n * inner'), f32('g', 'in', 'outer * n * inner'), int('outer'), int('n'), int('inner'),
      f32('out', 'out', 'outer * n * inner'), bool('log'),
    ],
  },
  gather: {
    doc: [
      "Gather along the middle axis of contiguous [outer, n, inner] x with indices [outer, m, inner]:",
      "out[o, j, i] = x[o, index[o, j, i], i]. Indices were validated by the caller.",
    ],
    params: [
      f32('x', 'in', 'outer * n * inner'), i32('index', 'in', 'outer * m * inner'), int('outer'), int('n'), int('m'), int('inner'),
      f32('out', 'out', 'outer * m * inner'),
    ],
  },
  scatterAdd: {
    doc: [
      "The adjoint of gather: out[o, index[o, j, i], i] += g[o, j, i] (out is pre-zeroed by the caller).",
    ],
    params: [
      f32('g', 'in', 'outer * m * inner'), i32('index', 'in', 'outer * m * inner'), int('outer'), int('n'), int('m'), int('inner'),
      f32('out', 'inout', 'outer * n * inner'),
    ],
  },
  conv2d: {
    doc: [
      "y = conv2d(x, w) + bias; x [N,Cin,H,W], w [Cout,Cin/groups,kh,kw], y [N,Cout,outH,outW];",
      "`bias` [Cout] (each output channel's value added to all its pixels) may be absent or null.",
      "Every element of y is written.",
    ],
    params: [
      f32('x', 'in', 'n * cIn * h * w'), f32('w', 'in', 'cOut * div(cIn, groups) * kh * kw'), { kind: 'geom', name: 'g', type: 'Conv2dGeom' },
      f32('out', 'out', 'n * cOut * outH * outW'), f32('bias', 'in', 'cOut', { optional: true, omittable: true }),
    ],
  },
  conv2dBackwardInput: {
    doc: [
      "dx from dy and w (every element of dx written).",
    ],
    params: [
      f32('dy', 'in', 'n * cOut * outH * outW'), f32('w', 'in', 'cOut * div(cIn, groups) * kh * kw'), { kind: 'geom', name: 'g', type: 'Conv2dGeom' },
      f32('dx', 'out', 'n * cIn * h * w'),
    ],
  },
  conv2dBackwardWeight: {
    doc: [
      "dw from x and dy (every element written); if `db` [Cout] is given it receives the bias",
      "gradient db[o] = sum over n, p, q of dy[n,o,p,q] (computed while dy is read anyway).",
    ],
    params: [
      f32('x', 'in', 'n * cIn * h * w'), f32('dy', 'in', 'n * cOut * outH * outW'), { kind: 'geom', name: 'g', type: 'Conv2dGeom' },
      f32('dw', 'out', 'cOut * div(cIn, groups) * kh * kw'), f32('db', 'out', 'cOut', { optional: true, omittable: true }),
    ],
  },
  maxPool2d: {
    doc: [
      "Max pooling; `argmax` receives the flat index (within each [H,W] plane) of each max, -1 for an all-padding window.",
    ],
    params: [
      f32('x', 'in', 'n * c * h * w'), { kind: 'geom', name: 'g', type: 'Pool2dGeom' }, f32('out', 'out', 'n * c * outH * outW'),
      i32('argmax', 'out', 'n * c * outH * outW'),
    ],
  },
  maxPool2dBackward: {
    doc: [
      "dx[argmax] = sum of the dy whose window chose it, 0 elsewhere (every element of dx written).",
    ],
    params: [
      f32('dy', 'in', 'n * c * outH * outW'), i32('argmax', 'in', 'n * c * outH * outW'), { kind: 'geom', name: 'g', type: 'Pool2dGeom' },
      f32('dx', 'out', 'n * c * h * w'),
    ],
  },
  avgPool2d: {
    doc: ['Average pooling over each window (padding counted in the divisor when `countIncludePad`).'],
    params: [f32('x', 'in', 'n * c * h * w'), { kind: 'geom', name: 'g', type: 'Pool2dGeom' }, f32('out', 'out', 'n * c * outH * outW')],
  },
  avgPool2dBackward: {
    doc: [
      "dx = each window's dy / divisor summed over the windows covering it (every element of dx written).",
    ],
    params: [f32('dy', 'in', 'n * c * outH * outW'), { kind: 'geom', name: 'g', type: 'Pool2dGeom' }, f32('dx', 'out', 'n * c * h * w')],
  },
  batchNormStats: {
    doc: [
      "Batch-norm statistics of a contiguous x [n, c, inner] (channel axis 1; inner = the product of",
      "the spatial axes, 1 for a 2-D input), per channel j over its M = n * inner elements:",
      "  mean[j] = (1/M) sum x[i, j, k],   v_j = (1/M) sum (x[i, j, k] - mean[j])^2   (biased)",
      "  invstd[j] = 1 / sqrt(v_j + eps),  variance[j] = v_j (only if `variance` is not null)",
      "The sums accumulate in double precision (or better). Every element of the outputs [c] is",
      "written; M = 0 gives NaN.",
    ],
    params: [
      f32('x', 'in', 'n * c * inner'), int('n'), int('c'), int('inner'), f32('mean', 'out', 'c'), f32('invstd', 'out', 'c'), float('eps'),
      f32('variance', 'out', 'c', { optional: true }),
    ],
  },
  batchNormForward: {
    doc: [
      "y = (x - mean[j]) * invstd[j] * gamma[j] + beta[j] over a contiguous x [n, c, inner] (gamma",
      "= 1 and beta = 0 when null); every element of `out` is written.",
    ],
    params: [
      f32('x', 'in', 'n * c * inner'), int('n'), int('c'), int('inner'), f32('mean', 'in', 'c'), f32('invstd', 'in', 'c'),
      f32('gamma', 'in', 'c', { optional: true }), f32('beta', 'in', 'c', { optional: true }), f32('out', 'out', 'n * c * inner'),
    ],
  },
  batchNormBackward: {
    doc: [
      "Backward of `batchNormForward` given g = dJ/dy [n, c, inner] and x, with",
      "xhat = (x - mean[j]) * invstd[j], per channel j over its M = n * inner elements:",
      "  dbeta[j] = sum g,   dgamma[j] = sum g * xhat      (double-precision sums)",
      "  training (mean and invstd are the batch's own statistics, so they depend on x):",
      "    dx = gamma[j] * invstd[j] / M * (M * g - dbeta[j] - xhat * dgamma[j])",
      "  evaluation (running statistics, constants):  dx = g * gamma[j] * invstd[j]",
      "gamma null means 1. Each of dx, dgamma, dbeta may be null (not wanted); the others are",
      "written in full. `dx` may be `g` itself (each channel's sums are taken before its dx is written).",
    ],
    params: [
      f32('g', 'in', 'n * c * inner'), f32('x', 'in', 'n * c * inner'), int('n'), int('c'), int('inner'), f32('mean', 'in', 'c'),
      f32('invstd', 'in', 'c'), f32('gamma', 'in', 'c', { optional: true }), f32('dx', 'out', 'n * c * inner', { optional: true }),
      f32('dgamma', 'out', 'c', { optional: true }), f32('dbeta', 'out', 'c', { optional: true }), bool('training'),
    ],
  },
  layerNormForward: {
    doc: [
      "Layer normalisation of the rows of a contiguous x [rows, n] (n = the product of the",
      "normalised axes), per row r (sums in double precision or better):",
      "  mean[r] = (1/n) sum_j x[r, j],   rstd[r] = 1 / sqrt((1/n) sum_j (x[r, j] - mean[r])^2 + eps)",
      "  out[r, j] = (x[r, j] - mean[r]) * rstd[r] * gamma[j] + beta[j]   (gamma = 1, beta = 0 when null)",
      "Every element of out, mean, rstd is written.",
    ],
    params: [
      f32('x', 'in', 'rows * n'), int('rows'), int('n'), float('eps'), f32('gamma', 'in', 'n', { optional: true }),
      f32('beta', 'in', 'n', { optional: true }), f32('out', 'out', 'rows * n'), f32('mean', 'out', 'rows'), f32('rstd', 'out', 'rows'),
    ],
  },
  layerNormBackward: {
    doc: [
      "Backward of `layerNormForward` given g = dJ/dout [rows, n], with xhat = (x - mean[r]) rstd[r]",
      "and gh = g * gamma:",
      "  dx[r, j] = rstd[r] (gh[r, j] - (1/n) sum_k gh[r, k] - xhat[r, j] (1/n) sum_k gh[r, k] xhat[r, k])",
      "  dgamma[j] = sum_r g[r, j] xhat[r, j],   dbeta[j] = sum_r g[r, j]",
      "Each of dx, dgamma, dbeta may be null (not wanted); the others are written in full. dx may be g.",
    ],
    params: [
      f32('g', 'in', 'rows * n'), f32('x', 'in', 'rows * n'), int('rows'), int('n'), f32('mean', 'in', 'rows'), f32('rstd', 'in', 'rows'),
      f32('gamma', 'in', 'n', { optional: true }), f32('dx', 'out', 'rows * n', { optional: true }), f32('dgamma', 'out', 'n', { optional: true }),
      f32('dbeta', 'out', 'n', { optional: true }),
    ],
  },
  geluForward: {
    doc: [
      "out[i] = x[i] Phi(x[i]) (exact GELU, Phi the standard normal CDF) over n contiguous elements.",
    ],
    params: [f32('x', 'in', 'n'), f32('out', 'out', 'n'), int('n')],
  },
  geluBackward: {
    doc: [
      "out[i] = g[i] (Phi(x[i]) + x[i] phi(x[i])), phi the standard normal density; out may be g.",
    ],
    params: [f32('x', 'in', 'n'), f32('g', 'in', 'n'), f32('out', 'out', 'n'), int('n')],
  },
  attentionForward: {
    doc: [
      "Fused scaled dot-product attention (see AttentionArgs).",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'AttentionArgs',
      fields: [...ATTENTION_FIELDS, head('out', 'out', 'l', 'dv'), f32('lse', 'out', 'batch * heads * l')],
    }],
  },
  attentionBackward: {
    doc: [
      "Its backward (see AttentionBackwardArgs).",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'AttentionBackwardArgs',
      fields: [
        ...ATTENTION_FIELDS, head('out', 'in', 'l', 'dv'), f32('lse', 'in', 'batch * heads * l'), head('g', 'in', 'l', 'dv'),
        head('gradQ', 'out', 'l', 'd'), head('gradK', 'out', 's', 'd'), head('gradV', 'out', 's', 'dv'),
      ],
    }],
  },
  adamStep: {
    doc: [
      "One Adam/AdamW update of a whole parameter in place: p, m, v updated, g read.",
    ],
    params: [
      f32('p', 'inout', 'n'), f32('g', 'in', 'n'), f32('m', 'inout', 'n'), f32('v', 'inout', 'n'),
      {
        kind: 'struct', name: 'args', type: 'AdamArgs',
        fields: [float('lr'), float('beta1'), float('beta2'), float('eps'), float('weightDecay'), bool('decoupled'), float('step')],
      },
      int('n', { derived: 'p.length' }),
    ],
  },
  lstmCellForward: {
    doc: [
      "One LSTM step's gate math (see LstmCellArgs); the recurrent GEMM is the caller's.",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'LstmCellArgs',
      fields: [
        int('batch'), int('hidden'),
        f32('gates', 'inout', 'batch * 4 * hidden', { offset: 'gatesOffset' }), int('gatesOffset'),
        f32('cPrev', 'in', 'batch * hidden', { offset: 'cPrevOffset' }), int('cPrevOffset'),
        f32('c', 'out', 'batch * hidden', { offset: 'cOffset' }), int('cOffset'),
        f32('h', 'out', 'batch * hidden', { offset: 'hOffset' }), int('hOffset'),
        f32('tanhC', 'out', 'batch * hidden', { offset: 'tanhCOffset' }), int('tanhCOffset'),
      ],
    }],
  },
  lstmCellBackward: {
    doc: [
      "One LSTM step's backward gate math (see LstmCellBackwardArgs).",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'LstmCellBackwardArgs',
      fields: [
        int('batch'), int('hidden'),
        f32('gates', 'in', 'batch * 4 * hidden', { offset: 'gatesOffset' }), int('gatesOffset'),
        f32('tanhC', 'in', 'batch * hidden', { offset: 'tanhCOffset' }), int('tanhCOffset'),
        f32('cPrev', 'in', 'batch * hidden', { offset: 'cPrevOffset' }), int('cPrevOffset'),
        f32('gradH', 'in', 'batch * hidden', { offset: 'gradHOffset' }), int('gradHOffset'),
        f32('gradC', 'in', 'batch * hidden', { offset: 'gradCOffset' }), int('gradCOffset'),
        f32('dh', 'in', 'batch * hidden'),
        f32('dc', 'inout', 'batch * hidden'),
        f32('dGates', 'out', 'batch * 4 * hidden', { offset: 'dGatesOffset' }), int('dGatesOffset'),
      ],
    }],
  },
  gruCellForward: {
    doc: [
      "One GRU step's gate math (see GruCellArgs).",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'GruCellArgs',
      fields: [
        int('batch'), int('hidden'),
        f32('x', 'in', 'batch * 3 * hidden', { offset: 'xOffset' }), int('xOffset'),
        f32('p', 'in', 'batch * 3 * hidden'),
        f32('hPrev', 'in', 'batch * hidden', { offset: 'hPrevOffset' }), int('hPrevOffset'),
        f32('h', 'out', 'batch * hidden', { offset: 'hOffset' }), int('hOffset'),
        f32('act', 'out', 'batch * 3 * hidden', { offset: 'actOffset' }), int('actOffset'),
        f32('pn', 'out', 'batch * hidden', { offset: 'pnOffset' }), int('pnOffset'),
      ],
    }],
  },
  gruCellBackward: {
    doc: [
      "One GRU step's backward gate math (see GruCellBackwardArgs).",
    ],
    params: [{
      kind: 'struct', name: 'args', type: 'GruCellBackwardArgs',
      fields: [
        int('batch'), int('hidden'),
        f32('act', 'in', 'batch * 3 * hidden', { offset: 'actOffset' }), int('actOffset'),
        f32('pn', 'in', 'batch * hidden', { offset: 'pnOffset' }), int('pnOffset'),
        f32('hPrev', 'in', 'batch * hidden', { offset: 'hPrevOffset' }), int('hPrevOffset'),
        f32('gradH', 'in', 'batch * hidden', { offset: 'gradHOffset' }), int('gradHOffset'),
        f32('dh', 'in', 'batch * hidden'),
        f32('dx', 'out', 'batch * 3 * hidden', { offset: 'dxOffset' }), int('dxOffset'),
        f32('dp', 'out', 'batch * 3 * hidden', { offset: 'dpOffset' }), int('dpOffset'),
        f32('dhPrev', 'out', 'batch * hidden'),
      ],
    }],
  },
} as const satisfies Record<string, KernelRow>;

export type KernelName = keyof typeof KERNELS;
/** The kernels in table order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];
