/**
 * The explanation as a document: sections of steps, each a formula in the seed's notation
 * followed by the same formula with the recorded values. Every renderer (text, Markdown, HTML)
 * draws this one document, so they cannot disagree.
 */
import type { ExplanationData, LayerStep, Verbosity } from './types.js';
import { toMatrix, transposeMatrix, type TensorSnapshot } from './snapshot.js';
import { HAD, MINUS, PLUS, apply, mat, num, sup, sym, words, type Section, type Step, type Term } from './terms.js';
import { convSections, convUpdates } from './doc-conv.js';
import { lstmSections, lstmUpdates } from './doc-lstm.js';
import { attentionSections } from './doc-attention.js';

export type { Section, Step, Term } from './terms.js';

export interface RenderOptions {
  /** 'brief' (tensors over 4 entries summarised), 'normal' (over 36), 'full' (nothing summarised, plus the op tape) */
  verbosity?: Verbosity;
  /** summarise tensors with more entries than this (overrides the verbosity's limit) */
  maxElements?: number;
  /** decimals shown (default 10 for float64, 6 for float32) */
  digits?: number;
}

export interface Resolved {
  verbosity: Verbosity;
  maxElements: number;
  digits: number;
}

export function resolveRender(data: ExplanationData, o: RenderOptions = {}): Resolved {
  const verbosity = o.verbosity ?? 'normal';
  const maxElements = o.maxElements ?? (verbosity === 'brief' ? 4 : verbosity === 'full' ? Infinity : 36);
  return { verbosity, maxElements, digits: o.digits ?? (data.dtype === 'float64' ? 10 : 6) };
}

// ------------------------------------------------------------------ symbols

const W = (l: number): Term => sym(`W^{(${l})}`, `W${sup(l)}`);
const WT = (l: number): Term => sym(`(W^{(${l})})^T`, `(W${sup(l)})ᵀ`);
const b = (l: number): Term => sym(`b^{(${l})}`, `b${sup(l)}`);
const z = (l: number): Term => sym(`z^{(${l})}`, `z${sup(l)}`);
const a = (l: number): Term => sym(`a^{(${l})}`, `a${sup(l)}`);
const aT = (l: number): Term => sym(`(a^{(${l})})^T`, `(a${sup(l)})ᵀ`);
const delta = (l: number): Term => sym(`\\delta^{(${l})}`, `δ${sup(l)}`);
const dW = (l: number): Term => sym(`\\frac{\\partial J}{\\partial W^{(${l})}}`, `∂J/∂W${sup(l)}`);
const db = (l: number): Term => sym(`\\frac{\\partial J}{\\partial b^{(${l})}}`, `∂J/∂b${sup(l)}`);

/** sigma and sigma' for an activation name */
export function act(name: string): { f: Term; d: Term; word: string } {
  switch (name) {
    case 'sigmoid':
      return { f: sym('\\sigma', 'σ'), d: sym("\\sigma'", 'σ′'), word: 'the sigmoid σ(z) = 1/(1 + e^(−z)), σ′(z) = σ(z)(1 − σ(z))' };
    case 'tanh':
      return { f: sym('\\tanh', 'tanh'), d: sym("\\tanh'", 'tanh′'), word: 'tanh, tanh′(z) = 1 − tanh²(z)' };
    case 'relu':
      return { f: sym('\\mathrm{ReLU}', 'ReLU'), d: sym("\\mathrm{ReLU}'", 'ReLU′'), word: 'ReLU(z) = max(0, z), ReLU′(z) = [z > 0]' };
    default:
      return { f: sym(`\\mathrm{${name}}`, name), d: sym(`\\mathrm{${name}}'`, `${name}′`), word: name };
  }
}


// ------------------------------------------------------------------ the document

/** Activations as matrices with one column per sample (the seed's column vectors). */
function cols(s: TensorSnapshot, layer: LayerStep): number[][] {
  return toMatrix(s, layer.layout === 'cols' && s.shape.length === 2);
}

