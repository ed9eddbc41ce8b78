/**
 * The formulas explain prints for attention, in one place: each as LaTeX and as plain text, the
 * same strings for every renderer (text, Markdown, HTML) and for the docs. One head, query rows
 * Q [L, d], keys K [S, d], values V [S, d_v]; s = the scale (1/sqrt(d) by default).
 */
export interface Formula {
  /** left-hand side */
  lhs: { tex: string; text: string };
  rhs: { tex: string; text: string };
}

const f = (lt: string, lx: string, rt: string, rx: string): Formula => ({ lhs: { tex: lt, text: lx }, rhs: { tex: rt, text: rx } });

export const ATTENTION = {
  scores: f('S', 'S', 's\\, Q K^T', 's·Q Kᵀ'),
  mask: f('\\tilde S', 'S̃', 'S + M', 'S + M'),
  softmax: f('P_{ij}', 'P_ij', '\\frac{e^{\\tilde S_{ij}}}{\\sum_k e^{\\tilde S_{ik}}}', 'exp(S̃_ij) / Σ_k exp(S̃_ik)'),
  output: f('O', 'O', 'P V', 'P V'),
  dP: f('\\frac{\\partial J}{\\partial P}', '∂J/∂P', '\\frac{\\partial J}{\\partial O} V^T', '∂J/∂O Vᵀ'),
  dV: f('\\frac{\\partial J}{\\partial V}', '∂J/∂V', 'P^T \\frac{\\partial J}{\\partial O}', 'Pᵀ ∂J/∂O'),
  dS: f(
    '\\frac{\\partial J}{\\partial \\tilde S}', '∂J/∂S̃',
    'P \\odot \\Big(\\frac{\\partial J}{\\partial P} - \\mathrm{rowsum}\\big(P \\odot \\frac{\\partial J}{\\partial P}\\big)\\Big)',
    'P ⊙ (∂J/∂P − rowsum(P ⊙ ∂J/∂P))',
  ),
  dQ: f('\\frac{\\partial J}{\\partial Q}', '∂J/∂Q', 's\\, \\frac{\\partial J}{\\partial \\tilde S} K', 's·∂J/∂S̃ K'),
  dK: f('\\frac{\\partial J}{\\partial K}', '∂J/∂K', 's\\, \\big(\\frac{\\partial J}{\\partial \\tilde S}\\big)^T Q', 's·(∂J/∂S̃)ᵀ Q'),
} as const;
