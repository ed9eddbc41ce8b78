/**
 * The digit page's MNIST preprocessing (web/src/digit/preprocess.ts): the ink fills the 20x20 box
 * along its longer side, its centre of mass lands on the image centre, the pen's width does not
 * depend on how large the digit was drawn, and where on the canvas it was drawn does not matter.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOX, SIDE, centreOfMass, toMnist, type Stroke } from '../../web/src/digit/preprocess.js';

const line = (x0: number, y0: number, x1: number, y1: number, n = 20): Stroke =>
  Array.from({ length: n + 1 }, (_, i) => ({ x: x0 + ((x1 - x0) * i) / n, y: y0 + ((y1 - y0) * i) / n }));
const ellipse = (cx: number, cy: number, rx: number, ry: number, n = 48): Stroke =>
  Array.from({ length: n + 1 }, (_, i) => ({ x: cx + rx * Math.sin((2 * Math.PI * i) / n), y: cy - ry * Math.cos((2 * Math.PI * i) / n) }));

/** Rows and columns holding ink above `t`: [first, last] of each. */
function inkBox(img: Float32Array, t = 0.05): { rows: [number, number]; cols: [number, number] } {
  let r0 = SIDE, r1 = -1, c0 = SIDE, c1 = -1;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      if (img[y * SIDE + x]! > t) {
        r0 = Math.min(r0, y); r1 = Math.max(r1, y); c0 = Math.min(c0, x); c1 = Math.max(c1, x);
      }
    }
  }
  return { rows: [r0, r1], cols: [c0, c1] };
}

test('no points, no image', () => {
  assert.equal(toMnist([]), null);
  assert.equal(toMnist([[], []]), null);
});

test('a vertical stroke becomes an MNIST "1": 20 px tall, 2-4 px wide, centred by its centre of mass', () => {
  const img = toMnist([line(150, 30, 150, 250)])!;
  assert.equal(img.length, SIDE * SIDE);
  assert.ok(img.every((v) => v >= 0 && v <= 1));
  const { rows, cols } = inkBox(img);
  const tall = rows[1] - rows[0] + 1, wide = cols[1] - cols[0] + 1;
  assert.ok(tall >= BOX - 1 && tall <= BOX + 1, `${tall} rows of ink`);
  assert.ok(wide >= 2 && wide <= 5, `${wide} columns of ink`);
  const com = centreOfMass(img);
  assert.ok(Math.abs(com.x - SIDE / 2) < 0.05 && Math.abs(com.y - SIDE / 2) < 0.05, `centre of mass at (${com.x}, ${com.y})`);
  // the middle of the stroke is fully inked, as MNIST's strokes are
  assert.ok(Math.max(...img.slice(14 * SIDE, 15 * SIDE)) > 0.99);
});

test('size and position on the canvas do not matter; the aspect ratio is kept', () => {
  const big = toMnist([ellipse(200, 200, 90, 130)])!;
  const small = toMnist([ellipse(40, 300, 18, 26)])!;
  let worst = 0;
  for (let i = 0; i < big.length; i++) worst = Math.max(worst, Math.abs(big[i]! - small[i]!));
  assert.ok(worst < 1e-4, `the same shape drawn large and small differs by ${worst}`);
  const { rows, cols } = inkBox(big);
  const tall = rows[1] - rows[0] + 1, wide = cols[1] - cols[0] + 1;
  assert.ok(tall >= BOX - 1 && tall <= BOX + 1, `${tall} rows of ink`);
  const expectWide = ((BOX - 4.4) * 90) / 130 + 4.4;
  assert.ok(Math.abs(wide - expectWide) <= 2, `${wide} columns of ink, expected about ${expectWide.toFixed(1)}`);
  // the ring's hole is empty
  assert.equal(big[14 * SIDE + 14], 0);
});

test('a lopsided shape is placed by its centre of mass, not its bounding box; a tap is a dot in the middle', () => {
  // a "7": most ink along the top bar
  const seven = toMnist([[...line(0, 0, 100, 0), ...line(100, 0, 40, 140).slice(1)]])!;
  const com = centreOfMass(seven);
  assert.ok(Math.abs(com.x - 14) < 0.05 && Math.abs(com.y - 14) < 0.05, `centre of mass at (${com.x}, ${com.y})`);
  const { rows } = inkBox(seven);
  assert.ok(rows[0] > (SIDE - BOX) / 2, `the top bar (row ${rows[0]}) moved down from the box's top towards the centre`);
  const dot = toMnist([[{ x: 5, y: 7 }]])!;
  assert.ok(dot[14 * SIDE + 14]! > 0.5 && dot[13 * SIDE + 13]! > 0.5);
  assert.equal(dot[0], 0);
});
