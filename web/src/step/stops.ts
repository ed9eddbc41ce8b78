/**
 * One training step as a sequence of stops, one node at a time: the input, each unit's forward
 * values (z, a) layer by layer, the loss, then each unit's delta, the gradients of its incoming
 * weights and their update, from the output layer back to the first. Each stop carries the unit's
 * own arithmetic (LaTeX with its numbers) and the library's layer formulas it is one row of.
 * Built from nb.explain's JSON (`ExplanationData`) of a batch of one sample.
 */
import { act, buildDocument, resolveRender, stepTex, texNum, type ExplanationData, type LayerStep, type Resolved, type Step, type Term } from './library.js';
import { aligned, column, factor, idx, row, shortened } from './tex.js';
import { seedCorrection, type Correction } from './correction.js';

export type Phase = 'input' | 'forward' | 'loss' | 'backward';

/** A unit in the drawing: layer 0 is the input, layer l the output of dense layer l; unit 0-based. */
export interface NodeRef {
  layer: number;
  unit: number;
}

export interface Block {
  caption: string;
  tex: string;
}

export interface Stop {
  id: string;
  phase: Phase;
  title: string;
  /** the highlighted units */
  nodes: NodeRef[];
  /** highlight the edges into the units (forward, gradients) and out of them (deltas flowing back) */
  edgesIn: boolean;
  edgesOut: boolean;
  /** the unit's own arithmetic */
  blocks: Block[];
  /** the library's layer-level steps this stop is one row of (LaTeX), with their notes */
  layer: { tex: string; note?: string }[];
  /** values the drawing shows beside units once this stop has been reached */
  reveals: { node: NodeRef; label: string }[];
  correction?: Correction;
}

export interface StepThrough {
  data: ExplanationData;
  /** units per layer, the input first */
  sizes: number[];
  stops: Stop[];
}

/** A symbol's LaTeX (the library's terms: symbols, numbers, matrices, words). */
const texOf = (t: Term): string => (t.t === 'sym' ? t.tex : '');
const lhsTex = (s: Step): string => s.lhs.map(texOf).join(' ');

function layerSteps(data: ExplanationData, r: Resolved): Map<string, { tex: string; note?: string }[]> {
  const by = new Map<string, { tex: string; note?: string }[]>();
  for (const sec of buildDocument(data, r)) {
    for (const s of sec.steps) {
      const key = lhsTex(s);
      const list = by.get(key) ?? [];
      list.push(s.note === undefined ? { tex: stepTex(s, r) } : { tex: stepTex(s, r), note: s.note });
      by.set(key, list);
    }
  }
  return by;
}

const at = (s: { data: number[] }, k: number): number => s.data[k]!;

function forwardStop(d: ExplanationData, l: LayerStep, j: number, r: Resolved, steps: Map<string, { tex: string; note?: string }[]>): Stop {
  const i = l.index, n = l.W.shape[1]!, D = r.digits;
  const w = (k: number): number => at(l.W, j * n + k);
  const bias = l.b;
  const sym = shortened(n, (k) => `${idx('W', i, j + 1, k + 1)}\\, ${idx('a', i - 1, k + 1)}`).join(' + ') + (bias !== null ? ` + ${idx('b', i, j + 1)}` : '');
  const nums = shortened(n, (k) => `${factor(w(k), D)} \\cdot ${factor(at(l.aPrev, k), D)}`).join(' + ') + (bias !== null ? ` + ${factor(at(bias, j), D)}` : '');
  const z = at(l.z, j), a = at(l.a, j);
  const zi = idx('z', i, j + 1), ai = idx('a', i, j + 1);
  const blocks: Block[] = [{ caption: `the weighted sum of unit ${j + 1}'s inputs`, tex: aligned(zi, [sym, nums, texNum(z, D)]) }];
  if (l.activation === 'identity') {
    blocks.push({ caption: 'no activation on this layer', tex: aligned(ai, [zi, texNum(a, D)]) });
  } else {
    const f = act(l.activation);
    blocks.push({ caption: f.word, tex: aligned(ai, [`${texOf(f.f)}\\left(${zi}\\right)`, `${texOf(f.f)}\\left(${texNum(z, D)}\\right)`, texNum(a, D)]) });
  }
  const stop: Stop = {
    id: `forward:${i}:${j + 1}`, phase: 'forward', title: `Forward: layer ${i}, unit ${j + 1}`,
    nodes: [{ layer: i, unit: j }], edgesIn: true, edgesOut: false, blocks,
    layer: [...(steps.get(`z^{(${i})}`) ?? []), ...(steps.get(`a^{(${i})}`) ?? [])],
    reveals: [{ node: { layer: i, unit: j }, label: `${l.activation === 'identity' ? 'z' : 'a'} = ${shortNum(a)}` }],
  };
  const c = i === 1 ? seedCorrection(d, j) : null;
  if (c !== null) stop.correction = c;
  return stop;
}

