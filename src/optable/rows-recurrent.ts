/**
 * Op-table rows: the recurrent functionals (rnnCell, lstmCell, gruCell, and the multi-layer,
 * optionally bidirectional rnn, lstm, gru). Inputs are laid out as
 *   x, [h0], [c0 (LSTM)], then per layer and direction (layer-major): W_ih, W_hh, [b_ih, b_hh]
 * with args { hasH, bias, layers, bidirectional, batchFirst, nonlinearity }, the order of
 * PyTorch's flat parameter list (torch.lstm / torch.gru / torch.rnn_tanh take the same).
 */
import type { Tensor } from '../core/tensor.js';
import * as R from '../functional/rnn.js';
import type { CellWeights, Nonlinearity } from '../functional/rnn.js';
import type { Args, InputSpec, OpInfo, Sample } from './types.js';
import { Values, vals } from './values.js';

type Kind = 'rnn' | 'lstm' | 'gru';
const GATES: Record<Kind, number> = { rnn: 1, lstm: 4, gru: 3 };

/** The CellWeights of every layer and direction, read from xs from index `k` on. */
function weightsOf(xs: readonly Tensor[], k: number, count: number, bias: boolean): CellWeights[] {
  const out: CellWeights[] = [];
  const per = bias ? 4 : 2;
  for (let i = 0; i < count; i++) {
    const b = k + i * per;
    out.push({ weightIh: xs[b]!, weightHh: xs[b + 1]!, biasIh: bias ? xs[b + 2]! : null, biasHh: bias ? xs[b + 3]! : null });
  }
  return out;
}

function states(kind: Kind, a: Args): number {
  return a['hasH'] === false ? 0 : kind === 'lstm' ? 2 : 1;
}

function runCell(kind: Kind): OpInfo['run'] {
  return (xs, a) => {
    const s = states(kind, a);
    const [w] = weightsOf(xs, 1 + s, 1, a['bias'] !== false);
    if (kind === 'lstm') return R.lstmCell(xs[0]!, s ? [xs[1]!, xs[2]!] : null, w!);
    if (kind === 'gru') return R.gruCell(xs[0]!, s ? xs[1]! : null, w!);
    return R.rnnCell(xs[0]!, s ? xs[1]! : null, w!, (a['nonlinearity'] ?? 'tanh') as Nonlinearity);
  };
}

function runSequence(kind: Kind): OpInfo['run'] {
  return (xs, a) => {
    const s = states(kind, a);
    const layers = (a['layers'] ?? 1) as number;
    const bidirectional = a['bidirectional'] === true;
    const ws = weightsOf(xs, 1 + s, layers * (bidirectional ? 2 : 1), a['bias'] !== false);
    const opts = { numLayers: layers, bidirectional, batchFirst: a['batchFirst'] === true };
    if (kind === 'lstm') {
      const [y, [h, c]] = R.lstm(xs[0]!, ws, s ? [xs[1]!, xs[2]!] : null, opts);
      return [y, h, c];
    }
    if (kind === 'gru') return R.gru(xs[0]!, ws, s ? xs[1]! : null, opts);
    return R.rnn(xs[0]!, ws, s ? xs[1]! : null, { ...opts, nonlinearity: (a['nonlinearity'] ?? 'tanh') as Nonlinearity });
  };
}

export interface RecurrentShape {
  kind: Kind;
  cell: boolean;
  input: number;
  hidden: number;
  /** batch size, or null for an unbatched input */
  batch: number | null;
  steps?: number;
  layers?: number;
  bidirectional?: boolean;
  batchFirst?: boolean;
  hasH?: boolean;
  bias?: boolean;
}

/** The input specs of a recurrent call of the given shape, values from `draw(shape)`. */
export function recurrentInputs(s: RecurrentShape, draw: (shape: number[], scale: number) => InputSpec): InputSpec[] {
  const G = GATES[s.kind] * s.hidden;
  const D = s.bidirectional ? 2 : 1;
  const L = s.layers ?? 1;
  const T = s.steps ?? 1;
  const lead = s.batch === null ? [] : [s.batch];
  const x = s.cell ? [...lead, s.input] : s.batch === null ? [T, s.input] : s.batchFirst ? [s.batch, T, s.input] : [T, s.batch, s.input];
  const h = s.cell ? [...lead, s.hidden] : [L * D, ...lead, s.hidden];
  const inputs = [draw(x, 1)];
  if (s.hasH !== false) {
    inputs.push(draw(h, 0.5));
    if (s.kind === 'lstm') inputs.push(draw(h, 0.5));
  }
  const scale = 1 / Math.sqrt(s.hidden);
  for (let l = 0; l < (s.cell ? 1 : L); l++) {
    for (let d = 0; d < (s.cell ? 1 : D); d++) {
      inputs.push(draw([G, l === 0 ? s.input : D * s.hidden], scale), draw([G, s.hidden], scale));
      if (s.bias !== false) inputs.push(draw([G], scale), draw([G], scale));
    }
  }
  return inputs;
}

