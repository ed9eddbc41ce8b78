/**
 * Charts for reports, drawn by Vega-Lite and returned as SVG strings (see `vega.ts`):
 * line charts (loss and accuracy per epoch or step, train vs test), a confusion matrix heatmap,
 * bar charts (e.g. the gradient norm reaching each time step) and plain heatmaps.
 * All are pure functions of their data; they are async only because Vega renders asynchronously.
 */
import type { TopLevelSpec } from 'vega-lite';
import { NablaError } from '../core/errors.js';
import { PALETTE, renderVegaLite } from './vega.js';

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
  /** d3-format string for y labels, e.g. `.0%` for accuracies stored as fractions. */
  yFormat?: string;
  /** Fixed y range, e.g. `[0, 1]`. */
  yDomain?: readonly [number, number];
  width?: number;
  height?: number;
  /** Draw a dot at each point (default: when every series has at most 60 points). */
  points?: boolean;
}

/** The largest number of marks of any kind a chart will draw (a guard against passing raw per-step logs of millions of points). */
const MAX_POINTS = 50_000;

/** Line chart of one or more named series (colour per series, legend on top). NaN/Infinity points are skipped. */
export async function lineChart(opts: LineChartOptions): Promise<string> {
  if (opts.series.length === 0) throw new NablaError('lineChart: no series given; pass series: [{ name, points: [{ x, y }] }]');
  const values: { series: string; x: number; y: number }[] = [];
  for (const s of opts.series) {
    for (const p of s.points) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y) || (opts.logY && p.y <= 0)) continue;
      values.push({ series: s.name, x: p.x, y: p.y });
    }
  }
  if (values.length > MAX_POINTS) throw new NablaError(`lineChart: ${values.length} points is more than ${MAX_POINTS}; average or subsample the series first`);
  const names = opts.series.map((s) => s.name);
  const showPoints = opts.points ?? opts.series.every((s) => s.points.length <= 60);
  const integerX = values.every((v) => Number.isInteger(v.x));
  const spec: TopLevelSpec = {
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 520,
    height: opts.height ?? 260,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: showPoints ? { size: 36, filled: true } : false, clip: opts.yDomain !== undefined },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: opts.xTitle ?? 'x',
        scale: { zero: false, nice: false, padding: 8 },
        axis: integerX ? { tickMinStep: 1, format: 'd' } : {},
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: opts.yTitle ?? 'y',
        scale: { ...(opts.logY ? { type: 'log' as const } : { zero: false }), ...(opts.yDomain ? { domain: [...opts.yDomain] } : {}) },
        axis: opts.yFormat ? { format: opts.yFormat } : {},
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: names, range: PALETTE.slice(0, Math.max(1, names.length)) },
        legend: { orient: 'top', direction: 'horizontal' },
      },
      order: { field: 'x', type: 'quantitative' },
    },
  };
  return renderVegaLite(spec);
}

export interface ConfusionMatrixChartOptions {
  /** `matrix[i][j]` = number of samples of true class i predicted as class j. */
  matrix: readonly (readonly number[])[];
  labels: readonly string[];
  title?: string;
  /** Pixel size of one cell (default 34). */
  cellSize?: number;
}

/**
 * Confusion matrix as a heatmap: rows are true classes, columns predicted ones; each cell shows
 * its count, coloured by the fraction of its row (so a class's recall reads on the diagonal
 * whatever the class sizes).
 */