function backwardStop(d: ExplanationData, k: number, j: number, r: Resolved, steps: Map<string, { tex: string; note?: string }[]>): Stop {
  const l = d.layers[k]!, next = d.layers[k + 1], i = l.index, D = r.digits;
  const di = idx('\\delta', i, j + 1), zi = idx('z', i, j + 1);
  const dA = `\\frac{\\partial J}{\\partial ${idx('a', i, j + 1)}}`;
  const blocks: Block[] = [];
  if (next !== undefined && l.feedsNext) {
    const m = next.W.shape[1]!, outs = next.W.shape[0]!;
    const sym = shortened(outs, (q) => `${idx('W', i + 1, q + 1, j + 1)}\\, ${idx('\\delta', i + 1, q + 1)}`).join(' + ');
    const nums = shortened(outs, (q) => `${factor(at(next.W, q * m + j), D)} \\cdot ${factor(at(next.delta, q), D)}`).join(' + ');
    blocks.push({ caption: `the error flowing back into unit ${j + 1}: the deltas of layer ${i + 1} weighted by the edges out of it`, tex: aligned(dA, [sym, nums, texNum(at(l.dJda, j), D)]) });
  } else {
    blocks.push({ caption: next === undefined ? 'the loss\'s gradient with respect to the output (what its backward returned)' : 'the gradient autograd propagated into this output', tex: aligned(dA, [texNum(at(l.dJda, j), D)]) });
  }
  if (l.activation === 'identity') {
    blocks.push({ caption: 'no activation: the error of z is the error of a', tex: aligned(di, [dA, texNum(at(l.delta, j), D)]) });
  } else {
    const f = act(l.activation);
    blocks.push({
      caption: `times the activation's slope at z: ${f.word}`,
      tex: aligned(di, [`${dA}\\; ${texOf(f.d)}\\left(${zi}\\right)`, `${factor(at(l.dJda, j), D)} \\cdot ${factor(at(l.sigmaPrime, j), D)}`, texNum(at(l.delta, j), D)]),
    });
  }
  const n = l.W.shape[1]!;
  const rowOf = (s: { data: number[] }): number[] => s.data.slice(j * n, (j + 1) * n);
  const gRow = `\\frac{\\partial J}{\\partial W^{(${i})}_{${j + 1},:}}`;
  const aRow = row(l.aPrev.data, D);
  const gradLines = [`${di}\\, (a^{(${i - 1})})^T${l.gradW.l2 !== null ? ` + \\lambda\\, W^{(${i})}_{${j + 1},:}` : ''}`];
  if (l.gradW.l2 !== null) gradLines.push(`${factor(at(l.delta, j), D)}\\, ${aRow} + ${d.update.weightDecay}\\, ${row(rowOf(l.W), D)}`);
  else gradLines.push(`${factor(at(l.delta, j), D)}\\, ${aRow}`);
  gradLines.push(row(rowOf(l.gradW.total), D));
  blocks.push({ caption: `the gradient of the weights into unit ${j + 1} (row ${j + 1} of the layer's gradient, = ${l.weightName}.grad)`, tex: aligned(gRow, gradLines) });
  if (l.gradB !== null) blocks.push({ caption: `= ${l.biasName ?? 'bias'}.grad`, tex: aligned(`\\frac{\\partial J}{\\partial ${idx('b', i, j + 1)}}`, [di, texNum(at(l.gradB, j), D)]) });
  const wRow = `W^{(${i})}_{${j + 1},:}`;
  const applied = d.update.applied ? '' : ' (computed, then the parameters were restored)';
  if (d.update.lr !== null) {
    const alpha = d.update.lr;
    blocks.push({ caption: `gradient descent with α = ${alpha}${applied}`, tex: aligned(wRow, [`${wRow} - \\alpha\\, ${gRow}`, `${row(rowOf(l.W), D)} - ${alpha}\\, ${row(rowOf(l.gradW.total), D)}`, row(rowOf(l.newW), D)], true) });
    if (l.b !== null && l.gradB !== null && l.newB !== null) {
      const bi = idx('b', i, j + 1);
      blocks.push({ caption: '', tex: aligned(bi, [`${bi} - \\alpha\\, \\frac{\\partial J}{\\partial ${bi}}`, `${texNum(at(l.b, j), D)} - ${alpha} \\cdot ${factor(at(l.gradB, j), D)}`, texNum(at(l.newB, j), D)], true) });
    }
  } else {
    blocks.push({ caption: `${d.update.optimizer}.step()${applied}`, tex: aligned(wRow, [row(rowOf(l.newW), D)], true) });
  }
  return {
    id: `backward:${i}:${j + 1}`, phase: 'backward', title: `Backward: layer ${i}, unit ${j + 1}`,
    nodes: [{ layer: i, unit: j }], edgesIn: true, edgesOut: next !== undefined, blocks,
    layer: [`\\delta^{(${i})}`, `\\frac{\\partial J}{\\partial W^{(${i})}}`, `\\frac{\\partial J}{\\partial b^{(${i})}}`, `W^{(${i})}`, `b^{(${i})}`].flatMap((key) => steps.get(key) ?? []),
    reveals: [{ node: { layer: i, unit: j }, label: `δ = ${shortNum(at(l.delta, j))}` }],
  };
}

