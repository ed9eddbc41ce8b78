/**
 * The page side of the browser run (bench/browser/run.ts): a page bundle calls `exposeCells`
 * with its library's cell runner; the runner then calls `benchCell(spec)` in the page, which
 * returns the cell's results (a SkipCell becomes one result whose error starts "skipped: ").
 * Fashion-MNIST comes from the local server as the raw IDX payloads.
 */
import { SKIPPED, type CellResult, type CellSpec } from '../lib/types.js';
import { fashionFromBytes, type Fashion } from './fashion.js';

export type PageRunner = (spec: CellSpec, train: () => Promise<Fashion>) => Promise<CellResult[]>;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`bench page: GET ${url} answered ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

let cached: Promise<Fashion> | null = null;

/** The 60,000 training images and labels (fetched once per page). */
export function trainSet(): Promise<Fashion> {
  cached ??= Promise.all([fetchBytes('/data/train-pixels.u8'), fetchBytes('/data/train-labels.u8')]).then(([p, l]) => fashionFromBytes(p, l));
  return cached;
}

export function exposeCells(run: PageRunner): void {
  const g = globalThis as unknown as { benchCell(spec: CellSpec): Promise<CellResult[]>; benchReady: boolean; crossOriginIsolated?: boolean };
  g.benchCell = async (spec) => {
    try {
      return await run(spec, trainSet);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const skipped = err.name === 'SkipCell';
      return [{
        workload: spec.workload, lib: spec.lib, backend: spec.backend, threads: spec.threads, case: '', metric: '', unit: '', higherIsBetter: true,
        median: NaN, min: NaN, max: NaN, n: 0, method: '', cpuPar: NaN, error: skipped ? `${SKIPPED}${err.message}` : `${err.message}`.slice(0, 300),
      }];
    }
  };
  g.benchReady = true;
}
