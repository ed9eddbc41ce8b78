/**
 * The last window's characters as a row of cells: hovering (or tapping) one makes it the query,
 * and every earlier character is shaded by the weight the query gives it in the selected head
 * (or, with 'mean', averaged over the heads of the selected layer).
 */
import { colour } from './heatmap.js';
import type { AttentionView } from './protocol.js';

/** A head, or the mean of a layer's heads (head = -1). */
export interface Selection {
  layer: number;
  head: number;
  query: number;
}

/** The weights query `s.query` gives every key (length T). */
export function weightsOf(view: AttentionView, s: Selection): Float32Array {
  const T = view.chars.length;
  const row = new Float32Array(T);
  const heads = s.head < 0 ? [...Array(view.heads).keys()] : [s.head];
  for (const h of heads) {
    const map = view.maps[s.layer * view.heads + h]!;
    for (let j = 0; j < T; j++) row[j]! += map[s.query * T + j]! / heads.length;
  }
  return row;
}

/** Fills `host` with one span per character; `onQuery` is called with the index hovered or tapped. */
export function renderWindow(host: HTMLElement, view: AttentionView, onQuery: (i: number) => void): HTMLSpanElement[] {
  host.textContent = '';
  return view.chars.map((c, i) => {
    const span = document.createElement('span');
    span.className = c === '\n' ? 'cell nl' : 'cell';
    span.textContent = c === '\n' ? '↵' : c;
    span.title = `position ${i}`;
    span.addEventListener('mouseenter', () => onQuery(i));
    span.addEventListener('click', () => onQuery(i));
    host.append(span);
    if (c === '\n') host.append(document.createElement('br'));
    return span;
  });
}

/** Shades the spans by the selected query's weights and marks the query itself. */
export function shadeWindow(spans: HTMLSpanElement[], view: AttentionView, s: Selection): void {
  const w = weightsOf(view, s);
  spans.forEach((span, j) => {
    const [r, g, b] = colour(w[j]!);
    span.style.background = j > s.query ? '' : `rgb(${r}, ${g}, ${b})`;
    span.style.color = j > s.query ? '#bbb' : w[j]! > 0.3 ? '#fff' : '';
    span.classList.toggle('query', j === s.query);
    span.title = j <= s.query ? `position ${j}: weight ${w[j]!.toFixed(3)}` : `position ${j}: after the query`;
  });
}
