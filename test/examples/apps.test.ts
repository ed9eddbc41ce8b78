/**
 * The application examples' quick modes (examples/<name>/run.ts --quick), in one process: each
 * must run end to end, write its report, and beat its baseline. Examples whose data is not on
 * this machine skip with the reason (Fashion-MNIST: Debian dataset-fashion-mnist; the breast-
 * cancer CSV: examples/biomedicine/fetch-data.sh, tried here; speech: espeak-ng).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runSegmentation } from '../../examples/segmentation/segment.js';
import { runCartPole } from '../../examples/cartpole/cartpole.js';
import { runBiomedicine } from '../../examples/biomedicine/biomedicine.js';
import { DEFAULT_CSV } from '../../examples/biomedicine/data.js';
import { runDetection } from '../../examples/detection/detect.js';
import { runSpeech } from '../../examples/speech/speech.js';
import { hasEspeak } from '../../examples/speech/synthesize.js';
import { runRecommendation } from '../../examples/recommendation/recommend.js';
import { DEFAULT_DIR as INSTEVAL_DIR } from '../../examples/recommendation/data.js';
import { runTranslation } from '../../examples/translation/translate.js';

const out = mkdtempSync(join(tmpdir(), 'nabla-apps-'));
const quiet = () => {};
const hasFashion = existsSync('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');

function reportOk(dir: string): void {
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok(html.length > 2000 && html.includes('</html>'), `${dir}/report.html is incomplete`);
  JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
}

test('segmentation --quick: the U-Net beats the brightness threshold on held-out canvases', { skip: hasFashion ? false : 'Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)' }, async () => {
  const dir = join(out, 'segmentation');
  const r = await runSegmentation({ quick: true, outDir: dir, log: quiet });
  assert.ok(r.meanIoU > r.baselineIoU + 0.05, `U-Net mean IoU ${r.meanIoU.toFixed(3)} vs threshold ${r.baselineIoU.toFixed(3)}`);
  reportOk(dir);
});

test('cartpole --quick: the actor-critic balances the pole far longer than a random policy', async () => {
  const dir = join(out, 'cartpole');
  const r = await runCartPole({ quick: true, outDir: dir, log: quiet });
  assert.ok(r.randomMean > 10 && r.randomMean < 40, `random policy ${r.randomMean}`);
  assert.ok(r.lastHundredMean > 3 * r.randomMean, `last 100 training episodes ${r.lastHundredMean.toFixed(1)} vs random ${r.randomMean.toFixed(1)}`);
  assert.ok(r.evalMean > 150, `final policy ${r.evalMean.toFixed(1)} over 100 new episodes`);
  reportOk(dir);
});

/** Runs an example's fetch-data.sh when `file` is missing; true if the file is there afterwards. */
function fetched(file: string, script: string): boolean {
  if (existsSync(file)) return true;
  const r = spawnSync('bash', [new URL(`../../examples/${script}`, import.meta.url).pathname], { encoding: 'utf8', timeout: 180_000 });
  return r.status === 0 && existsSync(file);
}
const csv = fetched(DEFAULT_CSV, 'biomedicine/fetch-data.sh');
const instEval = fetched(join(INSTEVAL_DIR, 'Rdata.rdb'), 'recommendation/fetch-data.sh');

test('biomedicine --quick: the MLP diagnoses far better than the majority class', { skip: csv ? false : 'breast-cancer CSV unavailable (examples/biomedicine/fetch-data.sh needs apt-get and Debian python3-sklearn)' }, async () => {
  const dir = join(out, 'biomedicine');
  const r = await runBiomedicine({ quick: true, outDir: dir, log: quiet });
  assert.ok(Math.abs(r.majority - 357 / 569) < 1e-12);
  assert.ok(r.mlp.accuracy > 0.93 && r.mlp.auc > 0.97, `MLP ${JSON.stringify(r.mlp)}`);
  assert.ok(r.logistic.accuracy > 0.93, `logistic ${JSON.stringify(r.logistic)}`);
  reportOk(dir);
});

test('detection --quick: the grid detector finds digits better than connected components', async () => {
  const dir = join(out, 'detection');
  const r = await runDetection({ quick: true, outDir: dir, log: quiet });
  assert.ok(r.apAgnostic > r.baselineAP, `detector class-agnostic AP@0.5 ${r.apAgnostic.toFixed(3)} vs components ${r.baselineAP.toFixed(3)}`);
  assert.ok(r.mAP > 0.1, `mAP@0.5 ${r.mAP.toFixed(3)}`);
  reportOk(dir);
});

test('speech --quick: the CNN recognises words of unseen synthetic voices better than the band-statistics baseline', { skip: hasEspeak() ? false : 'espeak-ng not installed (apt-get install espeak-ng)' }, async () => {
  const dir = join(out, 'speech');
  const r = await runSpeech({ quick: true, outDir: dir, log: quiet });
  assert.ok(r.accuracy > r.baselineAccuracy && r.accuracy > 5 * r.chance, `CNN ${r.accuracy.toFixed(3)} vs logistic ${r.baselineAccuracy.toFixed(3)}, chance ${r.chance.toFixed(3)}`);
  reportOk(dir);
});

test('recommendation --quick: factorisation and the neural recommender beat the global mean on real ratings', { skip: instEval ? false : 'InstEval unavailable (examples/recommendation/fetch-data.sh needs apt-get and Debian r-cran-lme4)' }, async () => {
  const dir = join(out, 'recommendation');
  const r = await runRecommendation({ quick: true, outDir: dir, log: quiet });
  assert.equal(r.ratings, 73421);
  assert.ok(r.biases < r.globalMean - 0.05, `biases ${r.biases} vs global mean ${r.globalMean}`);
  assert.ok(r.mf < r.globalMean - 0.05 && r.neural < r.globalMean - 0.05, `MF ${r.mf}, neural ${r.neural}, global mean ${r.globalMean}`);
  reportOk(dir);
});

test('translation --quick: the Transformer translates held-out numbers both ways, beating nearest-neighbour retrieval', async () => {
  const dir = join(out, 'translation');
  const r = await runTranslation({ quick: true, outDir: dir, log: quiet });
  assert.equal(r.baseline.accuracy, 0, 'retrieval cannot produce the unseen translation of a held-out number');
  assert.ok(r.accuracy > 0.5 && r.byDirection['en-zh'].exact > 0.3 && r.byDirection['zh-en'].exact > 0.3, `exact match ${JSON.stringify(r.byDirection)}`);
  assert.ok(r.tokenErrorRate < r.baseline.tokenErrorRate / 2, `token error rate ${r.tokenErrorRate.toFixed(4)} vs nearest neighbour ${r.baseline.tokenErrorRate.toFixed(4)}`);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.ok(html.includes('Cross-attention') && (html.match(/<svg/g) ?? []).length >= 9, 'report lacks the loss curve or the cross-attention maps');
  reportOk(dir);
});