/** A short plain number for the drawing's labels. */
export function shortNum(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e4 ? Number(v.toPrecision(4)).toString() : v.toExponential(2);
}

/** The stops of a recorded step of a fully connected network on one sample. */
export function buildStops(data: ExplanationData): StepThrough {
  if (data.layers.length === 0 || data.convs.length > 0 || data.lstms.length > 0 || data.attention !== undefined) {
    throw new Error('step-through: it steps through fully connected networks (Linear layers and activations) only');
  }
  if (data.batchSize !== 1) throw new Error(`step-through: explain one sample at a time (this explanation has a batch of ${data.batchSize})`);
  const r = resolveRender(data, { verbosity: 'normal' });
  const steps = layerSteps(data, r);
  const first = data.layers[0]!;
  const sizes = [first.W.shape[1]!, ...data.layers.map((l) => l.W.shape[0]!)];
  const L = data.layers.length;
  const stops: Stop[] = [];
  stops.push({
    id: 'input', phase: 'input', title: 'The input',
    nodes: Array.from({ length: sizes[0]! }, (_, u) => ({ layer: 0, unit: u })), edgesIn: false, edgesOut: false,
    blocks: [{ caption: 'the sample fed to the network', tex: aligned('a^{(0)}', ['x', column(first.aPrev.data, r.digits)]) }],
    layer: steps.get('a^{(0)}') ?? [],
    reveals: first.aPrev.data.map((v, u) => ({ node: { layer: 0, unit: u }, label: shortNum(v) })),
  });
  for (const l of data.layers) for (let j = 0; j < l.W.shape[0]!; j++) stops.push(forwardStop(data, l, j, r, steps));
  stops.push({
    id: 'loss', phase: 'loss', title: `The loss: ${data.loss.name}`,
    nodes: Array.from({ length: sizes[L]! }, (_, u) => ({ layer: L, unit: u })), edgesIn: false, edgesOut: false,
    blocks: [
      { caption: `the network's output a^(L) against the target y = ${data.target.data.map((v) => shortNum(v)).join(', ')}`, tex: '' },
      ...(steps.get('J') ?? []).map((st) => ({ caption: st.note ?? '', tex: st.tex })),
    ],
    layer: [],
    reveals: [{ node: { layer: L, unit: 0 }, label: `J = ${shortNum(data.loss.value)}` }],
  });
  for (let k = L - 1; k >= 0; k--) {
    const l = data.layers[k]!;
    for (let j = 0; j < l.W.shape[0]!; j++) stops.push(backwardStop(data, k, j, r, steps));
  }
  return { data, sizes, stops };
}
