/**
 * The W6 table of a bench run: every implementation's tokens/s (median [min-max]), cpu-par, peak
 * RSS of its process, and nabla's best native setting divided by it.
 */
import type { CellResult } from './types.js';
import type { Results } from '../report.js';

function fmt(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '–';
  return x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toPrecision(3);
}

export function w6Table(res: Results): string {
  const rows = res.all.filter((r) => r.workload === 'W6');
  if (rows.length === 0) return '';
  const nb = res.nablaBest('W6');
  const line = (r: CellResult): string => {
    if (r.error) return `| ${r.lib} ${r.backend} | ${r.threads} | – | – | – | – | ${r.error} |`;
    const ratio = nb ? `${(nb.median / r.median).toFixed(2)}x` : '–';
    return `| ${r.lib} ${r.backend} | ${r.threads} | ${fmt(r.median)} [${fmt(r.min)}–${fmt(r.max)}] | ${r.cpuPar.toFixed(2)} | ${fmt(r.peakRssMB)} | ${r === nb ? '' : ratio} | ${r.case}; ${r.n} ${r.method}${r.note ? '; ' + r.note : ''} |`;
  };
  return ['| implementation | threads | tokens/s | cpu-par | peak RSS MB | nabla best ÷ this | notes |', '|---|---|---|---|---|---|---|', ...rows.map(line)].join('\n');
}
