/**
 * The attention part of an explanation document: one head's forward pass (Q, K, V, the scores,
 * the mask, the softmax, the weighted sum) and its backward pass (dJ/dO, dJ/dP, dJ/dV, dJ/dS,
 * dJ/dQ, dJ/dK), each line a formula from formulas.ts followed by the values autograd computed.
 */
import type { ExplanationData } from './types.js';
import { toMatrix, transposeMatrix, type TensorSnapshot } from './snapshot.js';
import { PLUS, mat, num, sym, words, type Section, type Step, type Term } from './terms.js';
import { ATTENTION, type Formula } from './formulas.js';

const M = (s: TensorSnapshot): Term => mat(s, toMatrix(s, true));
const MT = (s: TensorSnapshot): Term => mat(s, transposeMatrix(toMatrix(s, true)));
const lhs = (f: Formula): Term[] => [sym(f.lhs.tex, f.lhs.text)];
const rhs = (f: Formula): Term[] => [sym(f.rhs.tex, f.rhs.text)];

export function attentionSections(d: ExplanationData): Section[] {
  const a = d.attention;
  if (a === undefined) return [];
  const A = ATTENTION;
  const fwd: Step[] = [
    { lhs: [sym('Q,\\ K,\\ V', 'Q, K, V')], formula: [words('the head\'s slices of the projected queries, keys and values')], lines: [[M(a.Q), M(a.K), M(a.V)]] },
    { lhs: lhs(A.scores), formula: rhs(A.scores), lines: [[num(a.scale), M(a.Q), MT(a.K)], [M(a.S)]], note: `s = ${a.scale} (1/√d)` },
    { lhs: lhs(A.mask), formula: rhs(A.mask), lines: [[M(a.S), PLUS, M(a.M)], [M(a.Smasked)]], note: a.causal ? 'M is −∞ above the diagonal (causal: query i sees keys j ≤ i), plus any given mask' : 'M is the given mask (0 where allowed)' },
    { lhs: lhs(A.softmax), formula: rhs(A.softmax), lines: [[M(a.P)]], note: 'each row sums to 1; −∞ scores get weight exactly 0' },
    { lhs: lhs(A.output), formula: rhs(A.output), lines: [[M(a.P), M(a.V)], [M(a.O)]] },
  ];
  const bwd: Step[] = [
    { lhs: [sym('\\frac{\\partial J}{\\partial O}', '∂J/∂O')], formula: [words('from the layers above')], lines: [[M(a.dO)]] },
    { lhs: lhs(A.dP), formula: rhs(A.dP), lines: [[M(a.dO), MT(a.V)], [M(a.dP)]] },
    { lhs: lhs(A.dV), formula: rhs(A.dV), lines: [[MT(a.P), M(a.dO)], [M(a.dV)]] },
    { lhs: lhs(A.dS), formula: rhs(A.dS), lines: [[M(a.dS)]], note: 'the softmax backward, row by row' },
    { lhs: lhs(A.dQ), formula: rhs(A.dQ), lines: [[num(a.scale), M(a.dS), M(a.K)], [M(a.dQ)]] },
    { lhs: lhs(A.dK), formula: rhs(A.dK), lines: [[num(a.scale), MT(a.dS), M(a.Q)], [M(a.dK)]] },
  ];
  const which = `head 1 of ${a.heads}, sample 1`;
  return [
    { title: `Attention (${which}): forward`, intro: 'softmax(s Q Kᵀ + M) V for one head; the fused kernel computes the same without holding P.', steps: fwd },
    { title: `Attention (${which}): backward`, intro: 'every gradient is the one autograd propagated (retained on the head\'s tensors).', steps: bwd },
  ];
}
