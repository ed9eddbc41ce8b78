/**
 * LaTeX for each step (an `aligned` block: the formula, then "= values" lines) and the Markdown
 * document built from it; the HTML renderer converts the same LaTeX to MathML (mathml.ts).
 */
import type { ExplanationData } from './types.js';
import { buildDocument, describeNetwork, resolveRender, type RenderOptions, type Resolved, type Step, type Term } from './doc.js';
import { fmt, shapeText } from './snapshot.js';

/** A number in LaTeX: 6.01e-3 becomes 6.01 \\times 10^{-3} (a bare e would read as a variable). */
export function texNum(v: number, digits: number): string {
  return fmt(v, digits).replace(/^(-?[\d.]+)e([+-]?)(\d+)$/, (_m, mant: string, sign: string, exp: string) => `${mant} \\times 10^{${sign === '-' ? '-' : ''}${exp}}`);
}

function termTex(t: Term, r: Resolved): string {
  switch (t.t) {
    case 'sym':
      return t.tex;
    case 'words':
      return `\\text{${t.text}}`;
    case 'num':
      return texNum(t.v, r.digits);
    case 'mat': {
      const s = t.snap;
      if (s.data.length > r.maxElements) {
        const head = s.data.slice(0, 3).map((v) => fmt(v, Math.min(r.digits, 4)));
        return `\\left[\\,{\\scriptstyle ${shapeText(s.shape).replace('×', '\\times ')}:\\ ${head.join(',\\ ')}${s.data.length > 3 ? ',\\ \\ldots' : ''}\\quad \\lVert\\cdot\\rVert = ${fmt(s.norm, 4)}}\\,\\right]`;
      }
      return `\\begin{bmatrix} ${t.m.map((row) => row.map((v) => texNum(v, r.digits)).join(' & ')).join(' \\\\ ')} \\end{bmatrix}`;
    }
  }
}

const termsTex = (ts: Term[], r: Resolved): string => ts.map((t) => termTex(t, r)).join(' ');

/** A step as one `aligned` LaTeX block. */
export function stepTex(s: Step, r: Resolved): string {
  const rows = [`${termsTex(s.lhs, r)} &${s.assign === true ? ':=' : '='} ${termsTex(s.formula, r)}`];
  for (const l of s.lines) rows.push(`&= ${termsTex(l, r)}`);
  return `\\begin{aligned} ${rows.join(' \\\\[4pt] ')} \\end{aligned}`;
}

export function renderMarkdown(d: ExplanationData, opts: RenderOptions = {}): string {
  const r = resolveRender(d, opts);
  const out: string[] = [`# One training step, explained`, '', `A ${describeNetwork(d)}, batch of m = ${d.batchSize}, loss: ${d.loss.name}, ${d.dtype}. Recorded from nabla's autograd tape.`];
  for (const n of d.notes) out.push('', `> **Note.** ${n}`);
  for (const sec of buildDocument(d, r)) {
    out.push('', `## ${sec.title}`);
    if (sec.intro !== undefined) out.push('', sec.intro);
    for (const s of sec.steps) {
      out.push('', '$$', stepTex(s, r), '$$');
      if (s.note !== undefined) out.push('', `*${s.note}*`);
    }
    if (sec.listing !== undefined) out.push('', '```', ...sec.listing, '```');
  }
  return out.join('\n') + '\n';
}
