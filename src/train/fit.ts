/**
 * The training loop: epochs over a loader, forward, loss, backward, (clip), optimizer step, with
 * metrics, callbacks, a progress bar, a `metrics.jsonl` log, a checkpoint each epoch, and exact
 * resumption: a run resumed from its checkpoint ends with the same weights as an uninterrupted
 * run with the same seed (the checkpoint holds the model, optimizer and scheduler state, the
 * library RNG state and the history; the loader's shuffle order is a function of the epoch).
 */
import { Tensor } from '../core/tensor.js';
import { NablaError } from '../core/errors.js';
import { noGrad } from '../core/autograd.js';
import { defaultGenerator } from '../core/rng.js';
import { detectAnomaly } from '../core/anomaly.js';
import type { Module } from '../nn/module.js';
import { ProgressBar, formatDuration, formatMetrics } from './progress.js';
import { runFiles, type RunHandle } from './run-files.js';
import { platform } from '../core/platform.js';
import { clipGradNorm } from '../nn/utils.js';

export interface OptimizerLike {
  step(): void;
  zeroGrad(): void;
  stateDict?(): unknown;
  loadStateDict?(state: never): void;
}

export interface SchedulerLike {
  step(): void;
  stateDict?(): unknown;
  loadStateDict?(state: never): void;
  getLastLr?(): number[];
}

/** Batches of [input, target] (a DataLoader over a TensorDataset is one). */
export interface BatchSource {
  [Symbol.iterator](): Iterator<readonly Tensor[]>;
  readonly length: number;
  setEpoch?(epoch: number): void;
}

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAcc?: number;
  testLoss?: number;
  testAcc?: number;
  lr?: number;
  seconds: number;
  samplesPerSecond: number;
}

export interface Callback {
  /** return 'stop' to end training after this epoch */
  onEpochEnd?(record: EpochRecord, history: readonly EpochRecord[]): void | 'stop';
  onBatchEnd?(info: { epoch: number; batch: number; loss: number }): void;
}

export interface EarlyStoppingOptions {
  monitor?: 'testLoss' | 'testAcc' | 'trainLoss' | 'trainAcc';
  patience: number;
  minDelta?: number;
}

/** A loss: a function `(output, target) => scalar`, or a loss module such as `new nn.CrossEntropyLoss()`. */
export type LossLike = ((output: Tensor, target: Tensor) => Tensor) | { forward(output: Tensor, target: Tensor): Tensor };

/** The loss as a function, whichever form it was given in. */
export function lossFunction(loss: LossLike, where = 'fit'): (output: Tensor, target: Tensor) => Tensor {
  if (typeof loss === 'function') return loss;
  if (loss !== null && typeof loss === 'object' && typeof (loss as { forward?: unknown }).forward === 'function') return (o, t) => loss.forward(o, t);
  throw new NablaError(`${where}: loss must be a function (output, target) => Tensor or a loss module with forward(output, target), got ${loss === null ? 'null' : typeof loss}`);
}

export interface FitOptions {
  model: Module<[Tensor], Tensor>;
  /** the loss: a function (output, target) -> scalar tensor, or a loss module (e.g. new nn.CrossEntropyLoss()) */
  loss: LossLike;
  optimizer: OptimizerLike;
  /** stepped once per epoch */
  scheduler?: SchedulerLike;
  train: BatchSource;
  test?: BatchSource;
  epochs: number;
  /** clip the global gradient norm to this value before each step */
  clipGradNorm?: number;
  /** run in anomaly mode (nb.detectAnomaly): stop at the first op whose forward or backward makes NaN or infinity, naming it (slow) */
  detectAnomaly?: boolean;
  /**
   * directory for metrics.jsonl (one row per epoch) and checkpoint.safetensors (written each
   * epoch, atomically); locked while the run lasts (a second run on it is refused)
   */
  outDir?: string;
  /** resume from this checkpoint file, or `true`: outDir's checkpoint (an error if there is none) */
  resume?: string | boolean;
  /** called once the run has started (checkpoint applied, run directory locked), before the first epoch */
  onStart?: (info: { startEpoch: number; resumedFrom?: string }) => void;
  earlyStopping?: EarlyStoppingOptions;
  callbacks?: Callback[];
  /** show a progress bar (default true) */
  progress?: boolean;
  /** where epoch summaries go (default: stderr); pass () => {} to silence */
  log?: (line: string) => void;
  /** custom forward (e.g. reshaping sequence outputs); default model.forward(x) */
  forward?: (model: Module<[Tensor], Tensor>, x: Tensor) => Tensor;
}

export interface FitResult {
  history: EpochRecord[];
  stoppedEarly: boolean;
  /** seconds of training (excluding evaluation) */
  trainSeconds: number;
}

