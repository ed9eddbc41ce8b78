/**
 * `nb.explain(...)`: one training step of the learner's own network, narrated in the seed's
 * notation with the learner's own numbers, recorded from the real autograd tape:
 *
 *   z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)},  a^{(l)} = sigma(z^{(l)})
 *   delta^{(L)} = grad_a J ⊙ sigma'(z^{(L)}),  delta^{(l)} = (W^{(l+1)})^T delta^{(l+1)} ⊙ sigma'(z^{(l)})
 *   dJ/dW^{(l)} = delta^{(l)} (a^{(l-1)})^T (+ lambda W^{(l)}),  dJ/db^{(l)} = delta^{(l)}
 *   W^{(l)} := W^{(l)} - alpha dJ/dW^{(l)}
 *
 *   const ex = nb.explain({ model, input: [1, 2], target: [1], loss: 'halfSquaredError', lr: 0.5 });
 *   console.log(ex.toText());
 */
import { recordStep, type RecordOptions } from './record.js';
import { NablaError, describe } from '../core/errors.js';
import { renderText } from './text.js';
import { renderMarkdown } from './latex.js';
import type { HtmlOptions } from './html.js';
import type { RenderOptions } from './doc.js';
import type { ExplanationData } from './types.js';

export interface ExplainOptions extends RecordOptions, RenderOptions {}

type HtmlRenderer = (data: ExplanationData, opts: HtmlOptions) => string;
let htmlRenderer: HtmlRenderer | null = null;

/**
 * Installs the HTML renderer behind `toHTML` (the Node entry installs html.ts's, which inlines
 * KaTeX's stylesheet and fonts read from disk).
 */
export function setHtmlRenderer(render: HtmlRenderer | null): void {
  htmlRenderer = render;
}

/** A recorded training step and its renderers. */
export class Explanation {
  constructor(
    readonly data: ExplanationData,
    private readonly defaults: RenderOptions = {},
  ) {}

  /** Terminal text with aligned matrices. */
  toText(opts: RenderOptions = {}): string {
    return renderText(this.data, { ...this.defaults, ...opts });
  }

  /** Markdown with LaTeX ($$ ... $$ blocks). */
  toMarkdown(opts: RenderOptions = {}): string {
    return renderMarkdown(this.data, { ...this.defaults, ...opts });
  }

  /** Self-contained HTML, the math as MathML that the browser typesets (no script, webfont or network needed). */
  toHTML(opts: HtmlOptions = {}): string {
    if (htmlRenderer === null) {
      throw new NablaError('explain: toHTML() embeds KaTeX read from disk and needs nabla\'s Node entry; in a browser use toJSON(), toMarkdown() or toText()');
    }
    return htmlRenderer(this.data, { ...this.defaults, ...opts });
  }

  /** Every recorded value as plain data (full precision, nothing summarised). */
  toJSON(): ExplanationData {
    return this.data;
  }

  toString(): string {
    return this.toText();
  }
}

/** Records one training step (forward, loss, backward, update) of `model` and returns its explanation. */
export function explain(opts: ExplainOptions): Explanation {
  if (opts === null || typeof opts !== 'object') throw new NablaError(`explain: expected options { model, input, target, ... }, got ${describe(opts)}`);
  const data = recordStep(opts);
  const render: RenderOptions = {};
  if (opts.verbosity !== undefined) render.verbosity = opts.verbosity;
  if (opts.maxElements !== undefined) render.maxElements = opts.maxElements;
  if (opts.digits !== undefined) render.digits = opts.digits;
  return new Explanation(data, render);
}
