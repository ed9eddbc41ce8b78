import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync, crc32 as zlibCrc32 } from 'node:zlib';
import { crc32, encodePNG, PNG_SIGNATURE } from '../../src/report/png.js';
import { grayscaleToPNG } from '../../src/report/images.js';

interface Chunk { type: string; data: Uint8Array; crc: number; }

/** A small independent PNG reader: chunks with their stored CRCs. */
function readChunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let off = 8;
  while (off < png.length) {
    const len = view.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    chunks.push({ type, data, crc: view.getUint32(off + 8 + len) });
    off += 12 + len;
  }
  assert.equal(off, png.length, 'chunks end exactly at the end of the file');
  return chunks;
}

/** Decodes an 8-bit, non-interlaced PNG whose scanlines all use filter 0 (what encodePNG writes). */
function decode(png: Uint8Array): { width: number; height: number; colorType: number; samples: Uint8Array } {
  assert.deepEqual([...png.subarray(0, 8)], [...PNG_SIGNATURE]);
  const chunks = readChunks(png);
  assert.deepEqual(chunks.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
  for (const c of chunks) {
    const typeAndData = new Uint8Array(4 + c.data.length);
    typeAndData.set([...c.type].map((ch) => ch.charCodeAt(0)));
    typeAndData.set(c.data, 4);
    assert.equal(c.crc, zlibCrc32(typeAndData), `CRC of ${c.type}`);
  }
  const ihdr = new DataView(chunks[0]!.data.buffer, chunks[0]!.data.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  assert.equal(ihdr.getUint8(8), 8, 'bit depth');
  const colorType = ihdr.getUint8(9);
  assert.deepEqual([ihdr.getUint8(10), ihdr.getUint8(11), ihdr.getUint8(12)], [0, 0, 0]);
  const channels = colorType === 0 ? 1 : colorType === 2 ? 3 : 4;
  const raw = new Uint8Array(inflateSync(chunks[1]!.data));
  const stride = width * channels;
  assert.equal(raw.length, (stride + 1) * height);
  const samples = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (stride + 1)], 0, 'filter byte');
    samples.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, colorType, samples };
}

test('crc32 matches the standard check value and zlib', () => {
  const bytes = new TextEncoder().encode('123456789');
  assert.equal(crc32(bytes), 0xcbf43926);
  assert.equal(crc32(new TextEncoder().encode('IEND')), 0xae426082);
  const rnd = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 255);
  assert.equal(crc32(rnd), zlibCrc32(rnd));
});

test('encodePNG grayscale round-trips through inflate', () => {
  const samples = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
  const d = decode(encodePNG(samples, 5, 3, 0));
  assert.deepEqual([d.width, d.height, d.colorType], [5, 3, 0]);
  assert.deepEqual([...d.samples], [...samples]);
});

test('encodePNG RGB and RGBA round-trip', () => {
  const rgb = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 31) & 255);
  const d = decode(encodePNG(rgb, 4, 2, 2));
  assert.equal(d.colorType, 2);
  assert.deepEqual([...d.samples], [...rgb]);
  const rgba = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => 255 - i);
  assert.deepEqual([...decode(encodePNG(rgba, 2, 2, 6)).samples], [...rgba]);
});

test('encodePNG rejects a buffer of the wrong size', () => {
  assert.throws(() => encodePNG(new Uint8Array(5), 2, 3, 0), /expected 6 bytes for 2x3/);
  assert.throws(() => encodePNG(new Uint8Array(0), 0, 3, 0), /positive integers/);
});

test('grayscaleToPNG maps min..max to 0..255 and upscales by nearest neighbour', () => {
  const px = [0, 0.5, 1, 0.25];
  const d = decode(grayscaleToPNG(px, 2, 2, { scale: 2 }));
  assert.deepEqual([d.width, d.height, d.colorType], [4, 4, 0]);
  // Row 0 and row 1 repeat image row 0; each pixel is repeated twice across.
  const v = (t: number) => Math.round(t * 255);
  assert.deepEqual([...d.samples.subarray(0, 4)], [v(0), v(0), v(0.5), v(0.5)]);
  assert.deepEqual([...d.samples.subarray(4, 8)], [v(0), v(0), v(0.5), v(0.5)]);
  assert.deepEqual([...d.samples.subarray(8, 12)], [v(1), v(1), v(0.25), v(0.25)]);
});

test('grayscaleToPNG honours explicit min/max and clamps', () => {
  const d = decode(grayscaleToPNG(new Float32Array([-1, 0, 2]), 3, 1, { min: 0, max: 1 }));
  assert.deepEqual([...d.samples], [0, 0, 255]);
  const inv = decode(grayscaleToPNG([0, 1], 2, 1, { colormap: 'gray-inverted' }));
  assert.deepEqual([...inv.samples.filter((_, i) => i % 3 === 0)], [255, 0]);
});

test('grayscaleToPNG diverging map is symmetric about zero: 0 is white, negative blue, positive red', () => {
  const d = decode(grayscaleToPNG([-0.5, 0, 0.25], 3, 1, { colormap: 'diverging' }));
  assert.equal(d.colorType, 2);
  const [r0, g0, b0, r1, g1, b1, r2, , b2] = d.samples;
  assert.ok(b0! > r0!, 'negative is blue');
  assert.deepEqual([r1, g1, b1], [247, 247, 247]);
  assert.ok(r2! > b2!, 'positive is red');
});

test('grayscaleToPNG: a flat image does not divide by zero; wrong sizes are named', () => {
  const d = decode(grayscaleToPNG([3, 3, 3, 3], 2, 2));
  assert.deepEqual([...d.samples], [0, 0, 0, 0]);
  assert.throws(() => grayscaleToPNG([1, 2, 3], 2, 2), /3 pixels do not fill a 2x2 image/);
  assert.throws(() => grayscaleToPNG([1, 2, 3, 4], 2, 2, { scale: 0 }), /scale must be a positive integer/);
});
