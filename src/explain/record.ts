/**
 * Recording one training step from the real autograd tape: forward, loss (+ the seed's L2 term),
 * backward and the parameter update, with every intermediate copied out as plain numbers.
 *
 * Nothing here recomputes the math. The layers are found in the forward op events; delta^{(l)}
 * and dJ/da^{(l)} are the gradients autograd propagated into z^{(l)} and a^{(l)} (retained);
 * sigma'(z^{(l)}) is what the activation op's own backward returns for an upstream gradient of
 * ones; the split of dJ/dW^{(l)} into delta (a^{(l-1)})^T and lambda W^{(l)} is read from the
 * backward events; the totals are the parameters' `.grad`.
 */
import { Tensor, type NestedArray } from '../core/tensor.js';
import { onOp, withDetailedOps, type BackwardEvent, type ForwardEvent } from '../core/events.js';
import { noGrad } from '../core/autograd.js';
import { NablaError, ShapeError, fmtShape } from '../core/errors.js';
import { tensor } from '../ops/create.js';
import type { DType } from '../core/dtype.js';
import { Tape } from './tape.js';
import { resolveLoss, lossBatch, type LossFunction, type LossName } from './losses.js';
import { snapshot, snapshotOf, type TensorSnapshot } from './snapshot.js';
import type { ConvStep, ExplanationData, LayerStep, LSTMStep, TapeEntry } from './types.js';
import { findConvs, recordConv, type ConvFocus, type FoundConv } from './conv.js';
import { findLSTMs, recordLSTM, type FoundLSTM } from './lstm.js';
import { isSeedFirstLayer, SEED_PRINTED } from './seed.js';
import { findAttention, recordAttention, retainAttention, type FoundAttention } from './attention.js';

/** What explain needs of a model: an nb.nn.Module (or anything shaped like one). */
export interface ExplainModel {
  call(x: Tensor): Tensor;
  namedParameters(): [string, Tensor][];
}

/** What explain needs of an optimizer: nb.optim.SGD, Adam, ... */
export interface ExplainOptimizer {
  step(): void;
}

export interface RecordOptions {
  model: ExplainModel;
  /** the input batch x = a^{(0)}: a tensor, or nested arrays (made a tensor of the model's dtype) */
  input: Tensor | NestedArray;
  /** the target y, same shape as the model's output */
  target: Tensor | NestedArray;
  /** 'halfSquaredError' (the seed's J = 1/2 (a - y)^2, default), 'mse', 'bce', or a loss function/module */
  loss?: LossName | LossFunction;
  /** a display name for a loss given as a function or module */
  lossName?: string;
  /** J in LaTeX for a loss given as a function or module */
  lossFormula?: string;
  /** an optimizer to take the step with; without one, explain applies W := W - alpha dJ/dW itself */
  optimizer?: ExplainOptimizer;
  /** alpha, the learning rate of explain's own SGD step (default 0.1; ignored with an optimizer) */
  lr?: number;
  /** lambda: adds the seed's L2 term (lambda/2) sum_l ||W^{(l)}||^2 to J, over the layer weights (default 0) */
  weightDecay?: number;
  /** apply the update to the model (default true); false restores the parameters afterwards */
  apply?: boolean;
  /** for Conv2d layers: the output element and the weight narrated (defaults: a middle output of sample 0, channel 0; its kernel's first tap) */
  focus?: ConvFocus;
}

function asTensor(v: Tensor | NestedArray, dtype: DType, what: string): Tensor {
  if (v instanceof Tensor) return v;
  if (typeof v !== 'number' && !Array.isArray(v)) throw new NablaError(`explain: ${what} must be a Tensor or (nested) numbers`);
  return tensor(v, { dtype });
}

function common(a: string, b: string | null): string {
  const pa = a.includes('.') ? a.slice(0, a.lastIndexOf('.')) : '';
  if (b === null) return pa;
  const pb = b.includes('.') ? b.slice(0, b.lastIndexOf('.')) : '';
  return pa === pb ? pa : '';
}

/** Sums the gradient contributions a backward event list made to `t` (split by `isL2`). */
function contributions(bwd: readonly BackwardEvent[], t: Tensor, isL2: (e: BackwardEvent) => boolean): { data: number[] | null; l2: number[] | null } {
  let data: number[] | null = null;
  let l2: number[] | null = null;
  for (const e of bwd) {
    e.inputs.forEach((x, i) => {
      const g = e.inputGrads[i];
      if (x !== t || g === null || g === undefined) return;
      if (g.size !== t.size) return; // broadcast contributions are summed by autograd; not split here
      const v = Array.from(g.data(), Number);
      if (isL2(e)) l2 = l2 === null ? v : l2.map((s, k) => s + v[k]!);
      else data = data === null ? v : data.map((s, k) => s + v[k]!);
    });
  }
  return { data, l2 };
}

