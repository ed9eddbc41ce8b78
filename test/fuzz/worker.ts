/** The fuzz worker: runs the cases the harness sends, one message per case. */
import { parentPort, workerData } from 'node:worker_threads';
import { runCase, seeds, type Format } from './cases.js';

const { seed, formats } = workerData as { seed: number; formats: Format[] };
seeds(); // build the corpus before the first case's time starts
parentPort!.on('message', (index: number) => parentPort!.postMessage(runCase(seed, index, formats)));
parentPort!.postMessage('ready');
