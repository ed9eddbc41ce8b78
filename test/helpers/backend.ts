/** Runs test code on one backend ('ts' or 'native') and restores the previous one. */
import * as nb from '../../src/index.js';

export function onBackend<T>(name: string, fn: () => T): T {
  const prev = nb.getBackend();
  nb.setBackend(name);
  try {
    return fn();
  } finally {
    nb.setBackend(prev);
  }
}
