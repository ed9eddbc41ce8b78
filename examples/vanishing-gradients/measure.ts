/**
 * The seed's claim ("LSTMs ease the vanishing gradient and learn long-range dependencies") made
 * measurable. The task: a sequence of T steps with two features, a value v_t and a marker m_t;
 * v_1 = +1 or -1 is the answer, v_2..v_T are noise N(0, sigma^2), and m_t = 1 at t = 1 only
 * (so a gate can tell the step to remember). The class is [v_1 > 0], read from the last state h_T:
 *   logit = h_T w^T + b,   J = BCEWithLogits(logit, [x_1 > 0])
 * The measured quantity is the gradient reaching step 1 from the loss at step T:
 *   ||dJ/dh_1|| (per sequence, averaged over the batch)
 * For an RNN, dJ/dh_1 = dJ/dh_T * prod_{t=2..T} diag(1 - h_t^2) W_hh, a product of T - 1
 * Jacobians whose norm shrinks geometrically unless they sit near 1; the LSTM's cell path
 * c_t = f_t * c_{t-1} + i_t * g_t multiplies by the forget gate f_t only, which can learn f ~ 1.
 *
 * `gradientReach` unrolls the layer's own weights (float64 copies) with the functional cells,
 * keeps every h_t (`retainGrad`), and returns ||dJ/dh_t|| for t = 1..T.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';

export type Kind = 'rnn' | 'lstm';

export interface Task {
  x: Tensor; // [B, T, 2]: value, marker
  y: Tensor; // [B, 1], 1 if x_1 > 0
}

/** A batch of the first-step task, from its own seeded generator. */
export function firstStepTask(T: number, batch: number, seed: number, noise = 1): Task {
  const g = new nb.Generator(seed);
  const x = new Float32Array(batch * T * 2);
  const y = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const s = g.random() < 0.5 ? -1 : 1;
    x[b * T * 2] = s;
    x[b * T * 2 + 1] = 1;
    y[b] = s > 0 ? 1 : 0;
    for (let t = 1; t < T; t++) x[(b * T + t) * 2] = noise * g.normal();
  }
  return { x: nb.tensor(x, { shape: [batch, T, 2] }), y: nb.tensor(y, { shape: [batch, 1] }) };
}

/** RNN (tanh) or LSTM over the sequence, the last hidden state through Linear(H, 1): [B, T, 2] -> [B, 1]. */
export class FirstStepClassifier extends nb.Module {
  readonly kind: Kind;
  rnn: nb.nn.RNN | nb.nn.LSTM;
  head: nb.nn.Linear;

  constructor(kind: Kind, hidden: number) {
    super();
    this.kind = kind;
    this.rnn = kind === 'rnn' ? new nb.nn.RNN(2, hidden, { batchFirst: true }) : new nb.nn.LSTM(2, hidden, { batchFirst: true });
    this.head = new nb.nn.Linear(hidden, 1);
  }

  forward(x: Tensor): Tensor {
    const [out] = this.rnn.forward(x) as [Tensor, unknown];
    return this.head.forward(out.select(1, out.shape[1]! - 1));
  }
}

function f64(t: Tensor | null): Tensor | null {
  return t === null ? null : t.detach().to('float64');
}

/**
 * The model step by step in float64 with the functional cells and the layer's own weights:
 * every h_t (retaining its gradient) and the logit of the last step, [B, 1].
 */
export function unroll(model: FirstStepClassifier, input: Tensor): { hs: Tensor[]; logit: Tensor } {
  const r = model.rnn;
  const w: nb.nn.functional.CellWeights = {
    weightIh: f64(r.getParameter('weight_ih_l0'))!,
    weightHh: f64(r.getParameter('weight_hh_l0'))!,
    biasIh: f64(r.getParameter('bias_ih_l0')),
    biasHh: f64(r.getParameter('bias_hh_l0')),
  };
  // the input is the leaf that makes the graph record (its gradient is not used)
  const x = input.detach().to('float64').requiresGrad_();
  const T = x.shape[1]!;
  const hs: Tensor[] = [];
  let h: Tensor | null = null;
  let c: Tensor | null = null;
  for (let t = 0; t < T; t++) {
    const xt = x.select(1, t);
    if (model.kind === 'rnn') h = nb.nn.functional.rnnCell(xt, h, w);
    else [h, c] = nb.nn.functional.lstmCell(xt, h === null ? null : [h, c!], w);
    h.retainGrad();
    hs.push(h);
  }
  return { hs, logit: nb.nn.functional.linear(h!, f64(model.head.weight)!, f64(model.head.bias)) };
}

