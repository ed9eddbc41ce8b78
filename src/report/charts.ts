/**
 * Charts for reports, drawn as standalone SVG strings by this module alone (no charting
 * package): line charts (loss and accuracy per epoch or step, train vs test), a confusion matrix
 * heatmap, bar charts (e.g. the gradient norm reaching each time step) and plain heatmaps.
 * All are pure functions of their data. They return promises so that callers written for an
 * asynchronous renderer keep working; nothing in them waits.
 */
import { NablaError } from '../core/errors.js';
import { colorAt } from './colormap.js';
import { escapeHtml } from './escape.js';
import { numberFormat } from './number-format.js';
import { bandScale, linearScale, logScale, type Scale } from './scale.js';
import {
  AXIS_TITLE, DOMAIN, INK, LABEL, PALETTE, colorBar, labelsWidth, legend, line, mixLab, n2, rgbCss, svgDocument, text, textWidth, title, xAxis, yAxis,
} from './svg.js';

export { PALETTE } from './svg.js';

export interface Point {
  x: number;
  y: number;
}

export interface Series {
  name: string;
  points: readonly Point[];
}

export interface LineChartOptions {
  series: readonly Series[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Logarithmic y axis; points with y <= 0 are dropped (a log axis cannot show them). */
  logY?: boolean;
  /** d3-format string for y labels, e.g. `.0%` for accuracies stored as fractions (see `numberFormat`). */
  yFormat?: string;
  /** Fixed y range, e.g. `[0, 1]`; lines leaving it are clipped. */
  yDomain?: readonly [number, number];
  /** Width of the plot area in pixels (default 520). */
  width?: number;
  /** Height of the plot area in pixels (default 260). */
  height?: number;
  /** Draw a dot at each point (default: when every series has at most 60 points). */
  points?: boolean;
}

/** The largest number of marks of any kind a chart will draw (a guard against passing raw per-step logs of millions of points). */
const MAX_POINTS = 50_000;

const PAD = 8;

/** Space above the plot for the title and an optional legend. */
function header(titleText: string | undefined, hasLegend: boolean): { svg: string; height: number; legendY: number } {
  let y = PAD;
  let svg = '';
  if (titleText) {
    svg += title(PAD, y, titleText);
    y += 24;
  }
  const legendY = y + 7;
  if (hasLegend) y += 22;
  return { svg, height: y + 6, legendY };
}

function tickLabels(scale: Scale, format: string | undefined): string[] {
  const fmt = format ? numberFormat(format) : scale.defaultFormat;
  return scale.ticks.map(fmt);
}

/** Line chart of one or more named series (colour per series, legend on top). NaN/Infinity points are skipped. */
export async function lineChart(opts: LineChartOptions): Promise<string> {
  if (opts.series.length === 0) throw new NablaError('lineChart: no series given; pass series: [{ name, points: [{ x, y }] }]');
  const kept = opts.series.map((s) => ({
    name: s.name,
    points: s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && !(opts.logY && p.y <= 0)).slice().sort((a, b) => a.x - b.x),
  }));
  const total = kept.reduce((t, s) => t + s.points.length, 0);
  if (total > MAX_POINTS) throw new NablaError(`lineChart: ${total} points is more than ${MAX_POINTS}; average or subsample the series first`);
  const all = kept.flatMap((s) => s.points);
  const showPoints = opts.points ?? opts.series.every((s) => s.points.length <= 60);
  const integerX = all.length > 0 && all.every((p) => Number.isInteger(p.x));
  const W = opts.width ?? 520;
  const H = opts.height ?? 260;

