/**
 * A training run's directory on disk (Node only; the training loop itself is in fit.ts):
 *
 * - a lock file (`.lock`, naming the PID, host and start time of its process) so a second run
 *   on the same directory is refused while the first is alive; a lock left by a process that is
 *   gone (killed, crashed) is detected and taken over with a message;
 * - temporary files left by a killed atomic write (`.name.<pid>.<hex>.tmp`,
 *   `name.<pid>.<time>.tmp`) are removed when the run opens;
 * - resuming checks everything before it changes anything: a missing or unreadable checkpoint
 *   is an error and leaves the directory as it was;
 * - `metrics.jsonl` has exactly one row per epoch: the checkpoint (written atomically) is the
 *   record of what happened, and on resume the log is rewritten from the checkpoint's history,
 *   so rows of an epoch that was cut short by a kill disappear and none is doubled.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NablaError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { CheckpointData } from './checkpoint.js';
import type { RunHandle } from './run-files.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';

export const LOCK_FILE = '.lock';
export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const METRICS_FILE = 'metrics.jsonl';

/** What the lock file holds. */
export interface LockInfo {
  pid: number;
  host: string;
  /** the process's start time from /proc (Linux), to tell a live owner from a reused PID */
  procStart?: string;
  started: string;
}

/** Start time of a process in clock ticks since boot (Linux), or undefined where /proc is absent. */
function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote `lock` still runs (same host only; another host's lock counts as live). */
export function lockOwnerAlive(lock: LockInfo): boolean {
  if (lock.host !== os.hostname()) return true;
  try {
    process.kill(lock.pid, 0);
  } catch (e) {
    // EPERM: it exists but belongs to someone else
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (lock.procStart !== undefined) {
    const now = procStart(lock.pid);
    if (now !== undefined && now !== lock.procStart) return false; // the PID was reused
  }
  return true;
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockInfo>;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? (v as LockInfo) : null;
  } catch {
    return null;
  }
}

/** Takes the run directory's lock or throws naming the live owner; takes over a stale lock with a message. */
function acquireLock(dir: string, log: (line: string) => void): string {
  const file = path.join(dir, LOCK_FILE);
  const mine: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  const start = procStart(process.pid);
  if (start !== undefined) mine.procStart = start;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o644);
      try {
        fs.writeSync(fd, JSON.stringify(mine) + '\n');
      } finally {
        fs.closeSync(fd);
      }
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new NablaError(`fit: cannot create the lock ${file}: ${(e as Error).message}`);
    }
    const owner = readLock(file);
    if (owner === null) {
      // unreadable: a lock being written right now, or a torn one; look again shortly
      const age = Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age < 2000) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
        continue;
      }
      log(`fit: removing an unreadable lock ${file}`);
    } else if (lockOwnerAlive(owner)) {
      throw new NablaError(
        `fit: ${dir} is in use by another run (pid ${owner.pid} on ${owner.host}, started ${owner.started}); ` +
          `wait for it to finish or use another output directory${owner.host !== os.hostname() ? ` (if that run is gone, delete ${file})` : ''}`,
      );
    } else {
      log(`fit: taking over the lock of ${dir} from pid ${owner.pid}, which is no longer running`);
    }
    fs.rmSync(file, { force: true });
  }
  throw new NablaError(`fit: could not take the lock ${file}`);
}

/** Temporary files of atomic writes (io/atomic.ts and report/html.ts), which a killed write leaves behind. */
const TEMP = [/^\..+\.\d+\.[0-9a-f]{12}\.tmp$/, /^.+\.\d+\.\d+\.tmp$/];

