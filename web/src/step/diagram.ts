/**
 * The network drawn as SVG for the step-through: a column of units per layer (inputs first),
 * an edge per weight, the current units and the edges the stop is about highlighted, and beside
 * each unit the value the steps so far have computed (a on the way forward, δ on the way back).
 * The drawing is made once; moving to another stop only changes classes and labels; a network of
 * more than EDGES weights shows only the edges of the current stop, so it still steps at once.
 */
import type { NodeRef, Stop } from './stops.js';

const NS = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

/** Above this many weights only the highlighted edges are drawn. */
const EDGES = 1500;

const key = (n: NodeRef): string => `${n.layer}:${n.unit}`;

export interface DiagramOptions {
  width: number;
  height: number;
}

export interface Diagram {
  /** highlights stop `index` of `stops` and labels the units with what stops 0..index computed */
  show(stops: readonly Stop[], index: number): void;
}

/** Draws the network of `sizes` into `host` (replacing what was there). */
export function createDiagram(host: HTMLElement, sizes: readonly number[], opts: DiagramOptions): Diagram {
  const { width, height } = opts;
  const root = document.createElementNS(NS, 'svg');
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('role', 'img');
  const maxUnits = Math.max(...sizes);
  const r = Math.max(4, Math.min(18, (0.26 * (height - 40)) / maxUnits));
  const labelled = maxUnits <= 8;
  const x = (l: number): number => 50 + (l * (width - 100)) / Math.max(1, sizes.length - 1);
  const y = (l: number, u: number): number => 10 + ((u + 0.5) * (height - 40)) / sizes[l]!;
  // every edge while they are few; past EDGES only the highlighted ones (drawn per stop), so the page stays quick
  const total = sizes.slice(1).reduce((t, n, l) => t + n * sizes[l]!, 0);
  const all = total <= EDGES;
  const edgeGroup = svg('g', { class: 'edges' }, root);
  const line = (l: number, j: number, i: number): SVGLineElement => svg('line', { class: 'edge', x1: x(l - 1), y1: y(l - 1, i), x2: x(l), y2: y(l, j) }, edgeGroup);
  // edges[l][j][i]: the weight from unit i of layer l-1 into unit j of layer l
  const edges: SVGLineElement[][][] = [[]];
  if (all) {
    for (let l = 1; l < sizes.length; l++) edges.push(Array.from({ length: sizes[l]! }, (_, j) => Array.from({ length: sizes[l - 1]! }, (_, i) => line(l, j, i))));
  }
  const edgeInto = (l: number, j: number): SVGLineElement[] => (all ? edges[l]?.[j] ?? [] : Array.from({ length: sizes[l - 1] ?? 0 }, (_, i) => line(l, j, i)));
  const edgesOutOf = (l: number, i: number): SVGLineElement[] => (all ? (edges[l + 1] ?? []).map((row) => row[i]!) : Array.from({ length: sizes[l + 1] ?? 0 }, (_, j) => line(l + 1, j, i)));
  const nodes = new Map<string, { g: SVGGElement; labels: SVGTextElement[] }>();
  const nodeGroup = svg('g', { class: 'nodes' }, root);
  sizes.forEach((n, l) => {
    for (let u = 0; u < n; u++) {
      const g = svg('g', { class: 'node', 'data-node': `${l}:${u}` }, nodeGroup);
      svg('circle', { cx: x(l), cy: y(l, u), r }, g);
      const labels: SVGTextElement[] = [];
      if (labelled) {
        svg('text', { x: x(l), y: y(l, u) + 4, 'text-anchor': 'middle', class: 'name' }, g).textContent = l === 0 ? `x${u + 1}` : `${l}.${u + 1}`;
        // the latest value only when units are close together
        for (let k = 0; k < (maxUnits > 4 ? 1 : 3); k++) labels.push(svg('text', { x: x(l), y: y(l, u) + r + 15 + k * 15, 'text-anchor': 'middle', class: 'value' }, g));
      }
      nodes.set(`${l}:${u}`, { g, labels });
    }
  });
  host.replaceChildren(root);

  let hot: Element[] = [];
  return {
    show(stops, index) {
      const stop = stops[index]!;
      root.setAttribute('aria-label', `the network, ${stop.title}`);
      for (const e of hot) {
        if (!all && e instanceof SVGLineElement) e.remove();
        else e.classList.remove('hot', 'back', 'current');
      }
      hot = [];
      const edgeClass = stop.phase === 'backward' ? ['hot', 'back'] : ['hot'];
      for (const n of stop.nodes) {
        const g = nodes.get(key(n))?.g;
        if (g !== undefined) {
          g.classList.add('current');
          hot.push(g);
        }
        const into = stop.edgesIn && n.layer > 0 ? edgeInto(n.layer, n.unit) : [];
        const out = stop.edgesOut ? edgesOutOf(n.layer, n.unit) : [];
        for (const e of [...into, ...out]) {
          e.classList.add(...edgeClass);
          hot.push(e);
        }
      }
      if (!labelled) return;
      const shown = new Map<string, string[]>();
      for (let k = 0; k <= index; k++) {
        for (const rv of stops[k]!.reveals) shown.set(key(rv.node), [...(shown.get(key(rv.node)) ?? []), rv.label]);
      }
      for (const [k, { labels }] of nodes) {
        const lines = (shown.get(k) ?? []).slice(-labels.length);
        labels.forEach((t, i) => {
          t.textContent = lines[i] ?? '';
        });
      }
    },
  };
}
