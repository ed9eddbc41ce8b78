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

function breastCancerCsv(): string | null {
  if (existsSync(DEFAULT_CSV)) return DEFAULT_CSV;
  const r = spawnSync('bash', [new URL('../../examples/biomedicine/fetch-data.sh', import.meta.url).pathname], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 && existsSync(DEFAULT_CSV) ? DEFAULT_CSV : null;
}
const csv = breastCancerCsv();

test('biomedicine --quick: the MLP diagnoses far better than the majority class', { skip: csv ? false : 'breast-cancer CSV unavailable (examples/biomedicine/fetch-data.sh needs apt-get and Debian python3-sklearn)' }, async () => {
  const dir = join(out, 'biomedicine');
  const r = await runBiomedicine({ quick: true, outDir: dir, log: quiet });
  assert.ok(Math.abs(r.majority - 357 / 569) < 1e-12);
  assert.ok(r.mlp.accuracy > 0.93 && r.mlp.auc > 0.97, `MLP ${JSON.stringify(r.mlp)}`);
  assert.ok(r.logistic.accuracy > 0.93, `logistic ${JSON.stringify(r.logistic)}`);
  reportOk(dir);
});