/**
 * ||dJ/dh_t|| for t = 1..T (index t-1), each the batch mean of the per-sequence norm, with J the
 * summed BCE of the last step (so a sequence's gradient does not shrink with the batch size).
 */
export function gradientReach(model: FirstStepClassifier, task: Task): number[] {
  const B = task.x.shape[0]!;
  const { hs, logit } = unroll(model, task.x);
  nb.nn.functional.binaryCrossEntropyWithLogits(logit, task.y.to('float64'), { reduction: 'sum' }).backward();
  return hs.map((ht) => {
    const g = ht.grad!.data();
    const H = g.length / B;
    let sum = 0;
    for (let b = 0; b < B; b++) {
      let s = 0;
      for (let k = 0; k < H; k++) s += g[b * H + k]! ** 2;
      sum += Math.sqrt(s);
    }
    return sum / B;
  });
}

/** Fraction of sequences classified correctly. */
export function accuracy(model: FirstStepClassifier, task: Task): number {
  model.eval();
  const logits = nb.noGrad(() => model.forward(task.x)).data();
  model.train();
  const y = task.y.data();
  let ok = 0;
  for (let i = 0; i < y.length; i++) if ((logits[i]! > 0 ? 1 : 0) === y[i]) ok++;
  return ok / y.length;
}

/** Adam on fresh batches of the task; returns the mean loss of the last 20 steps. */
export function trainFirstStep(model: FirstStepClassifier, T: number, opts: { steps: number; batch?: number; lr?: number; seed?: number; clip?: number; onStep?: (step: number, loss: number) => void }): number {
  const opt = new nb.optim.Adam(model.parameters(), { lr: opts.lr ?? 0.01 });
  const params = model.parameters();
  const recent: number[] = [];
  for (let s = 0; s < opts.steps; s++) {
    const task = firstStepTask(T, opts.batch ?? 32, (opts.seed ?? 0) * 1_000_003 + 17 + s);
    const loss = nb.nn.functional.binaryCrossEntropyWithLogits(model.forward(task.x), task.y);
    opt.zeroGrad();
    loss.backward();
    nb.nn.utils.clipGradNorm(params, opts.clip ?? 1);
    opt.step();
    const lv = loss.item();
    recent.push(lv);
    if (recent.length > 20) recent.shift();
    opts.onStep?.(s, lv);
  }
  return recent.reduce((a, b) => a + b, 0) / recent.length;
}

/**
 * Chrono initialisation of an LSTM's gates (Tallec & Ollivier, "Can recurrent neural networks
 * warp time?", ICLR 2018): b_f = log(u), u ~ U(1, Tmax - 1), and b_i = -b_f, so the forget gates
 * f = sigma(b_f) start with memory time scales spread up to ~Tmax steps instead of PyTorch's
 * f ~ sigma(0) = 1/2 (which halves the cell-path gradient every step). Written into b_ih; b_hh's
 * i and f slices are zeroed.
 */
export function chronoInit(model: FirstStepClassifier, tMax: number, seed = 0): void {
  if (model.kind !== 'lstm') throw new Error('chronoInit: only for the LSTM');
  const g = new nb.Generator(seed);
  const H = model.rnn.hiddenSize;
  const bf = Array.from({ length: H }, () => Math.log(1 + g.random() * (tMax - 2)));
  nb.noGrad(() => {
    const bih = model.rnn.getParameter('bias_ih_l0')!;
    const bhh = model.rnn.getParameter('bias_hh_l0')!;
    bih.narrow(0, 0, H).copy_(nb.tensor(bf.map((v) => -v)));
    bih.narrow(0, H, H).copy_(nb.tensor(bf));
    bhh.narrow(0, 0, 2 * H).zero_();
  });
}
