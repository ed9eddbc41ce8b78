/**
 * The report of a training run, built from plain data (no dependency on the training loop):
 * curves of loss and accuracy per epoch (train vs test), the per-epoch table, the test confusion
 * matrix with per-class precision and recall, and misclassified samples as images.
 *
 *   const sections = await buildTrainingReport({ runName, config, history, confusion, misclassified });
 *   writeReport('runs/mlp-mnist/report.html', { title, summary: trainingSummary(input), sections });
 *   // or, all at once: await writeTrainingReport('runs/mlp-mnist/report.html', input);
 */
import { confusionMatrixChart, lineChart, type Series } from './charts.js';
import { formatValue } from './escape.js';
import { writeReport, tableHtml, type Cell, type Section } from './html.js';
import { imageGrid, misclassifiedCaption } from './images.js';
import type { Colormap } from './colormap.js';
import { accuracyFromConfusion, perClassMetrics } from './metrics.js';

/** Metrics after one epoch. Accuracies are fractions in [0, 1]; `time` is the epoch's wall time in seconds. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAcc?: number;
  testLoss?: number;
  testAcc?: number;
  time: number;
  /** Learning rate in effect during the epoch, if a scheduler changes it. */
  lr?: number;
}

export interface MisclassifiedSample {
  pixels: Float32Array | Float64Array | ArrayLike<number>;
  width: number;
  height: number;
  trueLabel: string | number;
  predLabel: string | number;
  /** The model's probability for `predLabel`. */
  prob?: number;
}

export interface TrainingReportInput {
  runName: string;
  /** The run's settings (model, dataset, epochs, lr, batch size, seed, backend, ...). */
  config: Readonly<Record<string, unknown>>;
  history: readonly EpochRecord[];
  /** Training loss per optimisation step, drawn as a third curve (averaged into at most 500 points). */
  steps?: readonly { step: number; loss: number }[];
  /** Confusion matrix on the test set (`matrix[true][pred]`). */
  confusion?: { matrix: readonly (readonly number[])[]; labels: readonly string[] };
  misclassified?: readonly MisclassifiedSample[];
  /** Colour map for the sample images (default `gray`: 0 black, 1 white). */
  sampleColormap?: Colormap;
  /** Sections appended after the standard ones (e.g. CNN filters, RNN gradient norms). */
  extraSections?: readonly Section[];
}

function configValue(v: unknown): Cell {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  return JSON.stringify(v);
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function bestBy(history: readonly EpochRecord[], key: 'testAcc' | 'trainAcc'): EpochRecord | undefined {
  let best: EpochRecord | undefined;
  for (const h of history) if (h[key] !== undefined && (best === undefined || h[key]! > best[key]!)) best = h;
  return best;
}

/** The summary table for the top of the report: the run's settings, then its final metrics. */
export function trainingSummary(input: TrainingReportInput): Record<string, Cell> {
  const out: Record<string, Cell> = { run: input.runName };
  for (const [k, v] of Object.entries(input.config)) out[k] = configValue(v);
  const last = input.history[input.history.length - 1];
  if (last) {
    out['epochs run'] = input.history.length;
    out['final train loss'] = last.trainLoss;
    if (last.trainAcc !== undefined) out['final train accuracy'] = pct(last.trainAcc);
    if (last.testLoss !== undefined) out['final test loss'] = last.testLoss;
    if (last.testAcc !== undefined) out['final test accuracy'] = pct(last.testAcc);
    const best = bestBy(input.history, 'testAcc');
    if (best && best !== last) out['best test accuracy'] = `${pct(best.testAcc!)} (epoch ${best.epoch})`;
    const total = input.history.reduce((s, h) => s + h.time, 0);
    out['training time'] = `${total.toFixed(1)} s (${(total / input.history.length).toFixed(2)} s/epoch)`;
  }
  return out;
}

/** Averages `points` into at most `max` buckets of consecutive points (x and y both averaged). */
function downsample(points: readonly { x: number; y: number }[], max: number): { x: number; y: number }[] {
  if (points.length <= max) return [...points];
  const size = Math.ceil(points.length / max);
  const out: { x: number; y: number }[] = [];
  for (let i = 0; i < points.length; i += size) {
    const b = points.slice(i, i + size).filter((p) => Number.isFinite(p.y));
    if (b.length === 0) continue;
    out.push({ x: b.reduce((s, p) => s + p.x, 0) / b.length, y: b.reduce((s, p) => s + p.y, 0) / b.length });
  }
  return out;
}

async function curvesSection(input: TrainingReportInput): Promise<Section> {
  const h = input.history;
  const loss: Series[] = [{ name: 'train', points: h.map((r) => ({ x: r.epoch, y: r.trainLoss })) }];
  if (h.some((r) => r.testLoss !== undefined)) {
    loss.push({ name: 'test', points: h.filter((r) => r.testLoss !== undefined).map((r) => ({ x: r.epoch, y: r.testLoss! })) });
  }
  const all = loss.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0 && Number.isFinite(y));
  const logY = all.length > 1 && Math.max(...all) / Math.min(...all) > 30;
  const charts = [
    await lineChart({ series: loss, title: 'Loss per epoch', xTitle: 'epoch', yTitle: logY ? 'loss (log scale)' : 'loss', logY, width: 400 }),
  ];
  const acc: Series[] = [];
  if (h.some((r) => r.trainAcc !== undefined)) {
    acc.push({ name: 'train', points: h.filter((r) => r.trainAcc !== undefined).map((r) => ({ x: r.epoch, y: r.trainAcc! })) });
  }
  if (h.some((r) => r.testAcc !== undefined)) {
    acc.push({ name: 'test', points: h.filter((r) => r.testAcc !== undefined).map((r) => ({ x: r.epoch, y: r.testAcc! })) });
  }
  if (acc.length > 0) {
    charts.push(await lineChart({ series: acc, title: 'Accuracy per epoch', xTitle: 'epoch', yTitle: 'accuracy', yFormat: '.1%', width: 400 }));
  }
  if (input.steps && input.steps.length > 1) {
    const pts = downsample(input.steps.map((s) => ({ x: s.step, y: s.loss })), 500);
    const averaged = pts.length < input.steps.length;
    charts.push(
      await lineChart({
        series: [{ name: averaged ? 'train (averaged)' : 'train', points: pts }],
        title: 'Loss per step',
        xTitle: 'step',
        yTitle: 'loss',
        logY,
        width: 920,
        height: 200,
        points: false,
      }),
    );
  }
  const last = h[h.length - 1];
  const text = last
    ? `${h.length} epoch${h.length === 1 ? '' : 's'}; after the last, train loss ${formatValue(last.trainLoss)}` +
      (last.testAcc !== undefined ? ` and test accuracy ${pct(last.testAcc)}.` : '.')
    : 'No epochs were recorded.';
  return { heading: 'Training curves', text, svg: charts };
}