export async function confusionMatrixChart(opts: ConfusionMatrixChartOptions): Promise<string> {
  const n = opts.labels.length;
  if (opts.matrix.length !== n || opts.matrix.some((r) => r.length !== n)) {
    throw new NablaError(
      `confusionMatrixChart: matrix must be ${n}x${n} to match ${n} labels, got ${opts.matrix.length}x${opts.matrix[0]?.length ?? 0}`,
    );
  }
  const values: { t: string; p: string; count: number; frac: number }[] = [];
  opts.matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, j) => values.push({ t: opts.labels[i]!, p: opts.labels[j]!, count, frac: total > 0 ? count / total : 0 }));
  });
  const cell = opts.cellSize ?? 34;
  const labels = [...opts.labels];
  const spec: TopLevelSpec = {
    ...(opts.title ? { title: opts.title } : {}),
    width: n * cell,
    height: n * cell,
    data: { values },
    encoding: {
      x: { field: 'p', type: 'ordinal', sort: labels, title: 'Predicted', axis: { labelAngle: 0, orient: 'top', domain: false, ticks: false } },
      y: { field: 't', type: 'ordinal', sort: labels, title: 'True', axis: { domain: false, ticks: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#e6e9ed', strokeWidth: 1 },
        encoding: {
          color: {
            field: 'frac',
            type: 'quantitative',
            title: 'share of row',
            // White at 0; a square-root scale so that 1-2% confusions still show.
            scale: { type: 'sqrt', domain: [0, 1], range: ['#ffffff', '#08306b'], interpolate: 'lab' },
            legend: { format: '.0%', gradientLength: Math.max(80, n * cell - 20) },
          },
          tooltip: [{ field: 'count' }, { field: 'frac', format: '.1%' }],
        },
      },
      {
        mark: { type: 'text', fontSize: cell >= 30 ? 11 : 9 },
        encoding: {
          text: { field: 'count', type: 'quantitative' },
          color: {
            condition: [
              { test: 'datum.frac > 0.3', value: 'white' },
              { test: 'datum.count == 0', value: '#ccd0d5' },
            ],
            value: '#1f2328',
          },
        },
      },
    ],
  };
  return renderVegaLite(spec);
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
  /** Logarithmic y axis (bars start at the smallest value shown); y <= 0 is dropped. */
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
  const grouped = seriesNames.length > 1 || seriesNames[0] !== '';
  const values = bars.map((b) => ({ x: String(b.x), y: b.y, series: b.series ?? '' }));
  // A bar on a log axis cannot start at 0: start all bars at the power of ten below the smallest.
  const ys = values.map((v) => v.y);
  const logBase = opts.logY && ys.length > 0 ? Math.pow(10, Math.floor(Math.log10(Math.min(...ys)))) : 0;
  const logTop = opts.logY && ys.length > 0 ? Math.pow(10, Math.ceil(Math.log10(Math.max(...ys)))) : 0;
  const spec: TopLevelSpec = {
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? Math.min(720, Math.max(240, order.length * (grouped ? 14 * seriesNames.length + 8 : 18))),
    height: opts.height ?? 240,
    data: { values },
    mark: { type: 'bar', ...(opts.logY ? {} : { cornerRadiusTopLeft: 1, cornerRadiusTopRight: 1 }) },
    encoding: {
      x: { field: 'x', type: 'ordinal', sort: order, title: opts.xTitle ?? null, axis: { labelOverlap: true, labelAngle: 0 } },
      y: {
        field: 'y',
        type: 'quantitative',
        title: opts.yTitle ?? null,
        scale: opts.logY ? { type: 'log', domain: [logBase, Math.max(logTop, logBase * 10)] } : {},
        axis: opts.yFormat ? { format: opts.yFormat } : {},
      },
      ...(opts.logY ? { y2: { datum: logBase } } : {}),
      ...(grouped
        ? {
            xOffset: { field: 'series', sort: seriesNames },
            color: {
              field: 'series',
              type: 'nominal' as const,
              title: null,
              scale: { domain: seriesNames, range: PALETTE.slice(0, seriesNames.length) },
              legend: { orient: 'top' as const, direction: 'horizontal' as const },
            },
          }
        : { color: { value: PALETTE[0]! } }),
    },
  };
  return renderVegaLite(spec);
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
  const values: { r: string; c: string; v: number }[] = [];
  opts.values.forEach((row, i) => row.forEach((v, j) => values.push({ r: yl[i]!, c: xl[j]!, v })));
  const finite = values.map((d) => d.v).filter(Number.isFinite);
  const absMax = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  const scheme = opts.scheme ?? 'viridis';
  const show = opts.showValues ?? rows * cols <= 225;
  const cell = opts.cellSize ?? (show ? 40 : Math.max(6, Math.min(36, Math.floor(480 / Math.max(rows, cols)))));
  const format = opts.format ?? (absMax < 10 ? '.2f' : '.3~s');
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const colorScale =
    scheme === 'diverging'
      ? { scheme: 'redblue' as const, reverse: true, domain: [-absMax, absMax], domainMid: 0 }
      : { scheme: scheme };
  // Text must stay readable on the cell's colour: white on the dark end of each scheme.
  const darkTest =
    scheme === 'diverging'
      ? `abs(datum.v) > ${0.6 * absMax}`
      : scheme === 'viridis'
        ? `datum.v < ${lo + 0.45 * (hi - lo)}`
        : `datum.v > ${lo + 0.55 * (hi - lo)}`;
  const spec: TopLevelSpec = {
    ...(opts.title ? { title: opts.title } : {}),
    width: cols * cell,
    height: rows * cell,
    data: { values },
    encoding: {
      x: { field: 'c', type: 'ordinal', sort: [...xl], title: opts.xTitle ?? null, axis: { labelAngle: 0, labelOverlap: true, domain: false, ticks: false } },
      y: { field: 'r', type: 'ordinal', sort: [...yl], title: opts.yTitle ?? null, axis: { labelOverlap: true, domain: false, ticks: false } },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: { color: { field: 'v', type: 'quantitative', title: null, scale: colorScale, legend: { format } } },
      },
      ...(show
        ? [
            {
              mark: { type: 'text' as const, fontSize: 10 },
              encoding: {
                text: { field: 'v', type: 'quantitative' as const, format },
                color: { condition: { test: darkTest, value: 'white' }, value: 'black' },
              },
            },
          ]
        : []),
    ],
  };
  return renderVegaLite(spec);
}
