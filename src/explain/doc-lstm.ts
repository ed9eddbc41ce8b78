/**
 * The LSTM part of an explanation document: per time step the pre-activations z_t, the gates
 * i, f, g, o, the cell c_t and the hidden state h_t; then backpropagation through time
 * (dJ/dh_t, dJ/dc_t and delta_t = dJ/dz_t for t = T .. 1) and the parameter gradients as sums
 * over the steps. Vectors are columns (one per sample), as in the seed.
 */
import type { ExplanationData, LSTMStep } from './types.js';
import { toMatrix, transposeMatrix, type TensorSnapshot } from './snapshot.js';
import { HAD, PLUS, apply, mat, sym, type Section, type Step, type Term } from './terms.js';

const col = (s: TensorSnapshot): Term => mat(s, toMatrix(s));
const rowT = (s: TensorSnapshot): Term => mat(s, transposeMatrix(toMatrix(s)));
const full = (s: TensorSnapshot): Term => mat(s, toMatrix(s, true));
const SIG = sym('\\sigma', 'σ');
const TANH = sym('\\tanh', 'tanh');
const COMMA = sym(',\\quad', ',');
/** v with subscript t: h_t, c_{t-1}, ... */
const at = (v: string, t: number | string): Term => sym(`${v}_{${t}}`, `${v}${subText(String(t))}`);
const SUB: Record<string, string> = { '0': '₀', '1': '₁', '2': '₂', '3': '₃', '4': '₄', '5': '₅', '6': '₆', '7': '₇', '8': '₈', '9': '₉', '-': '₋', '+': '₊', t: 'ₜ' };
const subText = (s: string): string => [...s].map((c) => SUB[c] ?? c).join('');
const dJ = (v: string, t: number | string): Term => sym(`\\frac{\\partial J}{\\partial ${v}_{${t}}}`, `∂J/∂${v}${subText(String(t))}`);
/** the gate's rows of z_t: z_{i,t} (text z₁[i]) */
const gz = (gate: string, t: number): Term => sym(`z_{${gate},${t}}`, `z${subText(String(t))}[${gate}]`);
const W = (which: 'ih' | 'hh'): Term => sym(`W_{${which}}`, `W_${which}`);
const Bs = (which: 'ih' | 'hh'): Term => sym(`b_{${which}}`, `b_${which}`);

function title(l: LSTMStep): string {
  return `LSTM ${l.index}${l.reverse ? ' (reverse direction)' : ''}`;
}

