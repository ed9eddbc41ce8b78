/**
 * The digit page's committed CNN (web/public/models/digit-cnn.safetensors): under 1 MB, written by
 * the command of `npm run web:models` (its metadata holds that command's settings), loads into the
 * model recipe it names, and reaches on the shipped MNIST test digits the accuracy its metadata and
 * the README state; digits drawn as strokes (polylines on a 280-pixel pad, as a hand would) and
 * preprocessed as the page does (web/src/digit/preprocess.ts) are recognised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as nb from '../../src/index.js';
import { toMnist, type Stroke } from '../../web/src/digit/preprocess.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = `${ROOT}web/public/models/digit-cnn.safetensors`;

function load(): { net: nb.Module<[nb.Tensor], nb.Tensor>; metadata: Record<string, string> } {
  const { tensors, metadata } = nb.loadSafetensors(FILE);
  const net = nb.train.modelRecipe(metadata['model']!).build();
  net.loadStateDict(tensors);
  net.eval();
  return { net, metadata };
}

test('the committed digit CNN is small, made by npm run web:models, and as accurate as stated', () => {
  assert.ok(statSync(FILE).size < 1024 * 1024, `${FILE} is ${statSync(FILE).size} bytes`);
  const { net, metadata } = load();

  // the settings in the file are the flags of the npm script that regenerates it
  const script = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts['web:models']!;
  const flag = (name: string): string => script.match(new RegExp(`--${name} (\\S+)`))?.[1] ?? `(no --${name})`;
  assert.ok(script.includes('--weights-out web/public/models/digit-cnn.safetensors'), script);
  for (const [key, name] of [['model', 'model'], ['dataset', 'dataset'], ['epochs', 'epochs'], ['batchSize', 'batch-size'], ['scheduler', 'scheduler'], ['seed', 'seed'], ['backend', 'backend']] as const) {
    assert.equal(metadata[key], flag(name), `metadata ${key} vs --${name}`);
  }
  assert.equal(Number(metadata['lr']), Number(flag('lr')));

  const stated = Number(metadata['testAccuracy']);
  const { test: testSet } = nb.data.mnist();
  const [x, y] = testSet.tensors as [nb.Tensor, nb.Tensor];
  assert.equal(String(x.shape[0]), metadata['testSamples']);
  const pred = nb.noGrad(() => net.forward(x.reshape([x.shape[0]!, 1, 28, 28])).argmax(-1)).data();
  const labels = y.data();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) right++;
  const accuracy = right / labels.length;
  // another backend sums in another order: at most a digit or two may change its answer
  assert.ok(Math.abs(accuracy - stated) <= 0.001, `accuracy ${accuracy} on ${labels.length} test digits, stated ${stated}`);
  assert.ok(stated > 0.97, `stated accuracy ${stated}`);
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  assert.ok(readme.includes(`${(100 * stated).toFixed(2)} %`), `README states the digit CNN's ${(100 * stated).toFixed(2)} %`);
});

/** A polyline through the corners, with points every 10 pixels as a pointer would report them. */
function polyline(corners: readonly (readonly [number, number])[]): Stroke {
  const out: { x: number; y: number }[] = [{ x: corners[0]![0], y: corners[0]![1] }];
  for (let k = 1; k < corners.length; k++) {
    const [x0, y0] = corners[k - 1]!, [x1, y1] = corners[k]!;
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / 10));
    for (let i = 1; i <= n; i++) out.push({ x: x0 + ((x1 - x0) * i) / n, y: y0 + ((y1 - y0) * i) / n });
  }
  return out;
}

const DRAWN: readonly (readonly (readonly [number, number])[])[][] = [
  [Array.from({ length: 41 }, (_, i) => [140 + 70 * Math.sin((2 * Math.PI * i) / 40), 140 - 100 * Math.cos((2 * Math.PI * i) / 40)] as const)],
  [[[100, 80], [150, 40], [150, 240]]],
  [[[70, 80], [110, 40], [170, 50], [180, 100], [70, 230], [210, 230]]],
  [[[70, 60], [150, 40], [190, 80], [130, 130], [190, 180], [150, 230], [70, 220]]],
  [[[150, 40], [60, 170], [210, 170]], [[160, 100], [160, 250]]],
  [[[190, 40], [90, 40], [80, 120], [150, 110], [190, 160], [160, 230], [70, 220]]],
  [[[170, 40], [100, 110], [80, 190], [120, 235], [175, 200], [160, 150], [100, 160], [85, 190]]],
  [[[60, 50], [200, 50], [110, 240]]],
  [[[140, 130], [90, 90], [140, 40], [190, 90], [140, 130], [80, 190], [140, 240], [200, 190], [140, 130]]],
  [[[190, 80], [140, 40], [90, 80], [140, 120], [190, 80], [185, 240]]],
];

test('digits drawn as strokes and preprocessed as the page does are recognised', () => {
  const { net } = load();
  const images = DRAWN.map((strokes) => toMnist(strokes.map(polyline))!);
  const x = nb.tensor(Float32Array.from(images.flatMap((im) => [...im]))).reshape([10, 1, 28, 28]);
  const probs = nb.noGrad(() => nb.softmax(net.forward(x), -1));
  const pred = Array.from(probs.argmax(-1).data());
  assert.deepEqual(pred, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'the drawn 0-9');
});
