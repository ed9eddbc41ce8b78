/**
 * Spoken-word recognition on speech synthesised by espeak-ng (synthetic, not human speech),
 * tested on unseen voices.
 *
 *   npx tsx examples/speech/run.ts [--quick] [--epochs 15] [--seed 0]
 *
 * Synthesises the missing WAV files into data/speech/ first (needs espeak-ng: apt-get install espeak-ng).
 */
import { parseArgs } from 'node:util';
import { hasEspeak } from './synthesize.js';
import { runSpeech } from './speech.js';

const { values: a } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, epochs: { type: 'string' }, seed: { type: 'string' }, dir: { type: 'string' }, out: { type: 'string' } },
});
if (!hasEspeak()) {
  console.error('speech: espeak-ng is not installed (apt-get install espeak-ng)');
  process.exit(2);
}
const r = await runSpeech({
  quick: a.quick, ...(a.epochs ? { epochs: Number(a.epochs) } : {}), ...(a.seed ? { seed: Number(a.seed) } : {}),
  ...(a.dir ? { dir: a.dir } : {}), ...(a.out ? { outDir: a.out } : {}),
});
process.exitCode = r.accuracy > r.baselineAccuracy ? 0 : 1;
