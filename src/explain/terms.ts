/**
 * The vocabulary of an explanation document: terms (symbols, matrices of values, numbers,
 * words), steps (a formula and its "= values" lines) and sections, with the symbol helpers
 * every section builder shares. Each symbol carries its LaTeX and its plain-text spelling.
 */
import type { TensorSnapshot } from './snapshot.js';

/** A piece of a formula: a symbol, an operator, a matrix of values, a number or words. */
export type Term =
  | { t: 'sym'; tex: string; text: string }
  | { t: 'mat'; m: number[][]; snap: TensorSnapshot }
  | { t: 'num'; v: number }
  | { t: 'words'; text: string };

export interface Step {
  /** the symbolic equation, e.g. z^{(1)} = W^{(1)} a^{(0)} + b^{(1)} (lhs, then rhs) */
  lhs: Term[];
  formula: Term[];
  /** continuation lines, each read as "= ..." */
  lines: Term[][];
  note?: string;
  /** the relation between lhs and formula: '=' (default) or ':=' (an assignment, the update) */
  assign?: boolean;
}

export interface Section {
  title: string;
  intro?: string;
  steps: Step[];
  /** preformatted lines (the tape listing) */
  listing?: string[];
}

const SUP: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };
/** (l) as superscript text: ⁽¹⁾ */
export const sup = (l: number): string => '⁽' + [...String(l)].map((c) => SUP[c] ?? c).join('') + '⁾';

export const sym = (tex: string, text: string): Term => ({ t: 'sym', tex, text });
export const PLUS = sym('+', '+');
export const MINUS = sym('-', '−');
export const HAD = sym('\\odot', '⊙');
export const mat = (s: TensorSnapshot, m: number[][]): Term => ({ t: 'mat', m, snap: s });
export const num = (v: number): Term => ({ t: 'num', v });
export const words = (text: string): Term => ({ t: 'words', text });
/** f(arg) with brackets that stick to f in text */
export const apply = (f: Term, arg: Term[]): Term[] => [f, sym('\\left(', '('), ...arg, sym('\\right)', ')')];
