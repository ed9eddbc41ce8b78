/**
 * Self-contained HTML: the math written as MathML (`mathml.ts`, our own LaTeX-subset converter),
 * which browsers typeset natively, so the page needs no script, no webfont and no network.
 */
import type { ExplanationData } from './types.js';
import { buildDocument, describeNetwork, resolveRender, type RenderOptions } from './doc.js';
import { stepTex } from './latex.js';
import { texToMathML } from './mathml.js';

export interface HtmlOptions extends RenderOptions {
  /**
   * Kept for compatibility with pages written when KaTeX set the math: MathML uses the fonts the
   * browser has (the page asks for a math font by name first), so nothing is embedded either way.
   */
  fonts?: 'inline' | 'none';
  /** the page title */
  title?: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PAGE_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.step{margin:.8rem 0;overflow-x:auto}.note{color:#555;font-style:italic;margin:-.3rem 0 .6rem 1.5rem}
.callout{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem .8rem}
pre{background:#f6f6f8;padding:.6rem;overflow-x:auto;font-size:.85rem}
math{font-family:"STIX Two Math","Cambria Math","Latin Modern Math","DejaVu Math TeX Gyre",math;font-size:1.1em}
`;

export function renderHtml(d: ExplanationData, opts: HtmlOptions = {}): string {
  const r = resolveRender(d, opts);
  const title = opts.title ?? 'nabla explain: one training step';
  const body: string[] = [`<h1>${esc(title)}</h1>`];
  body.push(`<p>A ${esc(describeNetwork(d))}, batch of m = ${d.batchSize}, loss: ${esc(d.loss.name)}, ${d.dtype}. Recorded from nabla's autograd tape.</p>`);
  for (const n of d.notes) body.push(`<p class="callout"><b>Note.</b> ${esc(n)}</p>`);
  for (const sec of buildDocument(d, r)) {
    body.push(`<h2>${esc(sec.title)}</h2>`);
    if (sec.intro !== undefined) body.push(`<p>${esc(sec.intro)}</p>`);
    for (const s of sec.steps) {
      body.push(`<div class="step math-display">${texToMathML(stepTex(s, r))}</div>`);
      if (s.note !== undefined) body.push(`<div class="note">${esc(s.note)}</div>`);
    }
    if (sec.listing !== undefined) body.push(`<pre>${esc(sec.listing.join('\n'))}</pre>`);
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