export interface EvalResult {
  loss: number;
  accuracy?: number;
  /** predicted classes and targets, for confusion matrices (classification only) */
  predictions?: Int32Array;
  targets?: Int32Array;
  /** max softmax probability of each prediction */
  confidence?: Float32Array;
}

/** Whether (output, target) look like classification: [N, C] logits and [N] int32 classes. */
function isClassification(out: Tensor, target: Tensor): boolean {
  return target.dtype === 'int32' && out.ndim === 2 && target.ndim === 1 && out.shape[0] === target.shape[0];
}

function correctCount(out: Tensor, target: Tensor): number {
  const pred = out.argmax(1).data();
  const t = target.data();
  let c = 0;
  for (let i = 0; i < t.length; i++) if (pred[i] === t[i]) c++;
  return c;
}

/** Loss and accuracy of a model over a loader, in eval mode without a graph. */
export function evaluate(
  model: Module<[Tensor], Tensor>,
  loader: BatchSource,
  lossFn: LossLike,
  opts: { collect?: boolean; forward?: FitOptions['forward'] } = {},
): EvalResult {
  const loss = lossFunction(lossFn, 'evaluate');
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      let total = 0;
      let n = 0;
      let correct = 0;
      let classification = true;
      const preds: number[] = [];
      const targets: number[] = [];
      const conf: number[] = [];
      for (const batch of loader) {
        const [x, y] = batch as [Tensor, Tensor];
        const out = opts.forward ? opts.forward(model, x) : model.forward(x);
        const bs = x.shape[0] ?? 1;
        total += loss(out, y).item() * bs;
        n += bs;
        if (classification && isClassification(out, y)) {
          correct += correctCount(out, y);
          if (opts.collect) {
            const p = out.softmax(1);
            preds.push(...p.argmax(1).data());
            conf.push(...p.max(1).data());
            targets.push(...y.data());
          }
        } else classification = false;
      }
      if (n === 0) throw new NablaError('evaluate: the loader yielded no samples; an empty dataset has no loss or accuracy (check its size, batchSize and dropLast)');
      const r: EvalResult = { loss: total / n };
      if (classification && n > 0) {
        r.accuracy = correct / n;
        if (opts.collect) {
          r.predictions = Int32Array.from(preds);
          r.targets = Int32Array.from(targets);
          r.confidence = Float32Array.from(conf);
        }
      }
      return r;
    });
  } finally {
    model.train(wasTraining);
  }
}

/** Trains `model`; see FitOptions. */
export function fit(opts: FitOptions): FitResult {
  if (opts?.detectAnomaly === true) return detectAnomaly(() => fit({ ...opts, detectAnomaly: false }));
  const { model, optimizer, scheduler, train, epochs } = opts;
  if (!Number.isInteger(epochs) || epochs < 0) throw new NablaError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const log = opts.log ?? ((line: string) => platform.stderr.write(line + '\n'));
  const forward = opts.forward ?? ((m: Module<[Tensor], Tensor>, x: Tensor) => m.forward(x));
  const lossFn = lossFunction(opts.loss);
  if (train.length === 0) throw new NablaError('fit: the training loader has no batches; an empty dataset cannot be trained on (check its size, batchSize and dropLast)');
  const history: EpochRecord[] = [];
  let startEpoch = 0;
  if (opts.outDir === undefined && opts.resume !== undefined && opts.resume !== false && typeof opts.resume !== 'string') {
    throw new NablaError('fit: resume: true needs outDir (the run directory whose checkpoint to resume)');
  }
  // the run directory (lock, checkpoint, metrics.jsonl) needs a file system: the Node entry installs it
  const run = opts.outDir !== undefined ? runFiles('outDir').open(opts.outDir, { resume: opts.resume ?? false, log }) : undefined;
  try {
    const ck = run ? run.checkpoint : typeof opts.resume === 'string' ? runFiles('resume').readCheckpoint(opts.resume) : undefined;
    if (ck !== undefined) {
      model.loadStateDict(ck.model);
      if (ck.optimizer !== undefined && optimizer.loadStateDict) optimizer.loadStateDict(ck.optimizer as never);
      if (ck.scheduler !== undefined && scheduler?.loadStateDict) scheduler.loadStateDict(ck.scheduler as never);
      const st = ck.state as { epoch?: number; rng?: number[]; history?: EpochRecord[] };
      startEpoch = st.epoch ?? 0;
      if (st.rng) defaultGenerator.setState(st.rng);
      if (st.history) history.push(...st.history.slice(0, startEpoch));
      log(`resumed from ${run?.resumedFrom ?? String(opts.resume)} at epoch ${startEpoch}`);
    }
    run?.begin(history);
    opts.onStart?.({ startEpoch, ...(ck !== undefined ? { resumedFrom: run?.resumedFrom ?? String(opts.resume) } : {}) });
    return trainEpochs(opts, { lossFn, log, forward, history, startEpoch, run });
  } finally {
    run?.close();
  }
}

