/**
 * The fused recurrences as ONNX LSTM and GRU nodes.
 *
 * nabla's `lstmSequence(xg, W_hh, h0, c0)` and `gruSequence(xg, W_hh, b_hh, h0)` take the input
 * projection xg = x W_ih^T + b (all steps, already computed by traced MatMul/Add nodes), so the
 * ONNX node gets X = xg and, as W, the permutation matrix that reorders xg's gate blocks into
 * ONNX's order (x W^T picks columns: exact in floating point):
 *
 *   LSTM: PyTorch/nabla gates i, f, g, o  ->  ONNX i, o, f, c      (blocks 0, 3, 1, 2)
 *   GRU:  PyTorch/nabla gates r, z, n     ->  ONNX z, r, h         (blocks 1, 0, 2)
 *
 * R is W_hh with its row blocks gathered in the same order, unsqueezed to [1, G*H, H]; the GRU's
 * b_hh becomes Rb (Wb = 0: b_ih is already in xg), with linear_before_reset = 1, which is
 * PyTorch's n = tanh(x_n + r * (h W_hn^T + b_hn)). A reversed pass is direction = "reverse".
 * Initial states that are constant zeros are left out (ONNX's default).
 *
 * The LSTM op returns h and c for every step stacked as [2, T, B, H]; ONNX has h for every step
 * (Y) but c only for the last (Y_c). That output is therefore "virtual": selecting its h part,
 * or the c of the final step, maps to Y or Y_c; anything else cannot be exported.
 */
import type { Tensor } from '../core/tensor.js';
import { zeros } from '../ops/create.js';
import type { DType } from '../core/dtype.js';
import { type Ref, Poison, onnxType } from './graph.js';
import type { OnnxTensor } from './proto.js';
import { type OpContext, type SliceSpec, emitSlice, int, str } from './context.js';

function permutationMatrix(dtype: DType, G: number, H: number, src: readonly number[]): OnnxTensor['data'] {
  const n = G * H;
  const m = dtype === 'float64' ? new Float64Array(n * n) : new Float32Array(n * n);
  src.forEach((s, k) => {
    for (let j = 0; j < H; j++) m[(k * H + j) * n + s * H + j] = 1;
  });
  return m;
}

function rowOrder(H: number, src: readonly number[]): number[] {
  return src.flatMap((s) => Array.from({ length: H }, (_, j) => s * H + j));
}

function isZeroConst(r: Ref): boolean {
  if (r.kind !== 'const') return false;
  const d = r.tensor.data();
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}

/** The shared inputs: X, W (permutation), R (gathered W_hh), the initial state. */
function common(c: OpContext, G: number, src: readonly number[], h0Index: number): { X: string; W: string; R: string; H: number; initH: string } {
  const xg = c.e.inputs[0]!;
  const wHh = c.e.inputs[1]!;
  const H = wHh.shape[1]!;
  const d = xg.dtype;
  const b = c.b;
  const X = c.in(0);
  const W = b.rawInit('rnn_W_gate_permutation', onnxType(d), [1, G * H, G * H], permutationMatrix(d, G, H, src));
  const R = b.node1('Unsqueeze', [b.node1('Gather', [c.in(1, d), b.int64(rowOrder(H, src), 'gate_rows')], { axis: int(0) }), b.int64([0], 'axes')]);
  const initH = isZeroConst(c.refs[h0Index]!) ? '' : b.node1('Unsqueeze', [c.in(h0Index, d), b.int64([0], 'axes')]);
  return { X, W, R, H, initH };
}

export function mapLstm(c: OpContext): Ref {
  const { X, W, R, H, initH } = common(c, 4, [0, 3, 1, 2], 2);
  const b = c.b;
  const initC = isZeroConst(c.refs[3]!) ? '' : b.node1('Unsqueeze', [c.in(3, c.e.inputs[0]!.dtype), b.int64([0], 'axes')]);
  const inputs = [X, W, R, '', '', initH, initC];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const reverse = c.e.attrs['reverse'] === true;
  const [Y, , Yc] = b.node('LSTM', inputs, { hidden_size: int(H), direction: str(reverse ? 'reverse' : 'forward') }, 3);
  const ys = b.node1('Squeeze', [Y!, b.int64([1], 'axes')]);
  const cLast = b.node1('Squeeze', [Yc!, b.int64([0], 'axes')]);
  return { kind: 'virtual', tag: 'lstmSequence', parts: { ys, cLast }, info: { T: c.e.inputs[0]!.shape[0]!, reverse } };
}

export function mapGru(c: OpContext): Ref {
  const { X, W, R, H, initH } = common(c, 3, [1, 0, 2], 2);
  const b = c.b;
  const d = c.e.inputs[0]!.dtype;
  let B = '';
  if (c.e.inputs.length > 3) {
    const zeros = b.initializer('gru_Wb_zeros', zerosLike(c.e.inputs[3]!));
    const rb = b.node1('Gather', [c.in(3, d), b.int64(rowOrder(H, [1, 0, 2]), 'gate_rows')], { axis: int(0) });
    B = b.node1('Unsqueeze', [b.node1('Concat', [zeros, rb], { axis: int(0) }), b.int64([0], 'axes')]);
  }
  const inputs = [X, W, R, B, '', initH];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const reverse = c.e.attrs['reverse'] === true;
  const [Y] = b.node('GRU', inputs, { hidden_size: int(H), direction: str(reverse ? 'reverse' : 'forward'), linear_before_reset: int(1) }, 2);
  return c.value(b.node1('Squeeze', [Y!, b.int64([1], 'axes')]));
}

function zerosLike(t: Tensor): Tensor {
  return zeros([...t.shape], { dtype: t.dtype });
}

function normIndex(i: number, n: number): number {
  return i < 0 ? i + n : i;
}

/** A slice of the LSTM's stacked [h, c] output (or of its c part): see the file comment. */
export function mapRecurrentSlice(c: OpContext, specs: readonly SliceSpec[]): Ref {
  const r = c.refs[0]!;
  if (r.kind !== 'virtual') throw new Poison('internal: not a recurrent output');
  const T = Number(r.info['T']);
  const last = r.info['reverse'] === true ? 0 : T - 1;
  const s0 = specs[0];
  const cellOnly = (rest: readonly SliceSpec[]): Ref => {
    const st = rest[0];
    if (typeof st === 'number' && normIndex(st, T) === last) return c.value(emitSlice(c.b, r.parts['cLast']!, rest.slice(1)));
    if (rest.length === 0 || st === null || st === undefined) return { ...r, tag: 'lstmSequence (cell states)' };
    throw new Poison(
      `the LSTM's cell state is exported for the final step only (ONNX LSTM returns Y_c), but the model reads it at step ${JSON.stringify(st)} of ${T}`,
    );
  };
  if (r.tag === 'lstmSequence (cell states)') return cellOnly(specs);
  if (typeof s0 !== 'number') throw new Poison(`the stacked [h, c] output of lstmSequence can only be indexed by h (0) or c (1), got ${JSON.stringify(s0)}`);
  const part = normIndex(s0, 2);
  if (part === 0) return c.value(emitSlice(c.b, r.parts['ys']!, specs.slice(1)));
  return cellOnly(specs.slice(1));
}
