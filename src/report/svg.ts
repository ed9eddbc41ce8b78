/**
 * SVG building blocks for the report charts: the document wrapper, text, axes, a legend and a
 * colour bar. Strings in, strings out; every piece of text is escaped here. Text widths are
 * estimated from the character count (the page's font is not known when the SVG is written).
 */
import { escapeHtml } from './escape.js';
import type { Scale } from './scale.js';

export const FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, &quot;Helvetica Neue&quot;, Arial, sans-serif';
export const INK = '#1f2328';
export const LABEL = '#444';
export const AXIS_TITLE = '#333';
export const GRID = '#eceef1';
export const DOMAIN = '#888';

/** Categorical colours (Tableau 10), in the order series are given. */
export const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#eeca3b', '#9d755d', '#ff9da6', '#bab0ac'];

/** A number for an attribute: at most 2 decimals, no trailing zeros. */
export const n2 = (v: number): string => String(Math.round(v * 100) / 100);

/** Estimated width in pixels of `s` at `size` px (sans-serif averages about 0.56 em per character). */
export function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) w += /[il.,:;'|!1 ]/.test(ch) ? 0.32 : /[mwMW%]/.test(ch) ? 0.86 : /[A-Z0-9−]/.test(ch) ? 0.64 : 0.54;
  return w * size;
}

export interface TextOptions {
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  /** vertical alignment: the y coordinate is the text's baseline, middle or top */
  baseline?: 'alphabetic' | 'middle' | 'hanging';
  fill?: string;
  weight?: number;
  rotate?: number;
  cls?: string;
}

export function text(x: number, y: number, s: string, o: TextOptions = {}): string {
  const attrs = [`x="${n2(x)}"`, `y="${n2(y)}"`];
  if (o.cls) attrs.unshift(`class="${o.cls}"`);
  if (o.size !== undefined) attrs.push(`font-size="${o.size}"`);
  if (o.anchor && o.anchor !== 'start') attrs.push(`text-anchor="${o.anchor}"`);
  // dy rather than dominant-baseline: it works in every SVG renderer
  if (o.baseline === 'middle') attrs.push('dy="0.35em"');
  else if (o.baseline === 'hanging') attrs.push('dy="0.8em"');
  if (o.fill) attrs.push(`fill="${o.fill}"`);
  if (o.weight !== undefined) attrs.push(`font-weight="${o.weight}"`);
  if (o.rotate) attrs.push(`transform="rotate(${o.rotate} ${n2(x)} ${n2(y)})"`);
  return `<text ${attrs.join(' ')}>${escapeHtml(s)}</text>`;
}

export const line = (x1: number, y1: number, x2: number, y2: number, stroke: string, width = 1): string =>
  `<line x1="${n2(x1)}" y1="${n2(y1)}" x2="${n2(x2)}" y2="${n2(y2)}" stroke="${stroke}" stroke-width="${width}"/>`;

/** The outer `<svg>`: fixed pixel size, scales down on narrow pages, white background. */
export function svgDocument(width: number, height: number, body: string, label: string | undefined): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  const aria = label ? ` role="img" aria-label="${escapeHtml(label)}"` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="nb-chart" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"` +
    ` style="max-width:100%;height:auto" font-family="${FONT}"${aria}>` +
    `<rect width="${w}" height="${h}" fill="white"/>${body}</svg>`
  );
}

/** The chart title, top left. */
export function title(x: number, y: number, s: string): string {
  return text(x, y, s, { size: 14, weight: 600, fill: INK, baseline: 'hanging', cls: 'title' });
}

/** Widest tick label of an axis, in pixels at 11 px. */
export function labelsWidth(labels: readonly string[]): number {
  return labels.reduce((m, s) => Math.max(m, textWidth(s, 11)), 0);
}

/**
 * A y axis at x = 0 of a plot `width` wide: grid lines, domain line, ticks, labels, and the title
 * rotated at `titleX`. `labels[i]` belongs to `scale.ticks[i]`.
 */