/** Per LSTM layer (forward order): its forward section, and its BPTT and gradient sections. */
export function lstmSections(d: ExplanationData): { forward: Section[]; backward: Section[][] } {
  const forward: Section[] = [];
  const backward: Section[][] = [];
  for (const l of d.lstms) {
    const H = l.hiddenSize;
    const err = l.maxForwardError;
    const fsteps: Step[] = [];
    for (const s of l.forward) {
      const t = s.t;
      const tp = l.reverse ? t + 1 : t - 1;
      const pre: Term[] = [full(l.Wih), col(s.x)];
      if (l.bih !== null) pre.push(PLUS, col(l.bih));
      pre.push(PLUS, full(l.Whh), col(s.hPrev));
      if (l.bhh !== null) pre.push(PLUS, col(l.bhh));
      const formula: Term[] = [W('ih'), at('x', t)];
      if (l.bih !== null) formula.push(PLUS, Bs('ih'));
      formula.push(PLUS, W('hh'), at('h', tp));
      if (l.bhh !== null) formula.push(PLUS, Bs('hh'));
      fsteps.push({ lhs: [at('z', t)], formula, lines: [pre, [col(s.z)]], note: `z${subText(String(t))} stacks the gates' pre-activations: ${H === 1 ? 'rows 1 i, 2 f, 3 g, 4 o' : `rows 1..${H} i, ${H + 1}..${2 * H} f, ${2 * H + 1}..${3 * H} g, ${3 * H + 1}..${4 * H} o`}` });
      fsteps.push({
        lhs: [at('i', t), COMMA, at('f', t), COMMA, at('g', t), COMMA, at('o', t)],
        formula: [...apply(SIG, [gz('i', t)]), COMMA, ...apply(SIG, [gz('f', t)]), COMMA, ...apply(TANH, [gz('g', t)]), COMMA, ...apply(SIG, [gz('o', t)])],
        lines: [[col(s.i), COMMA, col(s.f), COMMA, col(s.g), COMMA, col(s.o)]],
        note: 'input gate, forget gate, candidate cell, output gate',
      });
      fsteps.push({
        lhs: [at('c', t)],
        formula: [at('f', t), HAD, at('c', tp), PLUS, at('i', t), HAD, at('g', t)],
        lines: [[col(s.f), HAD, col(s.cPrev), PLUS, col(s.i), HAD, col(s.g)], [col(s.c)]],
      });
      fsteps.push({ lhs: [at('h', t)], formula: [at('o', t), HAD, ...apply(TANH, [at('c', t)])], lines: [[col(s.o), HAD, col(s.tanhC)], [col(s.h)]] });
    }
    forward.push({
      title: `${title(l)}: forward through time`,
      intro:
        `${l.names.Wih}: input size ${l.inputSize}, hidden size ${l.hiddenSize}, T = ${l.steps} steps, batch ${l.batch}; gates in PyTorch's order i, f, g, o. ` +
        `The fused lstmSequence op keeps its gates inside the kernel, so they are recomputed here in float64 from its recorded inputs; c and h are the layer's own outputs, ` +
        (err === 0 ? 'which the recomputation reproduces exactly.' : `which the recomputation reproduces to ${err.toExponential(1)}.`),
      steps: fsteps,
    });

    const bsteps: Step[] = [];
    const T = l.steps;
    const last = l.forward[l.forward.length - 1]!.t;
    for (const s of l.backward) {
      const t = s.t;
      const tn = l.reverse ? t - 1 : t + 1;
      const first = t === last;
      bsteps.push({
        lhs: [dJ('h', t)],
        formula: first ? [sym(`\\left.\\frac{\\partial J}{\\partial h_{${t}}}\\right|_{\\text{out}}`, `∂J/∂h${subText(String(t))}|out`)] : [sym(`\\left.\\frac{\\partial J}{\\partial h_{${t}}}\\right|_{\\text{out}}`, `∂J/∂h${subText(String(t))}|out`), PLUS, sym('W_{hh}^T', 'W_hhᵀ'), sym(`\\delta_{${tn}}`, `δ${subText(String(tn))}`)],
        lines: first ? [[col(s.dh)]] : [[col(s.dhOut), PLUS, col(s.dhNext)], [col(s.dh)]],
        note: first ? `the gradient from the layers above; step ${t} is the last one run, so nothing comes back through time` : '|out: what the layers above sent into h at this step; the second term flows back from the next step',
      });
      const dcOut = s.dcOut.data.some((v) => v !== 0);
      const fc: Term[] = [dJ('h', t), HAD, at('o', t), HAD, sym(`(1 - \\tanh^2 c_{${t}})`, `(1 − tanh² c${subText(String(t))})`)];
      const vc: Term[] = [col(s.dcViaH)];
      if (!first) {
        fc.push(PLUS, dJ('c', tn), HAD, at('f', tn));
        vc.push(PLUS, col(s.dcNext));
      }
      if (dcOut) {
        fc.push(PLUS, sym(`\\left.\\frac{\\partial J}{\\partial c_{${t}}}\\right|_{\\text{out}}`, `∂J/∂c${subText(String(t))}|out`));
        vc.push(PLUS, col(s.dcOut));
      }
      bsteps.push({ lhs: [dJ('c', t)], formula: fc, lines: vc.length > 1 ? [vc, [col(s.dc)]] : [[col(s.dc)]], note: first ? undefined : 'the cell state carries the gradient back through the forget gate' });
      const sx = subText(String(t));
      bsteps.push({
        lhs: [sym(`\\delta_{${t}}`, `δ${sx}`)],
        formula: [
          sym(
            `\\frac{\\partial J}{\\partial z_{${t}}} = \\begin{bmatrix} \\partial J/\\partial c_{${t}} \\odot g_{${t}} \\odot i_{${t}}(1 - i_{${t}}) \\\\ \\partial J/\\partial c_{${t}} \\odot c_{${tp(l, t)}} \\odot f_{${t}}(1 - f_{${t}}) \\\\ \\partial J/\\partial c_{${t}} \\odot i_{${t}} \\odot (1 - g_{${t}}^2) \\\\ \\partial J/\\partial h_{${t}} \\odot \\tanh(c_{${t}}) \\odot o_{${t}}(1 - o_{${t}}) \\end{bmatrix}`,
            `∂J/∂z${sx} = [∂J/∂c${sx} ⊙ g${sx} ⊙ i${sx}(1−i${sx}); ∂J/∂c${sx} ⊙ c${subText(String(tp(l, t)))} ⊙ f${sx}(1−f${sx}); ∂J/∂c${sx} ⊙ i${sx} ⊙ (1−g${sx}²); ∂J/∂h${sx} ⊙ tanh(c${sx}) ⊙ o${sx}(1−o${sx})]`,
          ),
        ],
        lines: [[col(s.delta)]],
        note: 'the fused op\'s own δ (rows i, f, g, o), from its backward event',
      });
    }
    const bptt: Section = {
      title: `${title(l)}: backpropagation through time`,
      intro: `From t = ${last} back to the first step. ∂J/∂h and ∂J/∂c collect every path to the loss: through the output at that step and through the later steps (W_hhᵀ δ and the forget gate). ${l.maxDeltaError === 0 ? 'Recomputing δ from these gives the op\'s values exactly.' : `Recomputing δ from these agrees with the op to ${l.maxDeltaError.toExponential(1)}.`}`,
      steps: bsteps,
    };

    const g = l.grads;
    const lam = d.update.weightDecay;
    const gsteps: Step[] = [];
    const order = [...l.forward];
    const showSum = T <= 4;
    const sumOf = (second: (s: LSTMStep['forward'][0]) => TensorSnapshot): Term[] => {
      const out: Term[] = [];
      order.forEach((s, k) => {
        const back = l.backward.find((b) => b.t === s.t)!;
        if (k > 0) out.push(PLUS);
        out.push(col(back.delta), rowT(second(s)));
      });
      return out;
    };
    const weightStep = (which: 'ih' | 'hh', gr: typeof g.Wih, Wv: TensorSnapshot, name: string, second: (s: LSTMStep['forward'][0]) => TensorSnapshot, v: string): Step => {
      const formula: Term[] = [sym(`\\sum_{t} \\delta_t ${v}^T`, `Σₜ δₜ ${v.replace(/_\{t-1\}/, 'ₜ₋₁').replace(/_t/, 'ₜ')}ᵀ`)];
      const lines: Term[][] = [];
      if (showSum) lines.push(sumOf(second));
      if (gr.l2 !== null) {
        formula.push(PLUS, sym(`\\lambda W_{${which}}`, `λW_${which}`));
        lines.push([full(gr.data), PLUS, sym(`${lam}`, `${lam}`), full(Wv)]);
      }
      lines.push([full(gr.total)]);
      return { lhs: [sym(`\\frac{\\partial J}{\\partial W_{${which}}}`, `∂J/∂W_${which}`)], formula, lines, note: `= ${name}.grad` };
    };
    gsteps.push(weightStep('ih', g.Wih, l.Wih, l.names.Wih, (s) => s.x, 'x_t'));
    gsteps.push(weightStep('hh', g.Whh, l.Whh, l.names.Whh, (s) => s.hPrev, 'h_{t-1}'));
    for (const [which, gr, name] of [['ih', g.bih, l.names.bih], ['hh', g.bhh, l.names.bhh]] as const) {
      if (gr === null || name === null) continue;
      const lines: Term[][] = [];
      if (showSum && l.batch === 1) {
        const terms: Term[] = [];
        order.forEach((s, k) => {
          if (k > 0) terms.push(PLUS);
          terms.push(col(l.backward.find((b) => b.t === s.t)!.delta));
        });
        lines.push(terms);
      }
      lines.push([col(gr)]);
      gsteps.push({ lhs: [sym(`\\frac{\\partial J}{\\partial b_{${which}}}`, `∂J/∂b_${which}`)], formula: [sym('\\sum_{t} \\delta_t', 'Σₜ δₜ')], lines, note: `= ${name}.grad` });
    }
    backward.push([bptt, { title: `${title(l)}: gradients`, intro: 'The same weights act at every step, so their gradients sum the steps\' contributions; every total here is the parameter\'s .grad.', steps: gsteps }]);
  }
  return { forward, backward };
}

