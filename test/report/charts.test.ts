import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, confusionMatrixChart, heatmap, lineChart } from '../../src/report/charts.js';

/** Well-formed enough for inline use: one root <svg>, balanced, with a viewBox. */
function assertSvg(svg: string): void {
  assert.ok(svg.startsWith('<svg '), 'starts with <svg');
  assert.ok(svg.trimEnd().endsWith('</svg>'), 'ends with </svg>');
  assert.match(svg, /viewBox="0 0 \d+ \d+"/);
  assert.equal(svg.match(/<svg\b/g)?.length, 1);
  assert.equal((svg.match(/<g\b/g) ?? []).length, (svg.match(/<\/g>/g) ?? []).length, 'balanced <g>');
}

/** The text nodes of an SVG (what a reader sees). */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

test('lineChart draws each named series with title, axis titles and a legend', async () => {
  const svg = await lineChart({
    title: 'Loss per epoch',
    xTitle: 'epoch',
    yTitle: 'loss',
    series: [
      { name: 'train', points: [{ x: 1, y: 1 }, { x: 2, y: 0.5 }, { x: 3, y: 0.25 }] },
      { name: 'test', points: [{ x: 1, y: 1.1 }, { x: 2, y: 0.7 }, { x: 3, y: 0.6 }] },
    ],
  });
  assertSvg(svg);
  const t = texts(svg);
  for (const label of ['Loss per epoch', 'epoch', 'loss', 'train', 'test']) assert.ok(t.includes(label), `has text ${label}`);
  // One line path per series.
  assert.equal(svg.match(/<g class="series"/g)?.length, 2);
  assert.equal((svg.match(/<path[^>]*stroke="#4c78a8"/g) ?? []).length >= 1, true, 'first series in the first colour');
  assert.equal((svg.match(/<path[^>]*stroke="#f58518"/g) ?? []).length >= 1, true, 'second series in the second colour');
});

test('lineChart escapes text, skips non-finite points, and drops y <= 0 on a log axis', async () => {
  const svg = await lineChart({
    title: 'a < b & c',
    logY: true,
    series: [{ name: 's', points: [{ x: 1, y: 0 }, { x: 2, y: NaN }, { x: 3, y: 10 }, { x: 4, y: 1000 }] }],
  });
  assertSvg(svg);
  assert.ok(svg.includes('a &lt; b &amp; c'));
  assert.ok(!svg.includes('a < b'));
  assert.ok(texts(svg).some((s) => /^1,?000$|^1e\+?3$|^1000$/.test(s)), 'log axis reaches 1000');
  await assert.rejects(lineChart({ series: [] }), /no series given/);
});

test('confusionMatrixChart prints each count and both label axes', async () => {
  const svg = await confusionMatrixChart({ matrix: [[50, 3], [7, 40]], labels: ['cat', 'dog'], title: 'CM' });
  assertSvg(svg);
  const t = texts(svg);
  for (const s of ['50', '3', '7', '40', 'cat', 'dog', 'Predicted', 'True', 'CM']) assert.ok(t.includes(s), `has text ${s}`);
  await assert.rejects(confusionMatrixChart({ matrix: [[1, 2]], labels: ['a', 'b'] }), /must be 2x2/);
});

test('barChart groups bars by series and supports a log axis', async () => {
  const svg = await barChart({
    title: 'grad norm',
    xTitle: 'T',
    logY: true,
    bars: [10, 50, 100].flatMap((T) => [{ x: T, y: Math.pow(0.8, T), series: 'RNN' }, { x: T, y: 0.5, series: 'LSTM' }]),
  });
  assertSvg(svg);
  const t = texts(svg);
  for (const s of ['grad norm', 'T', 'RNN', 'LSTM', '10', '50', '100']) assert.ok(t.includes(s), `has text ${s}`);
  assert.equal(svg.match(/<g class="bars"/g)?.length, 1);
  // Six bars: each a rect inside the bars group, the RNN ones shrinking with T on the log axis.
  const group = svg.slice(svg.indexOf('<g class="bars"'));
  const rects = [...group.slice(0, group.indexOf('</g>')).matchAll(/<rect [^>]*height="([\d.]+)" fill="([^"]+)"/g)];
  assert.equal(rects.length, 6);
  const rnn = rects.filter((m) => m[2] === '#4c78a8').map((m) => Number(m[1]));
  assert.ok(rnn[0]! > rnn[1]! && rnn[1]! > rnn[2]!, `RNN bars shrink: ${rnn.join(', ')}`);
});

test('heatmap prints values with labels; ids stay unique across charts', async () => {
  const a = await heatmap({ values: [[1, -2], [0.5, 3]], xLabels: ['c0', 'c1'], yLabels: ['r0', 'r1'], scheme: 'diverging' });
  const b = await heatmap({ values: [[1, 2]] });
  assertSvg(a);
  const t = texts(a);
  for (const s of ['1.00', '−2.00', '0.50', '3.00', 'c0', 'r1']) assert.ok(t.includes(s), `has text ${s}`);
  const ids = [...(a + b).matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
  await assert.rejects(heatmap({ values: [[1, 2], [3]] }), /rectangular/);
});

test('charts name no external resource and need no script', async () => {
  const svgs = [
    await lineChart({ series: [{ name: 'a', points: [{ x: 1, y: 2 }] }] }),
    await barChart({ bars: [{ x: 'a', y: 1 }] }),
    await heatmap({ values: [[1]] }),
    await confusionMatrixChart({ matrix: [[1]], labels: ['only'] }),
  ];
  for (const svg of svgs) {
    assertSvg(svg);
    assert.doesNotMatch(svg, /<script|https?:\/\/(?!www\.w3\.org)/);
  }
});

test('lineChart maps points into the plot: higher values sit higher, yDomain clips', async () => {
  const svg = await lineChart({ series: [{ name: 's', points: [{ x: 0, y: 0 }, { x: 1, y: 10 }] }], points: true });
  const cy = [...svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)" r="3.4"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  assert.equal(cy.length, 2);
  assert.ok(cy[1]![0] > cy[0]![0], 'x grows to the right');
  assert.ok(cy[1]![1] < cy[0]![1], 'y grows upwards');
  const clipped = await lineChart({ yDomain: [0, 1], series: [{ name: 's', points: [{ x: 0, y: -5 }, { x: 1, y: 0.5 }] }] });
  const path = /<path d="M([\d.]+),([\d.]+)/.exec(clipped)!;
  const zeroTick = [...clipped.matchAll(/<line x1="-4" y1="([\d.]+)"[^>]*\/><text [^>]*>0\.0</g)][0]!;
  assert.ok(Math.abs(Number(path[2]) - Number(zeroTick[1])) <= 1.5, 'the line enters at the bottom of the plot, not below it');
  assert.deepEqual(texts(clipped).filter((t) => /^[\d.]+$/.test(t)).slice(0, 6), ['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
});