export function yAxis(scale: Scale, labels: readonly string[], width: number, top: number, bottom: number, titleText: string | null, titleX: number, grid = true): string {
  const parts: string[] = ['<g class="axis axis-y">'];
  scale.ticks.forEach((t, i) => {
    const y = scale.map(t);
    if (grid) parts.push(line(0, y, width, y, GRID));
    parts.push(line(-4, y, 0, y, DOMAIN));
    parts.push(text(-7, y, labels[i]!, { size: 11, anchor: 'end', baseline: 'middle', fill: LABEL }));
  });
  parts.push(line(0, top, 0, bottom, DOMAIN));
  if (titleText) parts.push(text(titleX, (top + bottom) / 2, titleText, { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', rotate: -90 }));
  parts.push('</g>');
  return parts.join('');
}

/** An x axis along y = `y0` (bottom of the plot): grid lines up to `top`, ticks and labels below, the title under them. */
export function xAxis(scale: Scale, labels: readonly string[], y0: number, top: number, left: number, right: number, titleText: string | null, grid = true): string {
  const parts: string[] = ['<g class="axis axis-x">'];
  scale.ticks.forEach((t, i) => {
    const x = scale.map(t);
    if (grid) parts.push(line(x, top, x, y0, GRID));
    parts.push(line(x, y0, x, y0 + 4, DOMAIN));
    parts.push(text(x, y0 + 7, labels[i]!, { size: 11, anchor: 'middle', baseline: 'hanging', fill: LABEL }));
  });
  parts.push(line(left, y0, right, y0, DOMAIN));
  if (titleText) parts.push(text((left + right) / 2, y0 + 26, titleText, { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', baseline: 'hanging' }));
  parts.push('</g>');
  return parts.join('');
}

/** A horizontal legend of colour keys starting at (x, y); returns the SVG and its width. */
export function legend(items: readonly { name: string; color: string }[], x: number, y: number, key: 'line' | 'square'): { svg: string; width: number } {
  const parts: string[] = ['<g class="legend">'];
  let cx = x;
  for (const it of items) {
    if (key === 'line') {
      parts.push(line(cx, y, cx + 16, y, it.color, 2.5));
      parts.push(`<circle cx="${n2(cx + 8)}" cy="${n2(y)}" r="3" fill="${it.color}"/>`);
    } else {
      parts.push(`<rect x="${n2(cx + 2)}" y="${n2(y - 6)}" width="12" height="12" rx="2" fill="${it.color}"/>`);
    }
    parts.push(text(cx + 22, y, it.name, { size: 12, baseline: 'middle', fill: INK }));
    cx += 22 + textWidth(it.name, 12) + 16;
  }
  parts.push('</g>');
  return { svg: parts.join(''), width: cx - x };
}

/**
 * A vertical colour bar at (x, y), `height` tall: `colorOf(t)` for t from 1 (top) to 0, with
 * labels `ticks` (t, label) on its right. Drawn as thin rectangles, so no gradient ids are needed.
 */
export function colorBar(x: number, y: number, height: number, colorOf: (t: number) => string, ticks: readonly (readonly [number, string])[], heading?: string): string {
  const parts: string[] = ['<g class="colorbar">'];
  let top = y;
  if (heading) {
    parts.push(text(x, y, heading, { size: 11, fill: LABEL, baseline: 'hanging' }));
    top += 16;
  }
  const steps = 48;
  const h = height / steps;
  for (let i = 0; i < steps; i++) {
    const t = 1 - (i + 0.5) / steps;
    parts.push(`<rect x="${n2(x)}" y="${n2(top + i * h)}" width="12" height="${n2(h + 0.5)}" fill="${colorOf(t)}"/>`);
  }
  parts.push(`<rect x="${n2(x)}" y="${n2(top)}" width="12" height="${n2(height)}" fill="none" stroke="#d0d7de"/>`);
  for (const [t, label] of ticks) {
    const ty = top + (1 - t) * height;
    parts.push(line(x + 12, ty, x + 15, ty, DOMAIN));
    parts.push(text(x + 18, ty, label, { size: 11, baseline: 'middle', fill: LABEL }));
  }
  parts.push('</g>');
  return parts.join('');
}

type RGB = readonly [number, number, number];

export function hexToRgb(hex: string): RGB {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

export const rgbCss = (c: RGB): string => `rgb(${Math.round(c[0])},${Math.round(c[1])},${Math.round(c[2])})`;

// sRGB <-> CIE Lab (D65), for perceptually even colour ramps.
const lin = (c: number): number => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const gam = (c: number): number => 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const f = (t: number): number => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
const fi = (t: number): number => (t ** 3 > 216 / 24389 ? t ** 3 : (116 * t - 16) / (24389 / 27));
const WHITE = [0.95047, 1, 1.08883] as const;

function toLab([r, g, b]: RGB): RGB {
  const R = lin(r), G = lin(g), B = lin(b);
  const x = f((0.4124564 * R + 0.3575761 * G + 0.1804375 * B) / WHITE[0]);
  const y = f((0.2126729 * R + 0.7151522 * G + 0.072175 * B) / WHITE[1]);
  const z = f((0.0193339 * R + 0.119192 * G + 0.9503041 * B) / WHITE[2]);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

function fromLab([L, a, b]: RGB): RGB {
  const y = (L + 16) / 116;
  const X = fi(y + a / 500) * WHITE[0], Y = fi(y) * WHITE[1], Z = fi(y - b / 200) * WHITE[2];
  const c = (v: number): number => Math.min(255, Math.max(0, gam(v)));
  return [c(3.2404542 * X - 1.5371385 * Y - 0.4985314 * Z), c(-0.969266 * X + 1.8760108 * Y + 0.041556 * Z), c(0.0556434 * X - 0.2040259 * Y + 1.0572252 * Z)];
}

/** A colour between `from` (t = 0) and `to` (t = 1), interpolated in Lab. */
export function mixLab(from: string, to: string, t: number): string {
  const a = toLab(hexToRgb(from));
  const b = toLab(hexToRgb(to));
  const u = Math.min(1, Math.max(0, t));
  return rgbCss(fromLab([a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u]));
}
