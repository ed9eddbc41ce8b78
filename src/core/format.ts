/** Printing tensors the way PyTorch users expect: `tensor([[0.1000, 0.2000]], requiresGrad=true)`. */
import type { Tensor } from './tensor.js';

const EDGE = 3;
const MAX_FULL = 1000;

export function formatNumber(v: number, dtype: string, precision = 4): string {
  if (dtype === 'int32') return String(v);
  if (dtype === 'bool') return v ? 'true' : 'false';
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(precision);
  return v.toFixed(precision);
}

export function formatTensor(t: Tensor): string {
  const d = t.data();
  const summarise = t.size > MAX_FULL;
  const cells: string[] = Array.from(d, (v) => formatNumber(v, t.dtype));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  const strides: number[] = [];
  let acc = 1;
  for (let i = t.ndim - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= t.shape[i]!;
  }
  const render = (axis: number, start: number, indent: number): string => {
    if (t.ndim === 0) return cells[0]!;
    const n = t.shape[axis]!;
    const idx: (number | null)[] = [];
    if (summarise && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) idx.push(i);
      idx.push(null);
      for (let i = n - EDGE; i < n; i++) idx.push(i);
    } else for (let i = 0; i < n; i++) idx.push(i);
    if (axis === t.ndim - 1) {
      return '[' + idx.map((i) => (i === null ? '...' : cells[start + i]!.padStart(width))).join(', ') + ']';
    }
    const sep = ',' + '\n'.repeat(t.ndim - axis - 1) + ' '.repeat(indent + 1);
    return '[' + idx.map((i) => (i === null ? '...' : render(axis + 1, start + i * strides[axis]!, indent + 1))).join(sep) + ']';
  };
  const extras: string[] = [];
  if (t.size === 0) extras.push(`size=[${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.requiresGrad) extras.push(t._node ? `gradFn=${t._node.op}` : 'requiresGrad=true');
  return `tensor(${render(0, 0, 7)}${extras.map((e) => ', ' + e).join('')})`;
}
