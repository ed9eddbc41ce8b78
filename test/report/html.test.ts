import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderReport, tableHtml, writeReport } from '../../src/report/html.js';
import { formatValue } from '../../src/report/escape.js';

const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>chart-marker</text></svg>';

test('writeReport writes one self-contained file with summary and every section, atomically', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-report-'));
  const path = join(dir, 'runs', 'x', 'report.html');
  writeReport(path, {
    title: 'Run <1>',
    subtitle: 'mlp on mnist',
    summary: { lr: 0.001, 'test accuracy': '97.10%', epochs: 10 },
    sections: [
      { heading: 'Curves', svg },
      { heading: 'Table', table: { columns: ['epoch', 'loss'], rows: [[1, 0.123456], [2, 0.05]] } },
      { heading: 'Notes', text: 'first & only\n\nsecond', pre: 'x < y' },
      { heading: 'Images', html: '<div class="grid-marker"></div>' },
    ],
  });
  const html = readFileSync(path, 'utf8');
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes('<title>Run &lt;1&gt;</title>'));
  for (const h of ['Summary', 'Curves', 'Table', 'Notes', 'Images']) assert.ok(html.includes(`<h2>${h}</h2>`), h);
  assert.ok(html.includes('chart-marker') && html.includes('grid-marker'));
  assert.ok(html.includes('<p>first &amp; only</p>') && html.includes('<p>second</p>'));
  assert.ok(html.includes('<pre>x &lt; y</pre>'));
  assert.ok(html.includes('<td class="num">0.1235</td>'));
  assert.ok(html.includes('<th scope="row">lr</th>'));
  // Nothing is fetched: no external scripts, stylesheets or images.
  assert.ok(!/<script|<link\b|\b(src|href)="(https?:)?\/\//i.test(html));
  // No temporary file left behind.
  assert.deepEqual(readdirSync(join(dir, 'runs', 'x')), ['report.html']);
});

test('writeReport replaces an existing report and names the path when it cannot write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-report-'));
  const path = join(dir, 'report.html');
  writeFileSync(path, 'old');
  writeReport(path, { title: 'new', summary: {}, sections: [] });
  assert.ok(readFileSync(path, 'utf8').includes('<h1>new</h1>'));
  const blocked = join(dir, 'report.html', 'inner.html'); // parent is a file
  assert.throws(() => writeReport(blocked, { title: 't', summary: {}, sections: [] }));
});

test('renderReport omits an empty summary and stamps the given date', () => {
  const html = renderReport({ title: 't', summary: {}, sections: [], generatedAt: new Date('2026-01-02T03:04:05Z') });
  assert.ok(!html.includes('<h2>Summary</h2>'));
  assert.ok(html.includes('2026-01-02 03:04:05 UTC'));
});

test('tableHtml escapes cells and right-aligns numbers and numeric strings', () => {
  const t = tableHtml({ columns: ['a<', 'b'], rows: [['x&y', 3], ['98.5%', 'text']], caption: 'cap' });
  assert.ok(t.includes('<th>a&lt;</th>'));
  assert.ok(t.includes('<td>x&amp;y</td>'));
  assert.ok(t.includes('<td class="num">3</td>'));
  assert.ok(t.includes('<td class="num">98.5%</td>'));
  assert.ok(t.includes('<td>text</td>'));
  assert.ok(t.includes('<caption>cap</caption>'));
});

test('formatValue: integers plain, floats to 4 significant digits, extremes in exponent form', () => {
  assert.equal(formatValue(10), '10');
  assert.equal(formatValue(60000), '60,000');
  assert.equal(formatValue(0.123456), '0.1235');
  assert.equal(formatValue(2.5e-7), '2.500e-7');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue('s'), 's');
});