  const head = header(opts.title, true);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;
  const yLo = opts.yDomain ? opts.yDomain[0] : ys.length ? Math.min(...ys) : 0;
  const yHi = opts.yDomain ? opts.yDomain[1] : ys.length ? Math.max(...ys) : 1;
  const yCount = Math.max(2, Math.round(H / 40));
  const yScale0 = opts.logY ? logScale(yLo, yHi, H, 0, yCount) : linearScale(yLo, yHi, H, 0, yCount, { nice: opts.yDomain === undefined });
  const yLabels = tickLabels(yScale0, opts.yFormat);
  const left = PAD + (opts.yTitle === undefined || opts.yTitle ? 18 : 0) + labelsWidth(yLabels) + 10;
  const top = head.height;
  // the scales in page coordinates
  const yScale = opts.logY ? logScale(yLo, yHi, top + H, top, yCount) : linearScale(yLo, yHi, top + H, top, yCount, { nice: opts.yDomain === undefined });
  const xScale = linearScale(xMin, xMax, left, left + W, Math.max(2, Math.round(W / 80)), { nice: false, integer: integerX, padding: 8 });
  const xLabels = tickLabels(xScale, undefined);
  const bottom = top + H;
  const xTitle = opts.xTitle ?? 'x';
  const yTitle = opts.yTitle ?? 'y';

  const parts: string[] = [head.svg];
  const colors = kept.map((_, i) => PALETTE[i % PALETTE.length]!);
  parts.push(legend(kept.map((s, i) => ({ name: s.name, color: colors[i]! })), left, head.legendY, 'line').svg);
  parts.push(`<g transform="translate(${n2(left)},0)">${yAxis(yScale, yLabels, W, top, bottom, yTitle, -(left - PAD - 6), true)}</g>`);
  parts.push(xAxis(xScale, xLabels, bottom, top, left, left + W, xTitle, true));
  // the marks, clipped to the plot (by arithmetic: a clip path would need a page-unique id)
  const box = { x0: left, x1: left + W, y0: top - 1, y1: bottom + 1 };
  const inside = (x: number, y: number): boolean => x >= box.x0 - 0.01 && x <= box.x1 + 0.01 && y >= box.y0 - 0.01 && y <= box.y1 + 0.01;
  const marks: string[] = [];
  kept.forEach((s, i) => {
    if (s.points.length === 0) return;
    const px = s.points.map((p) => [xScale.map(p.x), yScale.map(p.y)] as const);
    marks.push(`<g class="series" data-name="${escapeHtml(s.name)}">`);
    marks.push(`<path d="${clippedPath(px, box)}" fill="none" stroke="${colors[i]}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>`);
    if (showPoints || s.points.length === 1) {
      s.points.forEach((p, k) => {
        const [cx, cy] = px[k]!;
        if (!inside(cx, cy)) return;
        const tip = `${s.name}: ${xTitle} ${p.x}, ${numberFormat(opts.yFormat ?? '')(p.y)}`;
        marks.push(`<circle cx="${n2(cx)}" cy="${n2(cy)}" r="3.4" fill="${colors[i]}"><title>${escapeHtml(tip)}</title></circle>`);
      });
    }
    marks.push('</g>');
  });
  parts.push(marks.join(''));
  return svgDocument(left + W + 16, bottom + 48, parts.join(''), opts.title);
}

/** The part of segment a-b inside `box` (Liang-Barsky), or null when none of it is. */
function clipSegment(a: readonly [number, number], b: readonly [number, number], box: { x0: number; x1: number; y0: number; y1: number }): [number, number, number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const edges: [number, number][] = [[-dx, a[0] - box.x0], [dx, box.x1 - a[0]], [-dy, a[1] - box.y0], [dy, box.y1 - a[1]]];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return null;
    }
  }
  return [a[0] + t0 * dx, a[1] + t0 * dy, a[0] + t1 * dx, a[1] + t1 * dy];
}