export function recordStep(opts: RecordOptions): ExplanationData {
  const { model } = opts;
  if (model === null || typeof model !== 'object' || typeof model.call !== 'function' || typeof model.namedParameters !== 'function') {
    throw new NablaError('explain: options.model must be an nb.nn.Module (something with call(x) and namedParameters())');
  }
  const named = model.namedParameters();
  if (named.length === 0) throw new NablaError('explain: the model has no parameters, so there is nothing to train; give it at least one Linear layer');
  const dtype = named[0]![1].dtype;
  const lambda = opts.weightDecay ?? 0;
  const lr = opts.lr ?? 0.1;
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new NablaError(`explain: weightDecay must be a finite number >= 0, got ${String(opts.weightDecay)}`);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new NablaError(`explain: lr must be a finite number > 0, got ${String(opts.lr)}`);
  const x = asTensor(opts.input, dtype, 'input');
  const y = asTensor(opts.target, dtype, 'target');

  const nameOf = new Map<Tensor, string>();
  for (const [n, p] of named) {
    if (p.name === undefined) p.name = n;
    nameOf.set(p, n);
    p.grad = null;
  }
  const before = new Map<Tensor, TensorSnapshot>(named.map(([, p]) => [p, snapshot(p)]));

  const fwd: ForwardEvent[] = [];
  const bwd: BackwardEvent[] = [];
  const off = onOp((e) => (e.kind === 'forward' ? fwd.push(e) : bwd.push(e)));
  let yhat: Tensor;
  let dataLoss: Tensor;
  let J: Tensor;
  let layersFound: ReturnType<Tape['layers']>;
  let convsFound: FoundConv[];
  let lstmsFound: FoundLSTM[];
  let attnFound: FoundAttention | null = null;
  let penaltyStart = 0;
  let lossInfo: ReturnType<typeof resolveLoss>;
  let penaltyValue = 0;
  try {
    // composed forms of fused layers (attention's scores and softmax become ops on the tape)
    yhat = withDetailedOps(() => model.call(x));
    const nModel = fwd.length;
    if (!(yhat instanceof Tensor)) throw new NablaError('explain: the model must return one Tensor');
    if (yhat.size !== y.size) {
      throw new ShapeError(`explain: the target ${fmtShape(y.shape)} does not match the model's output ${fmtShape(yhat.shape)}; give one target value per output`);
    }
    const target = y.shape.length === yhat.shape.length ? y : y.reshape(yhat.shape);
    lossInfo = resolveLoss(opts.loss ?? 'halfSquaredError', yhat, opts.lossName, opts.lossFormula);
    dataLoss = lossInfo.fn(yhat, target);
    if (!(dataLoss instanceof Tensor) || dataLoss.size !== 1) throw new NablaError('explain: the loss must return a one-element Tensor');
    const tape = new Tape(fwd.slice(0, nModel));
    convsFound = findConvs(tape);
    lstmsFound = findLSTMs(tape);
    attnFound = findAttention(fwd.slice(0, nModel));
    const other = new Set<Tensor>([...convsFound.map((c) => c.W), ...lstmsFound.flatMap((l) => [l.Wih, l.Whh])]);
    layersFound = tape.layers(other);
    if (layersFound.length === 0 && convsFound.length === 0 && lstmsFound.length === 0) {
      throw new NablaError('explain: found no layer z = W a + b, Conv2d or LSTM in the forward pass; explain narrates networks of Linear layers (x.matmul(W.mT).add(b)) and activations, Conv2d and LSTM layers');
    }
    J = dataLoss;
    penaltyStart = fwd.length;
    if (lambda > 0) {
      let sq: Tensor | null = null;
      for (const W of [...layersFound.map((l) => l.W), ...other]) {
        const s = W.pow(2).sum();
        sq = sq === null ? s : sq.add(s);
      }
      const pen = sq!.mul(lambda / 2);
      penaltyValue = pen.item();
      J = dataLoss.add(pen);
    }
    if (attnFound !== null) retainAttention(attnFound);
    for (const l of layersFound) {
      l.z.retainGrad();
      if (l.a !== l.z) l.a.retainGrad();
    }
    J.backward();
  } finally {
    off();
  }
  const penaltyTensors = new Set(fwd.slice(penaltyStart).map((e) => e.output));
  const isL2 = (e: BackwardEvent): boolean => penaltyTensors.has(e.output);
  const m = lossBatch(yhat);

  const layers: LayerStep[] = layersFound.map((l, k) => {
    const zero = (t: Tensor): TensorSnapshot => snapshotOf([...t.shape], new Array<number>(t.size).fill(0));
    const sigmaPrime = noGrad(() => {
      if (l.a === l.z) return snapshotOf([...l.z.shape], new Array<number>(l.z.size).fill(1));
      const g = l.a._node!.backward(l.a._onesLike())[0];
      return g ? snapshot(g) : zero(l.z);
    });
    const W = l.W;
    const total = W.grad ? snapshot(W.grad) : zero(W);
    const parts = contributions(bwd, W, isL2);
    const wName = nameOf.get(W) ?? W.name ?? `W${k + 1}`;
    const bName = l.b === null ? null : (nameOf.get(l.b) ?? l.b.name ?? `b${k + 1}`);
    const next = layersFound[k + 1];
    return {
      index: k + 1,
      module: common(wName, bName),
      weightName: wName,
      biasName: bName,
      activation: l.activation,
      layout: l.layout,
      feedsNext: next !== undefined && next.input === l.a,
      W: before.get(W) ?? snapshot(W),
      b: l.b === null ? null : (before.get(l.b) ?? snapshot(l.b)),
      aPrev: asRows(snapshot(l.input), l.layout === 'rows' ? W.shape[1]! : 0),
      z: snapshot(l.z),
      a: snapshot(l.a),
      dJda: l.a.grad ? snapshot(l.a.grad) : zero(l.a),
      sigmaPrime,
      delta: l.z.grad ? snapshot(l.z.grad) : zero(l.z),
      gradW: {
        data: parts.data === null ? zero(W) : snapshotOf([...W.shape], parts.data),
        l2: parts.l2 === null ? null : snapshotOf([...W.shape], parts.l2),
        total,
      },
      gradB: l.b === null ? null : l.b.grad ? snapshot(l.b.grad) : zero(l.b),
      newW: total, // replaced after the update below
      newB: null,
    };
  });

  const zeroSnap = (t: Tensor): TensorSnapshot => snapshotOf([...t.shape], new Array<number>(t.size).fill(0));
  const gradOf = (t: Tensor): TensorSnapshot => (t.grad ? snapshot(t.grad) : zeroSnap(t));
  const split = (W: Tensor): { data: TensorSnapshot; l2: TensorSnapshot | null; total: TensorSnapshot } => {
    const parts = contributions(bwd, W, isL2);
    return {
      data: parts.data === null ? zeroSnap(W) : snapshotOf([...W.shape], parts.data),
      l2: parts.l2 === null ? null : snapshotOf([...W.shape], parts.l2),
      total: gradOf(W),
    };
  };
  const pname = (t: Tensor | null, dflt: string): string | null => (t === null ? null : (nameOf.get(t) ?? t.name ?? dflt));
  const convs: ConvStep[] = convsFound.map((c, k) =>
    recordConv(c, k + 1, bwd, before, { weight: pname(c.W, `conv${k + 1}.weight`)!, bias: pname(c.b, `conv${k + 1}.bias`) }, split(c.W), lambda, opts.focus),
  );
  const lstms: LSTMStep[] = lstmsFound.map((l, k) =>
    recordLSTM(
      l,
      k + 1,
      bwd,
      before,
      { Wih: pname(l.Wih, `lstm${k + 1}.weight_ih`)!, Whh: pname(l.Whh, `lstm${k + 1}.weight_hh`)!, bih: pname(l.bih, `lstm${k + 1}.bias_ih`), bhh: pname(l.bhh, `lstm${k + 1}.bias_hh`) },
      { Wih: split(l.Wih), Whh: split(l.Whh), bih: l.bih === null ? null : gradOf(l.bih), bhh: l.bhh === null ? null : gradOf(l.bhh) },
    ),
  );

  // ---------------------------------------------------------------- the update
  const params = named.map(([, p]) => p);
  const saved = opts.apply === false ? params.map((p) => p.detach().clone()) : null;
  noGrad(() => {
    if (opts.optimizer !== undefined) opts.optimizer.step();
    else for (const p of params) if (p.grad !== null) p.detach().add_(p.grad, -lr);
  });
  layersFound.forEach((l, k) => {
    layers[k]!.newW = snapshot(l.W);
    layers[k]!.newB = l.b === null ? null : snapshot(l.b);
  });
  convsFound.forEach((c, k) => {
    convs[k]!.newW = snapshot(c.W);
    convs[k]!.newB = c.b === null ? null : snapshot(c.b);
  });
  lstmsFound.forEach((l, k) => {
    const s = lstms[k]!;
    s.newWih = snapshot(l.Wih);
    s.newWhh = snapshot(l.Whh);
    s.newBih = l.bih === null ? null : snapshot(l.bih);
    s.newBhh = l.bhh === null ? null : snapshot(l.bhh);
  });
  const inLayers = new Set<Tensor>([
    ...layersFound.flatMap((l) => (l.b === null ? [l.W] : [l.W, l.b])),
    ...convsFound.flatMap((c) => (c.b === null ? [c.W] : [c.W, c.b])),
    ...lstmsFound.flatMap((l) => [l.Wih, l.Whh, l.bih, l.bhh].filter((t): t is Tensor => t !== null)),
  ]);
  const otherParams = named
    .filter(([, p]) => !inLayers.has(p))
    .map(([n, p]) => ({ name: n, value: before.get(p)!, grad: p.grad ? snapshot(p.grad) : null, newValue: snapshot(p) }));
  if (saved !== null) noGrad(() => params.forEach((p, i) => p.detach().copy_(saved[i]!)));

  // ---------------------------------------------------------------- the tape, labelled
  const labels = new Map<Tensor, string>(nameOf);
  labels.set(x, 'x');
  labels.set(y, 'y');
  convsFound.forEach((c, k) => labels.set(c.z, `conv${k + 1}`));
  lstmsFound.forEach((l, k) => labels.set(l.hc, `lstm${k + 1}(h,c)`));
  layersFound.forEach((l, k) => {
    labels.set(l.z, `z(${k + 1})`);
    if (l.a !== l.z) labels.set(l.a, `a(${k + 1})`);
  });
  if (!labels.has(yhat)) labels.set(yhat, 'yhat');
  labels.set(J, 'J');
  let tmp = 0;
  const produced = new Set(fwd.map((e) => e.output));
  const label = (t: Tensor): string => {
    let s = labels.get(t);
    if (s === undefined) {
      s = t._node === null && !t.requiresGrad && t.size === 1 && !produced.has(t) ? `${Number(t.data()[0])}` : `t${++tmp}`;
      labels.set(t, s);
    }
    return s;
  };
  const forward: TapeEntry[] = fwd.map((e) => ({ op: e.op, inputs: e.inputs.map(label), output: label(e.output), shape: [...e.output.shape] }));
  const backward: TapeEntry[] = bwd.map((e) => ({ op: e.op, inputs: e.inputs.map(label), output: label(e.output), shape: [...e.grad.shape] }));

  // ---------------------------------------------------------------- notes
  const notes: string[] = [];
  const first = layers[0];
  if (first !== undefined && convs.length === 0 && lstms.length === 0 && m === 1 && isSeedFirstLayer(first)) {
    const z = first.z.data;
    notes.push(
      `This is the seed's worked example (section 4.3). The seed prints z(1) = [${SEED_PRINTED.z1.join(', ')}]; the first entry is wrong: ` +
        `0.1·1 + 0.2·2 + 0.5 = ${fmtPlain(z[0]!)}, so z(1) = [${fmtPlain(z[0]!)}, ${fmtPlain(z[1]!)}]. Every number below follows from the correct value.`,
    );
  }
  if (m > 1 && lossInfo.name === '1/2 squared error') notes.push(`The loss averages over the batch (m = ${m}), so each delta already carries the factor 1/m and dJ/dW sums delta a^T over the samples.`);

  return {
    format: 'nabla.explain/1',
    dtype,
    batchSize: m,
    input: snapshot(x),
    target: snapshot(y),
    output: snapshot(yhat),
    loss: { name: lossInfo.name, tex: lossInfo.tex, text: lossInfo.text, data: dataLoss.item(), l2: penaltyValue, value: J.item() },
    layers,
    convs,
    lstms,
    ...(attnFound !== null ? { attention: recordAttention(attnFound) } : {}),
    update: {
      optimizer: opts.optimizer === undefined ? 'SGD' : opts.optimizer.constructor.name,
      lr: opts.optimizer === undefined ? lr : null,
      weightDecay: lambda,
      applied: opts.apply !== false,
    },
    otherParams,
    notes,
    tape: { forward, backward },
  };
}

/** An input of more than 2 axes seen as the rows [-, inFeatures] a Linear layer reads (after a flatten, or over [T, B, F]). */
function asRows(s: TensorSnapshot, inFeatures: number): TensorSnapshot {
  return s.shape.length <= 2 || inFeatures <= 0 ? s : { ...s, shape: [s.data.length / inFeatures, inFeatures] };
}

function fmtPlain(v: number): string {
  return Number(v.toFixed(10)).toString().replace(/^(-?\d+)$/, '$1.0');
}