interface LoopState {
  lossFn: (output: Tensor, target: Tensor) => Tensor;
  log: (line: string) => void;
  forward: (m: Module<[Tensor], Tensor>, x: Tensor) => Tensor;
  history: EpochRecord[];
  startEpoch: number;
  run: RunHandle | undefined;
}

/** The epochs themselves (everything on disk goes through `run`). */
function trainEpochs(opts: FitOptions, st: LoopState): FitResult {
  const { model, optimizer, scheduler, train, test, epochs } = opts;
  const { lossFn, log, forward, history, startEpoch, run } = st;
  let stoppedEarly = false;
  let trainSeconds = 0;
  let best = Infinity;
  let sinceBest = 0;
  const es = opts.earlyStopping;
  if (es) {
    for (const r of history) updateBest(r);
  }
  function updateBest(r: EpochRecord): void {
    if (!es) return;
    const key = es.monitor ?? (r.testLoss !== undefined ? 'testLoss' : 'trainLoss');
    const raw = r[key];
    if (raw === undefined) return;
    const v = key.endsWith('Acc') ? -raw : raw;
    if (v < best - (es.minDelta ?? 0)) {
      best = v;
      sinceBest = 0;
    } else sinceBest++;
  }

  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    model.train();
    train.setEpoch?.(epoch);
    const bar = new ProgressBar({ total: train.length, label: `epoch ${epoch + 1}/${epochs}`, silent: opts.progress === false });
    const t0 = performance.now();
    let lossSum = 0;
    let seen = 0;
    let correct = 0;
    let classification = true;
    let batchIndex = 0;
    for (const batch of train) {
      const [x, y] = batch as [Tensor, Tensor];
      optimizer.zeroGrad();
      const out = forward(model, x);
      const loss = lossFn(out, y);
      loss.backward();
      if (opts.clipGradNorm !== undefined) clipGradNorm(model.parameters(), opts.clipGradNorm);
      optimizer.step();
      const bs = x.shape[0] ?? 1;
      const lv = loss.item();
      lossSum += lv * bs;
      seen += bs;
      if (classification && isClassification(out, y)) correct += noGrad(() => correctCount(out, y));
      else classification = false;
      for (const cb of opts.callbacks ?? []) cb.onBatchEnd?.({ epoch, batch: batchIndex, loss: lv });
      batchIndex++;
      bar.tick(1, { loss: lossSum / seen, acc: classification ? correct / seen : undefined });
    }
    if (seen === 0) throw new NablaError(`fit: the training loader yielded no batches in epoch ${epoch + 1}; an empty dataset cannot be trained on`);
    const seconds = (performance.now() - t0) / 1000;
    trainSeconds += seconds;
    const lr = scheduler?.getLastLr?.()[0] ?? (optimizer as { paramGroups?: { lr: number }[] }).paramGroups?.[0]?.lr;
    scheduler?.step();
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss: lossSum / Math.max(seen, 1),
      seconds,
      samplesPerSecond: seen / Math.max(seconds, 1e-9),
    };
    if (classification && seen > 0) record.trainAcc = correct / seen;
    if (lr !== undefined) record.lr = lr;
    if (test) {
      const ev = evaluate(model, test, lossFn, { forward });
      record.testLoss = ev.loss;
      if (ev.accuracy !== undefined) record.testAcc = ev.accuracy;
    }
    history.push(record);
    bar.finish(
      `epoch ${epoch + 1}/${epochs}  ${formatMetrics({
        'train loss': record.trainLoss,
        'train acc': record.trainAcc,
        'test loss': record.testLoss,
        'test acc': record.testAcc,
      })}  ${formatDuration(seconds)} (${Math.round(record.samplesPerSecond)} samples/s)`,
    );
    if (opts.progress === false && opts.log) log(`epoch ${epoch + 1}/${epochs} ${formatMetrics({ loss: record.trainLoss, acc: record.trainAcc, 'test acc': record.testAcc })}`);
    run?.endEpoch(record, {
      model: model.stateDict(),
      optimizer: optimizer.stateDict?.(),
      scheduler: scheduler?.stateDict?.(),
      state: { epoch: epoch + 1, rng: defaultGenerator.getState(), history },
    });
    let stop = false;
    for (const cb of opts.callbacks ?? []) if (cb.onEpochEnd?.(record, history) === 'stop') stop = true;
    updateBest(record);
    if (es && sinceBest >= es.patience) {
      log(`early stopping: no improvement for ${es.patience} epoch${es.patience === 1 ? '' : 's'}`);
      stop = true;
    }
    if (stop) {
      stoppedEarly = epoch + 1 < epochs;
      break;
    }
  }
  return { history, stoppedEarly, trainSeconds };
}