function tp(l: LSTMStep, t: number): number {
  return l.reverse ? t + 1 : t - 1;
}

/** W := W - alpha dJ/dW for the LSTM parameters (or the optimizer's result). */
export function lstmUpdates(d: ExplanationData, update: (p: Term, g: Term, before: TensorSnapshot, after: TensorSnapshot, grad: TensorSnapshot | null) => Step): Step[] {
  const out: Step[] = [];
  for (const l of d.lstms) {
    out.push(update(W('ih'), sym('\\frac{\\partial J}{\\partial W_{ih}}', '∂J/∂W_ih'), l.Wih, l.newWih, l.grads.Wih.total));
    out.push(update(W('hh'), sym('\\frac{\\partial J}{\\partial W_{hh}}', '∂J/∂W_hh'), l.Whh, l.newWhh, l.grads.Whh.total));
    if (l.bih !== null && l.newBih !== null) out.push(update(Bs('ih'), sym('\\frac{\\partial J}{\\partial b_{ih}}', '∂J/∂b_ih'), l.bih, l.newBih, l.grads.bih));
    if (l.bhh !== null && l.newBhh !== null) out.push(update(Bs('hh'), sym('\\frac{\\partial J}{\\partial b_{hh}}', '∂J/∂b_hh'), l.bhh, l.newBhh, l.grads.bhh));
  }
  return out;
}
