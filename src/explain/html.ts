/**
 * Self-contained HTML: the math typeset on the server by KaTeX (`katex.renderToString`), with
 * KaTeX's stylesheet inlined and its fonts embedded as data URLs, so the page needs no network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';
import type { ExplanationData } from './types.js';
import { buildDocument, describeNetwork, resolveRender, type RenderOptions } from './doc.js';
import { stepTex } from './latex.js';

export interface HtmlOptions extends RenderOptions {
  /** 'inline' (default): KaTeX's fonts embedded as data URLs; 'none': no webfonts (the browser's serif fonts stand in) */
  fonts?: 'inline' | 'none';
  /** the page title */
  title?: string;
}

let cssCache: Map<string, string> | null = null;

function katexCss(fonts: 'inline' | 'none'): string {
  cssCache ??= new Map();
  const hit = cssCache.get(fonts);
  if (hit !== undefined) return hit;
  const req = createRequire(import.meta.url);
  const cssPath = req.resolve('katex/dist/katex.min.css');
  const dir = dirname(cssPath);
  let css = readFileSync(cssPath, 'utf8');
  if (fonts === 'inline') {
    css = css.replace(/src:url\(fonts\/([^)]+?)\.woff2\) format\("woff2"\)[^}]*/g, (_m, name: string) => {
      const b64 = readFileSync(join(dir, 'fonts', `${name}.woff2`)).toString('base64');
      return `src:url(data:font/woff2;base64,${b64}) format("woff2")`;
    });
  } else {
    css = css.replace(/@font-face\{[^}]*\}/g, '');
  }
  cssCache.set(fonts, css);
  return css;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const PAGE_CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1f;line-height:1.45}
h1{font-size:1.5rem}h2{font-size:1.15rem;border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.step{margin:.8rem 0;overflow-x:auto}.note{color:#555;font-style:italic;margin:-.3rem 0 .6rem 1.5rem}
.callout{background:#fff7e0;border-left:4px solid #e0a800;padding:.5rem .8rem}
pre{background:#f6f6f8;padding:.6rem;overflow-x:auto;font-size:.85rem}
.katex-display{margin:.4rem 0;text-align:left}.katex-display>.katex{text-align:left}`;

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
      const math = katex.renderToString(stepTex(s, r), { displayMode: true, throwOnError: true, output: 'html' });
      body.push(`<div class="step">${math}</div>`);
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
<style>${katexCss(opts.fonts ?? 'inline')}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}
