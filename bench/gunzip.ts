/**
 * The pure-TypeScript gzip reader (src/io/gunzip.ts) against node:zlib on Fashion-MNIST's
 * train images (26 MB compressed, 47 MB inflated), interleaved in one process. Reports the
 * minimum CPU time of each over the rounds, and their ratio.
 *
 *   npx tsx bench/gunzip.ts [file.gz] [--rounds 8]
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { gunzip } from '../src/io/gunzip.js';
import { FASHION_MNIST_DIR } from '../src/data/fashion-mnist.js';

const args = process.argv.slice(2);
const ri = args.indexOf('--rounds');
const rounds = ri >= 0 ? Number(args[ri + 1]) : 8;
const file = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--rounds') ?? `${FASHION_MNIST_DIR}/train-images-idx3-ubyte.gz`;
const gz = new Uint8Array(readFileSync(file));

/** CPU time of one call in ms (user + system: less disturbed by other processes than wall time). */
function cpu(fn: () => unknown): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const ref = gunzipSync(gz);
const ours = gunzip(gz, { maxOutput: 2 ** 32 - 1 });
if (Buffer.compare(ref, Buffer.from(ours.buffer, ours.byteOffset, ours.length)) !== 0) throw new Error('outputs differ');
let bestOurs = Infinity;
let bestZlib = Infinity;
for (let r = 0; r < rounds; r++) {
  bestZlib = Math.min(bestZlib, cpu(() => gunzipSync(gz)));
  bestOurs = Math.min(bestOurs, cpu(() => gunzip(gz, { maxOutput: 2 ** 32 - 1 })));
}
const mb = ref.length / 1e6;
console.log(`${file}: ${(gz.length / 1e6).toFixed(1)} MB -> ${mb.toFixed(1)} MB, best of ${rounds} (CPU time)`);
console.log(`  nabla gunzip (TypeScript)  ${bestOurs.toFixed(0)} ms  ${(mb / (bestOurs / 1000)).toFixed(0)} MB/s`);
console.log(`  node:zlib gunzipSync       ${bestZlib.toFixed(0)} ms  ${(mb / (bestZlib / 1000)).toFixed(0)} MB/s`);
console.log(`  ratio ${(bestOurs / bestZlib).toFixed(2)}x`);
