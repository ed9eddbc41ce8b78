/**
 * KaTeX, bundled by Vite with its stylesheet and fonts (no CDN): LaTeX set into an element as
 * display math. A formula KaTeX cannot parse throws, naming the formula, so nothing is shown
 * half-rendered.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';

/** Sets `tex` into `el`: display math (a block), or inline. */
export function renderTex(el: HTMLElement, tex: string, display = true): void {
  try {
    katex.render(tex, el, { displayMode: display, throwOnError: true, output: 'htmlAndMathml' });
  } catch (e) {
    throw new Error(`step-through: KaTeX could not set '${tex}': ${(e as Error).message}`);
  }
}
