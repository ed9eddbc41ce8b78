/**
 * KaTeX, bundled by Vite with its stylesheet and fonts (no CDN): LaTeX set into an element as
 * display math. A formula KaTeX cannot parse throws, naming the formula, so nothing is shown
 * half-rendered.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';

export function renderTex(el: HTMLElement, tex: string): void {
  try {
    katex.render(tex, el, { displayMode: true, throwOnError: true, output: 'htmlAndMathml' });
  } catch (e) {
    throw new Error(`step-through: KaTeX could not set '${tex}': ${(e as Error).message}`);
  }
}
