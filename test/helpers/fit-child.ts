/**
 * A small training run in its own process, for the kill-and-resume tests:
 *   node --import tsx test/helpers/fit-child.ts <outDir> <epochs> [resume]
 * Deterministic (fixed seeds, moons data, an MLP with dropout, Adam + StepLR), quiet.
 */
import * as nb from '../../src/index.js';

const [outDir, epochsArg, resumeArg] = process.argv.slice(2);
if (outDir === undefined || epochsArg === undefined) throw new Error('usage: fit-child.ts <outDir> <epochs> [resume]');
const { nn, optim, data } = nb;
nb.manualSeed(7);
const ds = data.moons({ n: 400, noise: 0.15, seed: 3 });
const model = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(64, 2));
const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
const scheduler = new optim.StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
const train = new data.DataLoader(ds, { batchSize: 16, shuffle: true, seed: 5 });
const test = new data.DataLoader(ds, { batchSize: 400 });
const r = nb.fit({
  model,
  loss: new nn.CrossEntropyLoss(),
  optimizer,
  scheduler,
  train,
  test,
  epochs: Number(epochsArg),
  outDir,
  resume: resumeArg === 'resume',
  progress: false,
  log: (line) => process.stderr.write(line + '\n'),
});
process.stdout.write(JSON.stringify({ epochs: r.history.length }) + '\n');
