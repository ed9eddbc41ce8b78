import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageGrid, misclassifiedCaption, pngDataUrl, grayscaleToPNG } from '../../src/report/images.js';
import { convFilterImages, featureMapImages } from '../../src/report/tensor-images.js';
import { colorAt } from '../../src/report/colormap.js';

test('pngDataUrl is a base64 data URL of the bytes', () => {
  const png = grayscaleToPNG([0, 1], 2, 1);
  const url = pngDataUrl(png);
  assert.ok(url.startsWith('data:image/png;base64,'));
  assert.deepEqual(new Uint8Array(Buffer.from(url.slice(22), 'base64')), png);
});

test('misclassifiedCaption reads "true 7, predicted 1 (p=0.83)"', () => {
  assert.equal(misclassifiedCaption(7, 1, 0.8312), 'true 7, predicted 1 (p=0.83)');
  assert.equal(misclassifiedCaption('cat', 'dog'), 'true cat, predicted dog');
});

test('imageGrid makes one figure per image with escaped captions and data URLs', () => {
  const imgs = [0, 1, 2].map((k) => ({ pixels: [k, 1, 2, 3], width: 2, height: 2 }));
  const html = imageGrid(imgs, { cols: 2, scale: 4, labels: ['a<b', 'two', 'three'] });
  assert.equal(html.match(/<figure/g)?.length, 3);
  assert.equal(html.match(/src="data:image\/png;base64,/g)?.length, 3);
  assert.ok(html.includes('a&lt;b'));
  assert.ok(!html.includes('a<b'));
  assert.ok(html.includes('width="8" height="8"'));
  assert.ok(!html.includes('nb-colorbar'), 'no colour bar without a shared range');
});

test('imageGrid with a shared range draws a colour bar and one scale for all', () => {
  const imgs = [{ pixels: [-2, 0], width: 2, height: 1 }, { pixels: [0, 1], width: 2, height: 1, caption: 'own' }];
  const html = imageGrid(imgs, { colormap: 'diverging', range: 'shared' });
  assert.ok(html.includes('nb-colorbar'));
  assert.ok(html.includes('>-2<') && html.includes('>2<'), 'symmetric range [-2, 2] is labelled');
  assert.ok(html.includes('>own<'));
  // The second image drawn with the shared range differs from drawing it alone.
  const alone = pngDataUrl(grayscaleToPNG([0, 1], 2, 1, { colormap: 'diverging', scale: 3 }));
  assert.ok(!html.includes(alone));
});

test('colour maps: endpoints and clamping', () => {
  assert.deepEqual(colorAt('gray', 0), [0, 0, 0]);
  assert.deepEqual(colorAt('gray', 2), [255, 255, 255]);
  assert.deepEqual(colorAt('viridis', 1), [253, 231, 37]);
  assert.deepEqual(colorAt('diverging', 0), [5, 48, 97]);
});

test('convFilterImages splits [outC, inC, kH, kW] into one image per filter', () => {
  const w = Float32Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => i);
  const imgs = convFilterImages(w, [3, 2, 2, 2]);
  assert.equal(imgs.length, 3);
  assert.deepEqual([...imgs[1]!.pixels as Float64Array], [8, 9, 10, 11]);
  assert.equal(imgs[1]!.caption, 'filter 1');
  const mean = convFilterImages(w, [3, 2, 2, 2], { inChannel: 'mean' });
  assert.deepEqual([...mean[0]!.pixels as Float64Array], [2, 3, 4, 5]);
  assert.throws(() => convFilterImages(w, [3, 8]), /\[outC, inC, kH, kW\]/);
  assert.throws(() => convFilterImages(w, [3, 2, 2, 3]), /do not match shape \[3,2,2,3\]/);
  assert.throws(() => convFilterImages(w, [3, 2, 2, 2], { inChannel: 2 }), /inChannel 2/);
});

test('featureMapImages takes [C,H,W] or [N,C,H,W] and caps the channel count', () => {
  const a = Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => i);
  const maps = featureMapImages(a, [1, 4, 2, 3], { maxChannels: 3 });
  assert.equal(maps.length, 3);
  assert.deepEqual([maps[2]!.width, maps[2]!.height], [3, 2]);
  assert.deepEqual([...maps[2]!.pixels as Float64Array], [12, 13, 14, 15, 16, 17]);
  assert.throws(() => featureMapImages(a, [24]), /\[C, H, W\]/);
});