/** An SVG path through the points, cut where it leaves `box` (a new subpath where it comes back). */
function clippedPath(px: readonly (readonly [number, number])[], box: { x0: number; x1: number; y0: number; y1: number }): string {
  if (px.length === 1) return `M${n2(px[0]![0])},${n2(px[0]![1])}`;
  let d = '';
  let penX = NaN;
  let penY = NaN;
  for (let k = 1; k < px.length; k++) {
    const c = clipSegment(px[k - 1]!, px[k]!, box);
    if (!c) continue;
    if (!(Math.abs(c[0] - penX) <= 0.01 && Math.abs(c[1] - penY) <= 0.01)) d += `M${n2(c[0])},${n2(c[1])}`;
    d += `L${n2(c[2])},${n2(c[3])}`;
    penX = c[2];
    penY = c[3];
  }
  return d;
}

export interface ConfusionMatrixChartOptions {
  /** `matrix[i][j]` = number of samples of true class i predicted as class j. */
  matrix: readonly (readonly number[])[];
  labels: readonly string[];
  title?: string;
  /** Pixel size of one cell (default 34). */
  cellSize?: number;
}

const CM_LOW = '#ffffff';
const CM_HIGH = '#08306b';

/**
 * Confusion matrix as a heatmap: rows are true classes, columns predicted ones; each cell shows
 * its count, coloured by the fraction of its row (so a class's recall reads on the diagonal
 * whatever the class sizes), on a square-root scale so that 1-2 % confusions still show.
 */
