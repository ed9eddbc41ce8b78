/**
 * LaTeX for one unit's arithmetic: indexed symbols (z^{(l)}_j, W^{(l)}_{ji}), sums of products
 * written out term by term, and row vectors; long sums and rows are shortened with \cdots. Numbers
 * are written by the library's `texNum`, so they read exactly as in nb.explain's other outputs.
 */
import { texNum } from './library.js';

/** Sums and rows longer than this show their first MAX - 1 entries, \cdots, and the last. */
const MAX = 6;

/** j-th entry (1-based) of a symbol with a layer superscript: z^{(1)}_{2}; W^{(2)}_{1,12} when an index has two digits. */
export function idx(base: string, l: number, ...ix: number[]): string {
  const sub = ix.some((i) => i > 9) ? ix.join(',') : ix.join('');
  return `${base}^{(${l})}_{${sub}}`;
}

/** A number as a factor: negative numbers in parentheses. */
export function factor(v: number, digits: number): string {
  const t = texNum(v, digits);
  return v < 0 || Object.is(v, -0) ? `\\left(${t}\\right)` : t;
}

/** Entries 0..n-1 mapped by `term`, the middle replaced by \cdots when n > MAX. */
export function shortened(n: number, term: (i: number) => string): string[] {
  if (n <= MAX) return Array.from({ length: n }, (_, i) => term(i));
  return [...Array.from({ length: MAX - 2 }, (_, i) => term(i)), '\\cdots', term(n - 1)];
}

/** A row vector [v_1 ... v_n] (shortened). */
export function row(values: readonly number[], digits: number): string {
  return `\\begin{bmatrix} ${shortened(values.length, (i) => texNum(values[i]!, digits)).join(' & ')} \\end{bmatrix}`;
}

/** A column vector (shortened, \vdots for the middle). */
export function column(values: readonly number[], digits: number): string {
  const cells = shortened(values.length, (i) => texNum(values[i]!, digits)).map((c) => (c === '\\cdots' ? '\\vdots' : c));
  return `\\begin{bmatrix} ${cells.join(' \\\\ ')} \\end{bmatrix}`;
}

/** Lines joined as one aligned block: the first "lhs &= rhs", the rest "&= rhs". */
export function aligned(lhs: string, rels: readonly string[], assign = false): string {
  const [first, ...rest] = rels;
  const rows = [`${lhs} &${assign ? ':=' : '='} ${first ?? ''}`, ...rest.map((r) => `&= ${r}`)];
  return `\\begin{aligned} ${rows.join(' \\\\[3pt] ')} \\end{aligned}`;
}