function removeTempFiles(dir: string): string[] {
  const removed: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    if (TEMP.some((re) => re.test(name))) {
      fs.rmSync(path.join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

export interface OpenRunOptions {
  /** resume from this checkpoint file, or `true`: the directory's own checkpoint (which must exist) */
  resume?: string | boolean;
  log: (line: string) => void;
}

/** An open run directory (see the module comment). Close it when the run ends, however it ends. */
export class RunDir implements RunHandle {
  private lockFile: string | null;
  /** the checkpoint resumed from (loaded, not yet applied) */
  readonly checkpoint: CheckpointData | undefined;
  readonly resumedFrom: string | undefined;

  private constructor(
    readonly dir: string,
    lockFile: string,
    checkpoint: CheckpointData | undefined,
    resumedFrom: string | undefined,
    private readonly log: (line: string) => void,
  ) {
    this.lockFile = lockFile;
    this.checkpoint = checkpoint;
    this.resumedFrom = resumedFrom;
  }

  /** Reads a checkpoint file (for resuming without a run directory). */
  static readCheckpoint(file: string): CheckpointData {
    if (!fs.existsSync(file)) throw new NablaError(`fit: the checkpoint to resume from, ${file}, does not exist`);
    return loadCheckpoint(file);
  }

  get checkpointPath(): string {
    return path.join(this.dir, CHECKPOINT_FILE);
  }

  get metricsPath(): string {
    return path.join(this.dir, METRICS_FILE);
  }

  /**
   * Opens `dir` for a run: checks a resume source first (nothing on disk changes if that fails),
   * then creates the directory, takes the lock and loads the checkpoint. Nothing else changes
   * until `begin`.
   */
  static open(dir: string, opts: OpenRunOptions): RunDir {
    const own = path.join(dir, CHECKPOINT_FILE);
    let from: string | undefined;
    if (typeof opts.resume === 'string') from = opts.resume;
    else if (opts.resume === true) from = own;
    if (from !== undefined && !fs.existsSync(from)) {
      throw new NablaError(
        from === own
          ? `fit: nothing to resume in ${dir}: ${fs.existsSync(dir) ? `it has no ${CHECKPOINT_FILE}` : 'the directory does not exist'}; start the run without resume`
          : `fit: the checkpoint to resume from, ${from}, does not exist`,
      );
    }
    const created = !fs.existsSync(dir);
    fs.mkdirSync(dir, { recursive: true });
    let lock: string;
    try {
      lock = acquireLock(dir, opts.log);
    } catch (e) {
      if (created) fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    let ck: CheckpointData | undefined;
    try {
      if (from !== undefined) ck = loadCheckpoint(from);
    } catch (e) {
      fs.rmSync(lock, { force: true });
      throw e;
    }
    return new RunDir(dir, lock, ck, from, opts.log);
  }

  /**
   * Called once the checkpoint has been applied to the model and optimizer (so a resume that
   * fails there has changed nothing): removes temporary files of interrupted writes and makes
   * metrics.jsonl one row per epoch of `history` (empty for a fresh run).
   */
  begin(history: readonly object[]): void {
    const stale = removeTempFiles(this.dir);
    if (stale.length > 0) this.log(`fit: removed ${stale.length} unfinished temporary file${stale.length === 1 ? '' : 's'} of an interrupted write: ${stale.join(', ')}`);
    if (history.length === 0) fs.rmSync(this.metricsPath, { force: true });
    else this.writeMetrics(history);
  }

  /** Rewrites metrics.jsonl to exactly these records (one row each), atomically. */
  writeMetrics(history: readonly object[]): void {
    writeFileAtomic(this.metricsPath, new TextEncoder().encode(history.map((r) => JSON.stringify(r) + '\n').join('')));
  }

  /**
   * Ends an epoch on disk: the checkpoint first (atomic: the old one or the new one, never a mix),
   * then the epoch's row appended to metrics.jsonl. A kill between the two leaves the log one row
   * short, which the next resume rewrites from the checkpoint.
   */
  endEpoch(record: object, checkpoint: CheckpointData): void {
    saveCheckpoint(this.checkpointPath, checkpoint);
    fs.appendFileSync(this.metricsPath, JSON.stringify(record) + '\n');
  }

  /** Releases the lock (if this process still holds it). */
  close(): void {
    if (this.lockFile === null) return;
    const owner = readLock(this.lockFile);
    if (owner !== null && owner.pid === process.pid && owner.host === os.hostname()) fs.rmSync(this.lockFile, { force: true });
    this.lockFile = null;
  }
}