function epochTable(h: readonly EpochRecord[]): Section {
  const has = (k: keyof EpochRecord) => h.some((r) => r[k] !== undefined);
  const cols: [string, (r: EpochRecord) => Cell][] = [
    ['epoch', (r) => r.epoch],
    ['train loss', (r) => r.trainLoss],
  ];
  if (has('trainAcc')) cols.push(['train acc', (r) => (r.trainAcc === undefined ? '' : pct(r.trainAcc))]);
  if (has('testLoss')) cols.push(['test loss', (r) => r.testLoss ?? '']);
  if (has('testAcc')) cols.push(['test acc', (r) => (r.testAcc === undefined ? '' : pct(r.testAcc))]);
  if (has('lr')) cols.push(['lr', (r) => r.lr ?? '']);
  cols.push(['time (s)', (r) => r.time.toFixed(2)]);
  return {
    heading: 'Per-epoch metrics',
    table: { columns: cols.map((c) => c[0]), rows: h.map((r) => cols.map((c) => c[1](r))) },
  };
}

async function confusionSection(c: NonNullable<TrainingReportInput['confusion']>): Promise<Section> {
  const chart = await confusionMatrixChart({ matrix: c.matrix, labels: c.labels, title: 'Confusion matrix (test set)' });
  const per = perClassMetrics(c.matrix);
  const table = tableHtml({
    caption: 'Per class',
    columns: ['class', 'support', 'precision', 'recall', 'F1'],
    rows: per.map((m, i) => [c.labels[i]!, m.support, Number.isNaN(m.precision) ? '–' : pct(m.precision), Number.isNaN(m.recall) ? '–' : pct(m.recall), Number.isNaN(m.f1) ? '–' : m.f1.toFixed(3)]),
  });
  // The most frequent confusions, in words.
  const pairs: { t: number; p: number; n: number }[] = [];
  c.matrix.forEach((row, t) => row.forEach((n, p) => { if (t !== p && n > 0) pairs.push({ t, p, n }); }));
  pairs.sort((a, b) => b.n - a.n);
  const top = pairs.slice(0, 3).map((q) => `${c.labels[q.t]} taken for ${c.labels[q.p]} (${q.n})`);
  const total = c.matrix.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
  const text =
    `Rows are true classes, columns predicted ones; colour is the share of the row. ` +
    `Accuracy ${pct(accuracyFromConfusion(c.matrix))} on ${total} samples.` +
    (top.length > 0 ? ` Most frequent confusions: ${top.join('; ')}.` : '');
  return {
    heading: 'Confusion matrix',
    text,
    html: `<div class="charts"><div>${chart}</div><div>${table}</div></div>`,
  };
}

function misclassifiedSection(samples: readonly MisclassifiedSample[], colormap: Colormap): Section {
  return {
    heading: 'Misclassified test samples',
    text: `${samples.length} test sample${samples.length === 1 ? '' : 's'} the model got wrong, with its predicted class and the probability it gave it.`,
    html: imageGrid(
      samples.map((s) => ({ pixels: s.pixels, width: s.width, height: s.height, caption: misclassifiedCaption(s.trueLabel, s.predLabel, s.prob) })),
      { cols: 8, scale: 3, colormap },
    ),
  };
}

/** The report's sections, in order: curves, per-epoch table, confusion matrix, misclassified samples, extras. */
export async function buildTrainingReport(input: TrainingReportInput): Promise<Section[]> {
  const sections: Section[] = [];
  if (input.history.length > 0) {
    sections.push(await curvesSection(input));
    sections.push(epochTable(input.history));
  }
  if (input.confusion) sections.push(await confusionSection(input.confusion));
  if (input.misclassified && input.misclassified.length > 0) {
    sections.push(misclassifiedSection(input.misclassified, input.sampleColormap ?? 'gray'));
  }
  sections.push(...(input.extraSections ?? []));
  return sections;
}

/** Builds and writes the whole report (title, summary and sections) to `path`, atomically. */
export async function writeTrainingReport(path: string, input: TrainingReportInput): Promise<void> {
  const model = input.config['model'];
  const dataset = input.config['dataset'];
  const subtitle = [model, dataset].every((v) => typeof v === 'string') ? `${String(model)} on ${String(dataset)}` : undefined;
  writeReport(path, {
    title: `Training report: ${input.runName}`,
    ...(subtitle ? { subtitle } : {}),
    summary: trainingSummary(input),
    sections: await buildTrainingReport(input),
  });
}

