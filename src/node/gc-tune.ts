/**
 * One V8 setting for training loops, applied by the Node entry: ArrayBuffers freed on the main
 * thread, in the young-generation collection that finds them dead, instead of by V8's background
 * sweeper (`--no-concurrent-array-buffer-sweeping`).
 *
 * Why: a training step allocates its activations as fresh arrays (a CNN step on 64 Fashion-MNIST
 * images: ~13 MB in 9 arrays) that are dead a step later. With the background sweeper, V8 counts
 * their bytes as live until the sweep task has run, and the sweep task competes for the second
 * core with nabla's kernel threads; the bytes still counted push the old generation past its
 * limit, and V8 answers with a full mark-compact every few steps (measured: ~190 in 1,500 W3
 * steps, against ~25 with the sweeping done in the scavenge), whose concurrent marking takes the
 * core the kernels' second thread needed. Freeing on the main thread costs a few free() calls per
 * scavenge. Measured side by side (bench/README.md, "V8's ArrayBuffer sweeping"): W3 +9 % on one
 * thread, +23 % on two.
 *
 * The flag is process-wide (the whole program's ArrayBuffers are then swept this way), so it is
 * said: `gcTuning()` reports it, and `NABLA_GC_TUNE=0` in the environment leaves V8 alone (as does
 * a `--[no-]concurrent-array-buffer-sweeping` flag of the user's own on node's command line).
 */
import { setFlagsFromString } from 'node:v8';

const FLAG = 'concurrent-array-buffer-sweeping';
let state = 'not applied';

function userChoseFlag(): boolean {
  // (Node refuses V8 flags in NODE_OPTIONS: the command line is the only place a user sets it)
  return process.execArgv.some((a) => a.replace(/_/g, '-').replace(/^--no-/, '--').startsWith(`--${FLAG}`));
}

/** Applies the setting unless the environment says not to; idempotent. */
export function tuneGc(): void {
  if (process.env['NABLA_GC_TUNE'] === '0') {
    state = 'left alone (NABLA_GC_TUNE=0)';
    return;
  }
  if (userChoseFlag()) {
    state = `left alone (the process was started with its own --${FLAG} setting)`;
    return;
  }
  try {
    setFlagsFromString(`--no-${FLAG}`);
    state = `--no-${FLAG} (dead ArrayBuffers freed in the scavenge that finds them; NABLA_GC_TUNE=0 leaves V8 alone)`;
  } catch (e) {
    state = `not applied: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** What the Node entry did to V8's garbage collector, for bench headers and bug reports. */
export function gcTuning(): string {
  return state;
}
