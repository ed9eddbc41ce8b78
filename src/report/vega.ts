/**
 * Renders a Vega-Lite spec to an SVG string in Node, offline: Vega-Lite compiles it to a Vega
 * spec, a headless Vega View (`renderer: 'none'`) lays it out and serialises SVG. No canvas
 * package and no network are needed (data is always inline `values`).
 */
import type { TopLevelSpec } from 'vega-lite';

// Vega is loaded on first use (~250 ms), so importing nabla does not pay for it.
let libs: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;
const loadVega = () => (libs ??= Promise.all([import('vega'), import('vega-lite')]));

/** Fonts and colours shared by every chart of a report. */
export const CHART_CONFIG = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  background: 'white',
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 14, fontWeight: 600, anchor: 'start', color: '#1f2328', offset: 10 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 500,
    labelColor: '#444',
    titleColor: '#333',
    gridColor: '#eceef1',
    domainColor: '#888',
    tickColor: '#888',
  },
  legend: { labelFontSize: 12, titleFontSize: 12, symbolStrokeWidth: 2 },
} as const;

/** Categorical colours (Tableau 10), in the order series are given. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

let svgCounter = 0;

/** Makes `id`s inside one SVG unique in a page that holds many (clip paths, gradients). */
function uniquifyIds(svg: string): string {
  const prefix = `nbc${++svgCounter}-`;
  return svg
    .replace(/\bid="([^"]+)"/g, (_m, id: string) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_m, id: string) => `href="#${prefix}${id}"`);
}

/** A Vega-Lite specification (typed loosely in the public API so vega-lite's types stay internal). */
export type VegaLiteSpec = object;

/**
 * Compiles and renders a Vega-Lite spec (the shared `CHART_CONFIG` is merged under the spec's own
 * `config`) to a standalone `<svg>` string that scales down to narrow pages.
 */
export async function renderVegaLite(vlSpec: VegaLiteSpec): Promise<string> {
  const spec = vlSpec as unknown as TopLevelSpec;
  const [vega, vl] = await loadVega();
  const withConfig = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const view = new vega.View(vega.parse(vl.compile(withConfig).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return uniquifyIds(svg).replace('<svg ', '<svg style="max-width:100%;height:auto" ');
  } finally {
    view.finalize();
  }
}