export function recurrentArgs(s: RecurrentShape, nonlinearity?: Nonlinearity): Args {
  return {
    hasH: s.hasH !== false,
    bias: s.bias !== false,
    ...(s.cell ? {} : { layers: s.layers ?? 1, bidirectional: s.bidirectional === true, batchFirst: s.batchFirst === true }),
    ...(nonlinearity ? { nonlinearity } : {}),
  };
}

function samples(kind: Kind, cell: boolean, v: Values): Sample[] {
  const draw = (dtype: 'float32' | 'float64') => (shape: number[], scale: number): InputSpec => v.rand(shape, dtype, -scale * 2, scale * 2);
  const S = (name: string, s: RecurrentShape, dtype: 'float32' | 'float64' = 'float64', nl?: Nonlinearity, extra: Partial<Sample> = {}): Sample => ({
    name,
    inputs: recurrentInputs(s, draw(dtype)),
    args: recurrentArgs(s, nl),
    ...extra,
  });
  const base = { kind, cell, input: 3, hidden: 2 };
  if (cell) {
    return [
      S('float64 batch 2', { ...base, batch: 2 }),
      S('float64 no state (zeros)', { ...base, batch: 2, hasH: false }),
      S('float64 unbatched', { ...base, batch: null }),
      S('float64 no bias', { ...base, batch: 3, bias: false }),
      S('float32 batch 4', { ...base, batch: 4, hidden: 3 }, 'float32'),
      S('float32 batch 0', { ...base, batch: 0 }, 'float32'),
      ...(kind === 'rnn' ? [S('float64 relu', { ...base, batch: 2 }, 'float64', 'relu')] : []),
      { name: 'float32 input size wrong (error)', inputs: [vals([2, 4], 'float32', [0, 0, 0, 0, 0, 0, 0, 0]), ...recurrentInputs({ ...base, batch: 2 }, draw('float32')).slice(1)], args: recurrentArgs({ ...base, batch: 2 }), throws: true },
    ];
  }
  return [
    S('float64 T 3 batch 2', { ...base, batch: 2, steps: 3 }),
    S('float64 2 layers bidirectional', { ...base, batch: 2, steps: 3, layers: 2, bidirectional: true }),
    S('float64 batchFirst no state', { ...base, batch: 2, steps: 2, batchFirst: true, hasH: false }),
    S('float64 unbatched', { ...base, batch: null, steps: 3 }),
    S('float64 no bias', { ...base, batch: 1, steps: 2, bias: false }),
    S('float32 T 4 batch 3 hidden 4', { ...base, batch: 3, steps: 4, hidden: 4 }, 'float32', undefined, { tol: 2 }),
    ...(kind === 'rnn' ? [S('float64 relu 2 layers', { ...base, batch: 2, steps: 3, layers: 2 }, 'float64', 'relu')] : []),
  ];
}

function row(name: string, kind: Kind, cell: boolean, doc: string): OpInfo {
  return { name, doc, run: cell ? runCell(kind) : runSequence(kind), samples: samples(kind, cell, new Values(name)), differentiable: true };
}

export const RECURRENT_ROWS: OpInfo[] = [
  row('rnnCell', 'rnn', true, 'F.rnnCell(x, h, w, nonlinearity) = torch.rnn_tanh_cell / rnn_relu_cell'),
  row('lstmCell', 'lstm', true, 'F.lstmCell(x, [h, c], w) = torch.lstm_cell'),
  row('gruCell', 'gru', true, 'F.gruCell(x, h, w) = torch.gru_cell'),
  row('rnn', 'rnn', false, 'F.rnn(x, weights, h0, opts) = torch.rnn_tanh / rnn_relu (nn.RNN)'),
  row('lstm', 'lstm', false, 'F.lstm(x, weights, [h0, c0], opts) = torch.lstm (nn.LSTM)'),
  row('gru', 'gru', false, 'F.gru(x, weights, h0, opts) = torch.gru (nn.GRU)'),
];
