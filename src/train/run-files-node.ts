/** `fit`'s run directory on Node's file system (installed by src/node/install.ts). */
import fs from 'node:fs';
import path from 'node:path';
import type { RunFiles } from './run-files.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';

export const nodeRunFiles: RunFiles = {
  join: (dir, name) => path.join(dir, name),
  mkdir: (dir) => void fs.mkdirSync(dir, { recursive: true }),
  exists: (p) => fs.existsSync(p),
  remove: (p) => fs.rmSync(p),
  appendLine: (p, line) => fs.appendFileSync(p, line + '\n'),
  saveCheckpoint,
  loadCheckpoint,
};