/** "a 2-layer network", "a network of 1 convolution and 1 dense layer", ... */
export function describeNetwork(d: ExplanationData): string {
  const parts: string[] = [];
  const n = (k: number, what: string): string => `${k} ${what}${k === 1 ? '' : 's'}`;
  if (d.convs.length > 0) parts.push(n(d.convs.length, 'convolution'));
  if (d.lstms.length > 0) parts.push(n(d.lstms.length, 'LSTM layer'));
  if (parts.length === 0) return `${d.layers.length}-layer network`;
  if (d.layers.length > 0) parts.push(n(d.layers.length, 'dense layer'));
  return `network of ${parts.join(' and ')}`;
}

export function buildDocument(d: ExplanationData, r: Resolved): Section[] {
  const L = d.layers.length;
  const m = d.batchSize;
  const sections: Section[] = [];
  const batch = m > 1;
  const conv = convSections(d);
  const rec = lstmSections(d);
  sections.push(...conv.forward, ...rec.forward, ...attentionSections(d));

  // forward
  const fwd: Step[] = [];
  const first = d.layers[0];
  const before = d.convs.length > 0 || d.lstms.length > 0;
  if (first !== undefined) fwd.push({ lhs: [a(0)], formula: [before ? words('the input of the first dense layer') : sym('x', 'x')], lines: [[mat(first.aPrev, cols(first.aPrev, first))]] });
  for (const l of d.layers) {
    const i = l.index;
    const rhs = l.b === null ? [W(i), a(i - 1)] : [W(i), a(i - 1), PLUS, b(i)];
    const vals: Term[] = [mat(l.W, toMatrix(l.W, true)), mat(l.aPrev, cols(l.aPrev, l))];
    if (l.b !== null) vals.push(PLUS, mat(l.b, toMatrix(l.b)));
    fwd.push({ lhs: [z(i)], formula: rhs, lines: [vals, [mat(l.z, cols(l.z, l))]] });
    if (l.activation === 'identity') {
      fwd.push({ lhs: [a(i)], formula: [z(i)], lines: [], note: 'no activation on this layer' });
    } else {
      const s = act(l.activation);
      fwd.push({ lhs: [a(i)], formula: apply(s.f, [z(i)]), lines: [apply(s.f, [mat(l.z, cols(l.z, l))]), [mat(l.a, cols(l.a, l))]] });
    }
  }
  if (L > 0) sections.push({
    title: before ? 'Dense layers: forward pass' : 'Forward pass',
    intro: `${L} layer${L > 1 ? 's' : ''}, batch of m = ${m} (${batch ? 'one column per sample' : 'column vectors'}), ${d.dtype}.`,
    steps: fwd,
  });

  // loss
  const last = d.layers[L - 1];
  const outCols = (s: TensorSnapshot): number[][] => (last === undefined ? toMatrix(s) : cols(s, last));
  const lossSteps: Step[] = [];
  const lossLhs = sym(d.loss.tex.split('=')[0]!.trim(), d.loss.text.split('=')[0]!.trim());
  const lossRhs = sym(d.loss.tex.slice(d.loss.tex.indexOf('=') + 1).trim(), d.loss.text.slice(d.loss.text.indexOf('=') + 1).trim());
  const lossLines: Term[][] = [];
  if (d.loss.name === '1/2 squared error' && !batch) {
    lossLines.push([sym('\\tfrac{1}{2}\\left\\lVert', '½ ‖'), mat(d.output, outCols(d.output)), MINUS, mat(d.target, outCols(d.target)), sym('\\right\\rVert^2', '‖²')]);
  } else if (d.loss.name === 'binary cross-entropy' && d.output.data.length === 1) {
    const [av, yv] = [num(d.output.data[0]!), num(d.target.data[0]!)];
    lossLines.push([sym('-\\big[', '−['), yv, sym('\\ln', 'ln'), av, PLUS, sym('(1 -', '(1 −'), yv, sym(')\\ln(1 -', ') ln(1 −'), av, sym(')\\big]', ')]')]);
  } else {
    const fa = mat(d.output, outCols(d.output));
    const fy = mat(d.target, outCols(d.target));
    lossLines.push([sym('J\\Big(', 'J('), fa, sym(',', ','), fy, sym('\\Big)', ')')]);
  }
  lossLines.push([num(d.loss.data)]);
  lossSteps.push({ lhs: [lossLhs], formula: [lossRhs], lines: lossLines, note: L > 0 && !before ? `${d.loss.name}, L = ${L} is the output layer` : d.loss.name });
  if (d.update.weightDecay > 0) {
    const lam = d.update.weightDecay;
    lossSteps.push({
      lhs: [sym('J', 'J')],
      formula: [sym('J_{\\text{data}}', 'J_data'), PLUS, sym('\\frac{\\lambda}{2} \\sum_{l=1}^{L} \\lVert W^{(l)} \\rVert_F^2', '(λ/2) Σₗ ‖W⁽ˡ⁾‖²')],
      lines: [[num(d.loss.data), PLUS, sym(`\\frac{${lam}}{2} \\cdot`, `(${lam}/2) ·`), num((2 * d.loss.l2) / lam)], [num(d.loss.value)]],
      note: `the seed's L2 term with λ = ${lam}; backpropagation starts from this J`,
    });
  }
  sections.push({ title: 'Loss', steps: lossSteps });

  // backward: deltas
  const back: Step[] = [];
  for (let k = L - 1; k >= 0; k--) {
    const l = d.layers[k]!;
    const i = l.index;
    const s = act(l.activation);
    const next = d.layers[k + 1];
    const sp = mat(l.sigmaPrime, cols(l.sigmaPrime, l));
    const ga = mat(l.dJda, cols(l.dJda, l));
    const dl = mat(l.delta, cols(l.delta, l));
    const identity = l.activation === 'identity';
    if (k === L - 1) {
      const formula: Term[] = identity ? [sym('\\nabla_a J', '∇ₐJ')] : [sym('\\nabla_a J', '∇ₐJ'), HAD, ...apply(s.d, [z(i)])];
      const lines: Term[][] = identity ? [[ga]] : [[ga, HAD, sp], [dl]];
      const bceSig = d.loss.name === 'binary cross-entropy' && l.activation === 'sigmoid';
      back.push({
        lhs: [delta(i)],
        formula,
        lines,
        note: bceSig ? `for a sigmoid output with cross-entropy σ′ cancels: δ⁽ᴸ⁾ = (a⁽ᴸ⁾ − y)/N${d.output.data.length === 1 ? ' = a⁽ᴸ⁾ − y' : ''}` : identity ? undefined : s.word,
      });
    } else if (next !== undefined && l.feedsNext) {
      const formula: Term[] = identity ? [WT(i + 1), delta(i + 1)] : [WT(i + 1), delta(i + 1), HAD, ...apply(s.d, [z(i)])];
      const wT = mat(next.W, transposeMatrix(toMatrix(next.W, true)));
      const dn = mat(next.delta, cols(next.delta, next));
      const lines: Term[][] = identity ? [[wT, dn], [dl]] : [[wT, dn, HAD, sp], [ga, HAD, sp], [dl]];
      back.push({ lhs: [delta(i)], formula, lines, note: identity ? undefined : s.word });
    } else {
      const dA = sym(`\\frac{\\partial J}{\\partial a^{(${i})}}`, `∂J/∂a${sup(i)}`);
      back.push({ lhs: [delta(i)], formula: identity ? [dA] : [dA, HAD, ...apply(s.d, [z(i)])], lines: identity ? [[dl]] : [[ga, HAD, sp], [dl]] });
    }
  }
  if (L > 0) sections.push({
    title: 'Backward pass: the errors δ⁽ˡ⁾ = ∂J/∂z⁽ˡ⁾',
    intro: 'Each δ is the gradient autograd propagated into z; σ′(z) is what the activation op\'s backward returned.',
    steps: back,
  });

  // gradients
  const grads: Step[] = [];
  for (const l of d.layers) {
    const i = l.index;
    const dMat = mat(l.delta, cols(l.delta, l));
    const aPrevT = mat(l.aPrev, transposeMatrix(cols(l.aPrev, l)));
    const outer: Term[] = batch ? [sym(`\\sum_{i=1}^{m} \\delta^{(${i})}_i (a^{(${i - 1})}_i)^T`, `Σᵢ δ${sup(i)}ᵢ (a${sup(i - 1)}ᵢ)ᵀ`)] : [delta(i), aT(i - 1)];
    if (l.gradW.l2 !== null) {
      const lam = d.update.weightDecay;
      grads.push({
        lhs: [dW(i)],
        formula: [...outer, PLUS, sym(`\\lambda W^{(${i})}`, `λW${sup(i)}`)],
        lines: [
          [dMat, aPrevT, PLUS, sym(`${lam}`, `${lam}`), mat(l.W, toMatrix(l.W, true))],
          [mat(l.gradW.data, toMatrix(l.gradW.data, true)), PLUS, mat(l.gradW.l2, toMatrix(l.gradW.l2, true))],
          [mat(l.gradW.total, toMatrix(l.gradW.total, true))],
        ],
        note: `= ${l.weightName}.grad`,
      });
    } else {
      grads.push({ lhs: [dW(i)], formula: outer, lines: [[dMat, aPrevT], [mat(l.gradW.total, toMatrix(l.gradW.total, true))]], note: `= ${l.weightName}.grad` });
    }
    if (l.gradB !== null) {
      grads.push({
        lhs: [db(i)],
        formula: batch ? [sym(`\\sum_{i=1}^{m} \\delta^{(${i})}_i`, `Σᵢ δ${sup(i)}ᵢ`)] : [delta(i)],
        lines: [[mat(l.gradB, toMatrix(l.gradB))]],
        note: `= ${l.biasName}.grad`,
      });
    }
  }
  for (const p of d.otherParams) {
    if (p.grad !== null) grads.push({ lhs: [sym(`\\frac{\\partial J}{\\partial \\mathrm{${p.name.replace(/_/g, '\\_')}}}`, `∂J/∂${p.name}`)], formula: [mat(p.grad, toMatrix(p.grad, true))], lines: [] });
  }
  if (grads.length > 0) sections.push({ title: before ? 'Dense layers: gradients' : 'Gradients', intro: 'Every value here is the parameter\'s .grad after backward.', steps: grads });
  sections.push(...[...rec.backward].reverse().flat(), ...[...conv.backward].reverse().flat());

  // update
  const upd: Step[] = [];
  const sgd = d.update.lr !== null;
  const alpha = d.update.lr ?? 0;
  const update = (p: Term, g: Term, before: TensorSnapshot, after: TensorSnapshot, grad: TensorSnapshot | null): Step => {
    const shapeIs = (s: TensorSnapshot): number[][] => toMatrix(s, true);
    if (sgd && grad !== null) {
      return {
        assign: true,
        lhs: [p],
        formula: [p, MINUS, sym('\\alpha', 'α'), g],
        lines: [[mat(before, shapeIs(before)), MINUS, sym(`${alpha}`, `${alpha}`), mat(grad, shapeIs(grad))], [mat(after, shapeIs(after))]],
      };
    }
    const name = p.t === 'sym' ? p : sym('', '');
    return { assign: true, lhs: [p], formula: [sym(`\\text{${d.update.optimizer}.step}(${name.t === 'sym' ? name.tex : ''})`, `${d.update.optimizer}.step(${name.t === 'sym' ? name.text : ''})`)], lines: [[mat(after, shapeIs(after))]] };
  };
  upd.push(...convUpdates(d, update), ...lstmUpdates(d, update));
  for (const l of d.layers) {
    const i = l.index;
    upd.push(update(W(i), dW(i), l.W, l.newW, l.gradW.total));
    if (l.b !== null && l.newB !== null) upd.push(update(b(i), db(i), l.b, l.newB, l.gradB));
  }
  sections.push({
    title: 'Update',
    intro: sgd
      ? `Gradient descent with learning rate α = ${alpha}${d.update.applied ? '' : ' (not applied: the parameters were restored)'}.`
      : `${d.update.optimizer}.step() updated the parameters${d.update.applied ? '' : ' (not applied: the parameters were restored)'}.`,
    steps: upd,
  });

  if (r.verbosity === 'full') {
    const listing = [
      ...d.tape.forward.map((e, k) => `forward ${String(k + 1).padStart(3)}  ${e.output} = ${e.op}(${e.inputs.join(', ')})  [${e.shape.join('×')}]`),
      ...d.tape.backward.map((e, k) => `backward ${String(k + 1).padStart(2)}  ${e.op}: ∂J/∂${e.output} → ∂J/∂(${e.inputs.join(', ')})`),
    ];
    sections.push({ title: 'The tape (op events, in order)', steps: [], listing });
  }
  return sections;
}