export async function confusionMatrixChart(opts: ConfusionMatrixChartOptions): Promise<string> {
  const n = opts.labels.length;
  if (opts.matrix.length !== n || opts.matrix.some((r) => r.length !== n)) {
    throw new NablaError(
      `confusionMatrixChart: matrix must be ${n}x${n} to match ${n} labels, got ${opts.matrix.length}x${opts.matrix[0]?.length ?? 0}`,
    );
  }
  if (n * n > MAX_POINTS) throw new NablaError(`confusionMatrixChart: ${n} classes is too many cells to draw (${n * n} > ${MAX_POINTS})`);
  const cell = opts.cellSize ?? 34;
  const color = (frac: number): string => mixLab(CM_LOW, CM_HIGH, Math.sqrt(frac));
  const head = header(opts.title, false);
  const labelW = labelsWidth(opts.labels);
  const left = PAD + 18 + labelW + 8;
  // column labels above the grid: rotated when they would not fit in a cell
  const rotate = labelW > cell - 4;
  const colLabelH = rotate ? labelW + 4 : 16;
  const top = head.height + 18 + colLabelH;
  const size = n * cell;
  const fontSize = cell >= 30 ? 11 : 9;
  const parts: string[] = [head.svg];
  parts.push(text(left + size / 2, head.height, 'Predicted', { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', baseline: 'hanging' }));
  parts.push(text(PAD + 6, top + size / 2, 'True', { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', baseline: 'middle', rotate: -90 }));
  parts.push('<g class="labels">');
  opts.labels.forEach((l, j) => {
    const x = left + (j + 0.5) * cell;
    if (rotate) parts.push(text(x, top - 6, l, { size: 11, fill: LABEL, baseline: 'middle', rotate: -90 }));
    else parts.push(text(x, top - 6, l, { size: 11, fill: LABEL, anchor: 'middle' }));
    parts.push(text(left - 6, top + (j + 0.5) * cell, l, { size: 11, fill: LABEL, anchor: 'end', baseline: 'middle' }));
  });
  parts.push('</g><g class="cells">');
  opts.matrix.forEach((row, i) => {
    const rowTotal = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => {
      const frac = rowTotal > 0 ? count / rowTotal : 0;
      const x = left + j * cell;
      const y = top + i * cell;
      const tip = `true ${opts.labels[i]}, predicted ${opts.labels[j]}: ${count} (${(100 * frac).toFixed(1)}% of the row)`;
      parts.push(`<rect x="${n2(x)}" y="${n2(y)}" width="${cell}" height="${cell}" fill="${color(frac)}" stroke="#e6e9ed"><title>${escapeHtml(tip)}</title></rect>`);
      const ink = frac > 0.3 ? 'white' : count === 0 ? '#ccd0d5' : INK;
      parts.push(text(x + cell / 2, y + cell / 2, String(count), { size: fontSize, anchor: 'middle', baseline: 'middle', fill: ink }));
    });
  });
  parts.push('</g>');
  const barX = left + size + 18;
  const pct = numberFormat('.0%');
  parts.push(colorBar(barX, top, Math.max(80, size - 20), color, [0, 0.25, 0.5, 0.75, 1].map((t) => [Math.sqrt(t), pct(t)] as const), 'share of row'));
  return svgDocument(barX + 18 + Math.max(textWidth('share of row', 11), textWidth('100%', 11) + 18) + PAD, top + Math.max(size, 100) + PAD + 4, parts.join(''), opts.title);
}

export interface Bar {
  /** Category on the x axis (kept in first-seen order). */
  x: string | number;
  y: number;
  /** Groups bars side by side within a category, coloured, with a legend. */
  series?: string;
}

export interface BarChartOptions {
  bars: readonly Bar[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Logarithmic y axis (bars start at the power of ten below the smallest value); y <= 0 is dropped. */
  logY?: boolean;
  yFormat?: string;
  width?: number;
  height?: number;
}

/** Bar chart, grouped by `series` when given (e.g. gradient norm at each time step, RNN vs LSTM). */
export async function barChart(opts: BarChartOptions): Promise<string> {
  const bars = opts.bars.filter((b) => Number.isFinite(b.y) && !(opts.logY && b.y <= 0));
  if (bars.length > MAX_POINTS) throw new NablaError(`barChart: ${bars.length} bars is more than ${MAX_POINTS}`);
  const order = [...new Set(bars.map((b) => String(b.x)))];
  const seriesNames = [...new Set(bars.map((b) => b.series ?? ''))];
  const grouped = seriesNames.length > 1 || (seriesNames.length === 1 && seriesNames[0] !== '');
  const W = opts.width ?? Math.min(720, Math.max(240, order.length * (grouped ? 14 * seriesNames.length + 8 : 18)));
  const H = opts.height ?? 240;
  const head = header(opts.title, grouped);
  const top = head.height;
  const bottom = top + H;
  const ys = bars.map((b) => b.y);
  const count = Math.max(2, Math.round(H / 40));
  const makeY = (r0: number, r1: number): Scale =>
    opts.logY ? logScale(ys.length ? Math.min(...ys) : 1, ys.length ? Math.max(...ys) : 10, r0, r1, count) : linearScale(Math.min(0, ...ys), Math.max(0, ...ys, ys.length ? 0 : 1), r0, r1, count, { zero: true });
  const yLabels = tickLabels(makeY(H, 0), opts.yFormat);
  const left = PAD + (opts.yTitle ? 18 : 0) + labelsWidth(yLabels) + 10;
  const yScale = makeY(bottom, top);
  const base = opts.logY ? yScale.domain[0] : 0;
  const band = bandScale(order.length, left, left + W, 0.1, 0.05);
  const sub = bandScale(seriesNames.length, 0, band.width, grouped ? 0.08 : 0, 0);
  const colorOf = (s: string): string => (grouped ? PALETTE[seriesNames.indexOf(s) % PALETTE.length]! : PALETTE[0]!);
  const parts: string[] = [head.svg];
  if (grouped) parts.push(legend(seriesNames.map((s) => ({ name: s, color: colorOf(s) })), left, head.legendY, 'square').svg);
  parts.push(`<g transform="translate(${n2(left)},0)">${yAxis(yScale, yLabels, W, top, bottom, opts.yTitle ?? null, -(left - PAD - 6), true)}</g>`);
  // category labels: every k-th when they would overlap
  const every = Math.max(1, Math.ceil((labelsWidth(order) + 6) / Math.max(1, band.width + band.width * 0.1)));
  const xs: string[] = ['<g class="axis axis-x">', line(left, bottom, left + W, bottom, DOMAIN)];
  order.forEach((c, i) => {
    if (i % every !== 0) return;
    const cx = band.center(i);
    xs.push(line(cx, bottom, cx, bottom + 4, DOMAIN));
    xs.push(text(cx, bottom + 7, c, { size: 11, anchor: 'middle', baseline: 'hanging', fill: LABEL }));
  });
  if (opts.xTitle) xs.push(text(left + W / 2, bottom + 26, opts.xTitle, { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', baseline: 'hanging' }));
  xs.push('</g>');
  parts.push(xs.join(''));
  const fmt = numberFormat(opts.yFormat ?? '');
  const marks: string[] = ['<g class="bars">'];
  for (const b of bars) {
    const i = order.indexOf(String(b.x));
    const k = grouped ? seriesNames.indexOf(b.series ?? '') : 0;
    const x = band.start(i) + (grouped ? sub.start(k) : 0);
    const w = grouped ? sub.width : band.width;
    const y0 = yScale.map(base);
    const y1 = yScale.map(b.y);
    const tip = `${b.series ? `${b.series}, ` : ''}${opts.xTitle ?? 'x'} ${b.x}: ${fmt(b.y)}`;
    marks.push(`<rect x="${n2(x)}" y="${n2(Math.min(y0, y1))}" width="${n2(w)}" height="${n2(Math.abs(y1 - y0))}" fill="${colorOf(b.series ?? '')}"><title>${escapeHtml(tip)}</title></rect>`);
  }
  marks.push('</g>');
  parts.push(marks.join(''));
  return svgDocument(left + W + 16, bottom + (opts.xTitle ? 48 : 30), parts.join(''), opts.title);
}

export interface HeatmapOptions {
  /** `values[row][col]`. */
  values: readonly (readonly number[])[];
  xLabels?: readonly string[];
  yLabels?: readonly string[];
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** `viridis` (default), `blues`, or `diverging` (blue-white-red centred on 0, for signed values). */
  scheme?: 'viridis' | 'blues' | 'diverging';
  /** Print each value in its cell (default when there are at most 15x15 cells). */
  showValues?: boolean;
  /** d3-format for printed values and the legend (default `.2f`, or `.3~s` when |values| reach 10). */
  format?: string;
  cellSize?: number;
}

/** Heatmap of a matrix (rows top to bottom, columns left to right). */
export async function heatmap(opts: HeatmapOptions): Promise<string> {
  const rows = opts.values.length;
  const cols = opts.values[0]?.length ?? 0;
  if (rows === 0 || cols === 0 || opts.values.some((r) => r.length !== cols)) {
    throw new NablaError(`heatmap: values must be a non-empty rectangular matrix, got row lengths [${opts.values.map((r) => r.length).join(',')}]`);
  }
  if (rows * cols > MAX_POINTS) throw new NablaError(`heatmap: ${rows}x${cols} cells is more than ${MAX_POINTS}; draw it as an image (imageGrid) instead`);
  const xl = opts.xLabels ?? Array.from({ length: cols }, (_, j) => String(j));
  const yl = opts.yLabels ?? Array.from({ length: rows }, (_, i) => String(i));
  if (xl.length !== cols || yl.length !== rows) {
    throw new NablaError(`heatmap: ${xl.length} xLabels and ${yl.length} yLabels for a ${rows}x${cols} matrix; give one label per column and per row`);
  }
  const finite = opts.values.flat().filter(Number.isFinite);
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const scheme = opts.scheme ?? 'viridis';
  const show = opts.showValues ?? rows * cols <= 225;
  const cell = opts.cellSize ?? (show ? 40 : Math.max(6, Math.min(36, Math.floor(480 / Math.max(rows, cols)))));
  const fmt = numberFormat(opts.format ?? (absMax < 10 ? '.2f' : '.3~s'));
  const lo = finite.length ? Math.min(...finite) : 0;
  const hi = finite.length ? Math.max(...finite) : 1;
  // value -> t in [0, 1] along the scheme
  const tOf = (v: number): number => (scheme === 'diverging' ? 0.5 + v / (2 * absMax) : hi > lo ? (v - lo) / (hi - lo) : 0.5);
  const colorOfT = (t: number): string =>
    scheme === 'blues' ? mixLab('#f7fbff', '#08306b', t) : rgbCss(colorAt(scheme === 'diverging' ? 'diverging' : 'viridis', t));
  // text stays readable: white on the dark end of each scheme
  const dark = (v: number): boolean => (scheme === 'diverging' ? Math.abs(v) > 0.6 * absMax : scheme === 'viridis' ? v < lo + 0.45 * (hi - lo) : v > lo + 0.55 * (hi - lo));
  const head = header(opts.title, false);
  const rowLabelW = labelsWidth(yl);
  const colLabelW = labelsWidth(xl);
  const left = PAD + (opts.yTitle ? 18 : 0) + rowLabelW + 8;
  const rotate = colLabelW > cell - 2;
  const everyCol = rotate ? Math.max(1, Math.ceil(14 / cell)) : 1;
  const everyRow = Math.max(1, Math.ceil(14 / cell));
  const bottomLabels = rotate ? colLabelW + 10 : 20;
  const top = head.height + 4;
  const W = cols * cell;
  const H = rows * cell;
  const parts: string[] = [head.svg, '<g class="cells">'];
  opts.values.forEach((row, i) =>
    row.forEach((v, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      const fill = Number.isFinite(v) ? colorOfT(tOf(v)) : '#d0d7de';
      parts.push(`<rect x="${n2(x)}" y="${n2(y)}" width="${cell}" height="${cell}" fill="${fill}"><title>${escapeHtml(`${yl[i]}, ${xl[j]}: ${fmt(v)}`)}</title></rect>`);
      if (show) parts.push(text(x + cell / 2, y + cell / 2, fmt(v), { size: 10, anchor: 'middle', baseline: 'middle', fill: Number.isFinite(v) && dark(v) ? 'white' : 'black' }));
    }),
  );
  parts.push('</g><g class="labels">');
  yl.forEach((l, i) => {
    if (i % everyRow === 0) parts.push(text(left - 6, top + (i + 0.5) * cell, l, { size: 11, fill: LABEL, anchor: 'end', baseline: 'middle' }));
  });
  xl.forEach((l, j) => {
    if (j % everyCol !== 0) return;
    const x = left + (j + 0.5) * cell;
    if (rotate) parts.push(text(x, top + H + 6, l, { size: 11, fill: LABEL, anchor: 'end', baseline: 'middle', rotate: -90 }));
    else parts.push(text(x, top + H + 6, l, { size: 11, fill: LABEL, anchor: 'middle', baseline: 'hanging' }));
  });
  parts.push('</g>');
  if (opts.yTitle) parts.push(text(PAD + 6, top + H / 2, opts.yTitle, { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', baseline: 'middle', rotate: -90 }));
  if (opts.xTitle) parts.push(text(left + W / 2, top + H + bottomLabels, opts.xTitle, { size: 12, weight: 500, fill: AXIS_TITLE, anchor: 'middle', baseline: 'hanging' }));
  const barX = left + W + 16;
  const barH = Math.max(80, Math.min(H, 240));
  const [vLo, vHi] = scheme === 'diverging' ? [-absMax, absMax] : [lo, hi];
  const ticks = [0, 0.5, 1].map((t) => [t, fmt(vLo + t * (vHi - vLo))] as const);
  parts.push(colorBar(barX, top, barH, colorOfT, ticks));
  const legendW = 22 + Math.max(...ticks.map(([, s]) => textWidth(s, 11)));
  return svgDocument(barX + legendW + PAD, top + Math.max(H + bottomLabels + (opts.xTitle ? 22 : 0), barH) + PAD, parts.join(''), opts.title);
}
