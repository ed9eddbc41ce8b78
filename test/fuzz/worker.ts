/** The fuzz worker: runs the cases the harness sends, one message per case. */
import { parentPort, workerData } from 'node:worker_threads';
import { runCase, seeds, type Format } from './cases.js';

const { seed, formats } = workerData as { seed: number; formats: Format[] };
seeds(); // build the corpus before the first case's time starts
// 'start' and 'parsed' bracket the reader under test: the harness's per-case time bound applies there
const hooks = { before: () => parentPort!.postMessage('start'), after: () => parentPort!.postMessage('parsed') };
parentPort!.on('message', (index: number) => parentPort!.postMessage(runCase(seed, index, formats, hooks)));
parentPort!.postMessage('ready');
