/**
 * One self-contained HTML report file: inline CSS, inline SVG charts, images as `data:` URLs,
 * no scripts and no network. A header with the title, a summary table (the run's settings and
 * final metrics), then sections in order. Written atomically (temp file + rename), so a reader
 * never sees half a report.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NablaError } from '../core/errors.js';
import { escapeHtml, formatValue } from './escape.js';

export type Cell = string | number;

export interface Table {
  /** Column headings. */
  columns?: readonly string[];
  rows: readonly (readonly Cell[])[];
  caption?: string;
}

/**
 * A report section: a heading and any of these blocks, drawn in this order:
 * `text` (paragraphs, escaped; blank lines separate paragraphs), `svg` (one or more charts, side by
 * side when they fit), `html` (a trusted fragment, e.g. from `imageGrid`), `table`, `pre` (escaped).
 */
export interface Section {
  heading: string;
  text?: string;
  svg?: string | readonly string[];
  html?: string;
  table?: Table;
  pre?: string;
}

export interface ReportInput {
  title: string;
  subtitle?: string;
  /** Settings and final metrics, shown as a two-column table at the top. */
  summary: Readonly<Record<string, Cell>>;
  sections: readonly Section[];
  /** Footer timestamp (default: now). */
  generatedAt?: Date;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1f2328;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 28px 48px; }
header h1 { margin: 0; font-size: 26px; font-weight: 650; letter-spacing: -0.01em; }
header .subtitle { margin: 4px 0 0; color: #57606a; font-size: 15px; }
section, .summary { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 18px 22px; margin-top: 20px; }
h2 { margin: 0 0 12px; font-size: 18px; font-weight: 600; }
p { margin: 0 0 10px; max-width: 78ch; }
.charts { display: flex; flex-wrap: wrap; gap: 16px 24px; align-items: flex-start; }
.charts svg { display: block; }
table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: #57606a; font-size: 13px; padding-bottom: 6px; }
th, td { padding: 5px 12px; border-bottom: 1px solid #eaecef; text-align: left; }
thead th { border-bottom: 2px solid #d0d7de; font-weight: 600; color: #333; }
td.num { text-align: right; }
tbody tr:nth-child(even) { background: #fafbfc; }
.summary table { width: auto; }
.summary td.num { text-align: left; }
.summary th { color: #57606a; font-weight: 500; width: 1%; white-space: nowrap; padding-right: 28px; }
.summary-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 0 32px; }
pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: 10px 12px; overflow-x: auto;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 10px 0 0; }
.block + .block { margin-top: 14px; }
footer { margin-top: 24px; color: #8b949e; font-size: 12px; }
`;

/** Strings that read as numbers (`98.5%`, `1,024`, `-0.3`) are right-aligned like numbers. */
const NUMERIC = /^[-−+]?[\d,]*\.?\d+(e[-+]?\d+)?%?$/i;

function cellHtml(tag: 'td' | 'th', v: Cell): string {
  const cls = typeof v === 'number' || NUMERIC.test(v) ? ' class="num"' : '';
  return `<${tag}${cls}>${escapeHtml(formatValue(v))}</${tag}>`;
}

/** An HTML `<table>` for a `Table` (numbers formatted by `formatValue` and right-aligned). */
export function tableHtml(t: Table): string {
  const head = t.columns ? `<thead><tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>` : '';
  const body = t.rows.map((r) => `<tr>${r.map((v) => cellHtml('td', v)).join('')}</tr>`).join('\n');
  return `<table>${t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : ''}${head}<tbody>\n${body}\n</tbody></table>`;
}

function summaryHtml(summary: Readonly<Record<string, Cell>>): string {
  const entries = Object.entries(summary);
  if (entries.length === 0) return '';
  // Two balanced columns of key/value rows, so a long summary does not become a tall thin list.
  const half = entries.length > 8 ? Math.ceil(entries.length / 2) : entries.length;
  const cols = [entries.slice(0, half), entries.slice(half)].filter((c) => c.length > 0);
  const tables = cols.map(
    (c) => `<table><tbody>${c.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th>${cellHtml('td', v)}</tr>`).join('')}</tbody></table>`,
  );
  return `<div class="summary"><h2>Summary</h2><div class="summary-grid">${tables.join('')}</div></div>`;
}

function sectionHtml(s: Section): string {
  const blocks: string[] = [];
  if (s.text !== undefined) {
    blocks.push(
      s.text
        .split(/\n\s*\n/)
        .map((p) => p.trim())
        .filter((p) => p.length > 0)
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join('\n'),
    );
  }
  if (s.svg !== undefined) {
    const svgs = typeof s.svg === 'string' ? [s.svg] : s.svg;
    blocks.push(`<div class="charts">${svgs.map((v) => `<div>${v}</div>`).join('\n')}</div>`);
  }
  if (s.html !== undefined) blocks.push(s.html);
  if (s.table !== undefined) blocks.push(tableHtml(s.table));
  if (s.pre !== undefined) blocks.push(`<pre>${escapeHtml(s.pre)}</pre>`);
  return `<section>\n<h2>${escapeHtml(s.heading)}</h2>\n${blocks.map((b) => `<div class="block">${b}</div>`).join('\n')}\n</section>`;
}

/** The report as one HTML string (pure; see `writeReport` to write it). */
export function renderReport(input: ReportInput): string {
  const when = (input.generatedAt ?? new Date()).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(input.title)}</h1>
${input.subtitle ? `<p class="subtitle">${escapeHtml(input.subtitle)}</p>` : ''}
</header>
${summaryHtml(input.summary)}
${input.sections.map(sectionHtml).join('\n')}
<footer>Generated by nabla on ${escapeHtml(when)}.</footer>
</main>
</body>
</html>
`;
}

/**
 * Writes the report to `path` (creating its directory) atomically: the HTML goes to a temporary
 * file beside it, which is then renamed over `path`.
 */
export function writeReport(path: string, input: ReportInput): void {
  const html = renderReport(input);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new NablaError(`writeReport: could not write ${path}: ${(e as Error).message}`);
  }
}
