/**
 * The step-through view: one stop at a time of a recorded training step (stops.ts), the unit's
 * arithmetic beside the network drawing (diagram.ts), the layer's formula as nb.explain writes it,
 * and the tutorial's printed value beside the computed one where they differ. Previous / Next
 * buttons, the arrow keys and a strip of stops move through it.
 */
import { createDiagram } from './diagram.js';
import { renderTex } from './katex.js';
import './step.css';
import { buildStops, type StepThrough, type Stop } from './stops.js';
import type { ExplanationData } from './library.js';

export interface StepViewState {
  index: number;
  count: number;
  id: string;
}

export interface StepView {
  readonly state: StepViewState;
  go(index: number): void;
  next(): void;
  previous(): void;
  /** removes the keyboard listener and the view's elements */
  destroy(): void;
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls !== '') e.className = cls;
  e.append(...children);
  return e;
}

function math(tex: string): HTMLDivElement {
  const d = h('div', 'st-math');
  renderTex(d, tex);
  return d;
}

/** Past this many stops the strip is a slider. */
const MAX_DOTS = 120;

const PHASE: Record<Stop['phase'], string> = { input: 'input', forward: 'forward pass', loss: 'loss', backward: 'backward pass' };

function correctionBox(stop: Stop): HTMLElement | null {
  const c = stop.correction;
  if (c === undefined) return null;
  const sym = h('span', 'st-sym');
  renderTex(sym, c.symbol, false);
  const box = h('div', c.differs ? 'st-correction differs' : 'st-correction agrees',
    h('div', 'st-compare', sym,
      h('span', 'st-label', ': the tutorial prints '), h('b', 'st-printed', c.printed),
      h('span', 'st-label', c.differs ? ' · nabla computes ' : ' · nabla computes the same: '), h('b', 'st-computed', c.computed)),
    h('div', 'st-why', c.why));
  box.prepend(h('div', 'st-correction-title', c.differs ? 'Correction to the tutorial' : 'Checked against the tutorial'));
  return box;
}

/** Mounts the view of `data` (nb.explain's JSON of one sample) into `host`. */
export function mountStepView(host: HTMLElement, data: ExplanationData, onChange: (s: StepViewState) => void = () => {}): StepView {
  const st: StepThrough = buildStops(data);
  const { stops, sizes } = st;
  const prev = h('button', 'st-prev', '◀ Previous');
  const next = h('button', 'st-next', 'Next ▶');
  prev.type = next.type = 'button';
  const where = h('span', 'st-where');
  where.setAttribute('aria-live', 'polite');
  const strip = h('div', 'st-strip');
  // a square per stop, or a slider when there are too many to show
  const dots = stops.length > MAX_DOTS ? [] : stops.map((s, k) => {
    const b = h('button', `st-dot ${s.phase}`);
    b.type = 'button';
    b.title = s.title;
    b.setAttribute('aria-label', `go to ${s.title}`);
    b.onclick = () => view.go(k);
    strip.append(b);
    return b;
  });
  const slider = h('input', 'st-slider');
  if (dots.length === 0) {
    Object.assign(slider, { type: 'range', min: '0', max: String(stops.length - 1), value: '0' });
    slider.setAttribute('aria-label', 'stop');
    slider.oninput = () => view.go(Number(slider.value));
    strip.append(slider);
  }
  const diagram = h('div', 'st-diagram');
  const node = h('div', 'st-node');
  const layer = h('div', 'st-layer');
  const layerTitle = h('h3', 'st-layer-title', 'The whole layer, as nb.explain writes it (the tutorial\'s matrix notation)');
  const notes = h('div', 'st-notes', ...data.notes.map((n) => h('p', 'st-note', h('b', '', 'Note. '), n)));
  const root = h('div', 'st',
    notes,
    h('div', 'st-bar', prev, next, where, h('span', 'st-keys', '(or ← / → keys)')),
    strip,
    h('div', 'st-main',
      h('div', 'st-side', diagram, layerTitle, layer),
      node));
  host.replaceChildren(root);

  const drawing = createDiagram(diagram, sizes, { width: 420, height: Math.max(280, Math.min(480, 80 * Math.max(...sizes) + 60)) });
  const state: StepViewState = { index: 0, count: stops.length, id: stops[0]!.id };
  const show = (): void => {
    const stop = stops[state.index]!;
    state.id = stop.id;
    where.textContent = `${state.index + 1} / ${stops.length} · ${PHASE[stop.phase]}`;
    prev.disabled = state.index === 0;
    next.disabled = state.index === stops.length - 1;
    dots.forEach((d, k) => d.classList.toggle('on', k === state.index));
    slider.value = String(state.index);
    drawing.show(stops, state.index);
    const body: Node[] = [h('h2', `st-title ${stop.phase}`, stop.title)];
    const fix = correctionBox(stop);
    if (fix !== null) body.push(fix);
    for (const b of stop.blocks) {
      if (b.caption !== '') body.push(h('div', 'st-caption', b.caption));
      if (b.tex !== '') body.push(math(b.tex));
    }
    node.replaceChildren(...body);
    layerTitle.hidden = stop.layer.length === 0;
    layer.replaceChildren(...stop.layer.flatMap((s) => (s.note === undefined ? [math(s.tex)] : [math(s.tex), h('div', 'st-caption', s.note)])));
    onChange({ ...state });
  };
  const onKey = (e: KeyboardEvent): void => {
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLSelectElement || t instanceof HTMLTextAreaElement) return;
    if (e.key === 'ArrowRight') view.next();
    else if (e.key === 'ArrowLeft') view.previous();
    else return;
    e.preventDefault();
  };
  const view: StepView = {
    state,
    go(k) {
      state.index = Math.max(0, Math.min(stops.length - 1, k));
      show();
    },
    next() {
      this.go(state.index + 1);
    },
    previous() {
      this.go(state.index - 1);
    },
    destroy() {
      document.removeEventListener('keydown', onKey);
      root.remove();
    },
  };
  prev.onclick = () => view.previous();
  next.onclick = () => view.next();
  document.addEventListener('keydown', onKey);
  show();
  return view;
}
