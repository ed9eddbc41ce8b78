/**
 * The network drawn as SVG for the step-through: a column of units per layer (inputs first),
 * an edge per weight, the current units and the edges the stop is about highlighted, and beside
 * each unit the value the steps so far have computed (a on the way forward, δ on the way back).
 */
import type { NodeRef, Stop } from './stops.js';

const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

const key = (n: NodeRef): string => `${n.layer}:${n.unit}`;

export interface DiagramOptions {
  width: number;
  height: number;
}

/** Draws the network of `sizes` for stop `index` of `stops` into `host` (replacing what was there). */
export function drawDiagram(host: HTMLElement, sizes: readonly number[], stops: readonly Stop[], index: number, opts: DiagramOptions): void {
  const { width, height } = opts;
  const stop = stops[index]!;
  const root = document.createElementNS(NS, 'svg');
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', `the network, ${stop.title}`);
  const maxUnits = Math.max(...sizes);
  const r = Math.max(4, Math.min(18, (0.26 * (height - 40)) / maxUnits));
  const labelled = maxUnits <= 8;
  const x = (l: number): number => 50 + (l * (width - 100)) / Math.max(1, sizes.length - 1);
  const y = (l: number, u: number): number => {
    const n = sizes[l]!;
    return 10 + ((u + 0.5) * (height - 40)) / n;
  };
  const current = new Set(stop.nodes.map(key));
  const shown = new Map<string, string[]>();
  for (let k = 0; k <= index; k++) {
    for (const rv of stops[k]!.reveals) shown.set(key(rv.node), [...(shown.get(key(rv.node)) ?? []), rv.label]);
  }
  const edges = svg('g', { class: 'edges' }, root);
  for (let l = 1; l < sizes.length; l++) {
    for (let j = 0; j < sizes[l]!; j++) {
      for (let i = 0; i < sizes[l - 1]!; i++) {
        const hot = (stop.edgesIn && current.has(`${l}:${j}`)) || (stop.edgesOut && current.has(`${l - 1}:${i}`));
        const cls = hot ? (stop.phase === 'backward' ? 'edge hot back' : 'edge hot') : 'edge';
        svg('line', { class: cls, x1: x(l - 1), y1: y(l - 1, i), x2: x(l), y2: y(l, j) }, edges);
      }
    }
  }
  const nodes = svg('g', { class: 'nodes' }, root);
  sizes.forEach((n, l) => {
    for (let u = 0; u < n; u++) {
      const hot = current.has(`${l}:${u}`);
      const g = svg('g', { class: hot ? 'node current' : 'node', 'data-node': `${l}:${u}` }, nodes);
      svg('circle', { cx: x(l), cy: y(l, u), r }, g);
      if (labelled) {
        const name = svg('text', { x: x(l), y: y(l, u) + 4, 'text-anchor': 'middle', class: 'name' }, g);
        name.textContent = l === 0 ? `x${u + 1}` : `${l}.${u + 1}`;
        // the latest value only when units are close together
        const all = shown.get(`${l}:${u}`) ?? [];
        const lines = maxUnits > 4 ? all.slice(-1) : all;
        lines.forEach((t, k) => {
          const v = svg('text', { x: x(l), y: y(l, u) + r + 15 + k * 15, 'text-anchor': 'middle', class: 'value' }, g);
          v.textContent = t;
        });
      }
    }
  });
  host.replaceChildren(root);
}
