/** Canvas drawing for the playground: the decision boundary heatmap with the points, and the loss curves. */
import type { Points } from './datasets.js';
import { EXTENT, GRID } from './protocol.js';

const C0 = [245, 147, 34] as const; // class 0: orange
const C1 = [8, 119, 189] as const; // class 1: blue

function mix(p: number): [number, number, number] {
  // white at p = 0.5, the class colour towards 0 or 1
  const a = Math.min(1, Math.abs(p - 0.5) * 2) * 0.75;
  const c = p < 0.5 ? C0 : C1;
  return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
}

/** The boundary (P(class 1) on the GRID x GRID grid) as a heatmap, with train and test points on top. */
export function drawBoundary(canvas: HTMLCanvasElement, grid: Float32Array, train: Points | null, test: Points | null): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('drawBoundary: no 2d context');
  const w = canvas.width, h = canvas.height;
  const img = ctx.createImageData(w, h);
  for (let y = 0; y < h; y++) {
    const row = Math.min(GRID - 1, Math.floor((y / h) * GRID));
    for (let x = 0; x < w; x++) {
      const col = Math.min(GRID - 1, Math.floor((x / w) * GRID));
      const [r, g, b] = mix(grid[row * GRID + col]!);
      const o = 4 * (y * w + x);
      img.data[o] = r;
      img.data[o + 1] = g;
      img.data[o + 2] = b;
      img.data[o + 3] = 255;
    }
  }
  ctx.putImageData(img, 0, 0);
  const px = (v: number): number => ((v + EXTENT) / (2 * EXTENT)) * w;
  const py = (v: number): number => ((EXTENT - v) / (2 * EXTENT)) * h;
  const dots = (p: Points, ringed: boolean): void => {
    for (let i = 0; i < p.label.length; i++) {
      const c = p.label[i]! > 0.5 ? C1 : C0;
      ctx.beginPath();
      ctx.arc(px(p.xy[2 * i]!), py(p.xy[2 * i + 1]!), 3.2, 0, 2 * Math.PI);
      ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
      ctx.strokeStyle = ringed ? '#000' : '#fff';
      ctx.lineWidth = ringed ? 1.2 : 0.8;
      ctx.fill();
      ctx.stroke();
    }
  };
  if (train !== null) dots(train, false);
  if (test !== null) dots(test, true);
}

/** Train (solid) and test (dashed) loss against step, on a linear scale from 0. */
export function drawLosses(canvas: HTMLCanvasElement, steps: number[], train: number[], test: number[]): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('drawLosses: no 2d context');
  const w = canvas.width, h = canvas.height, pad = 28;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.strokeRect(pad, 4, w - pad - 4, h - pad - 4);
  if (steps.length === 0) return;
  const maxStep = Math.max(1, steps[steps.length - 1]!);
  const maxLoss = Math.max(1e-6, ...train.filter(Number.isFinite), ...test.filter(Number.isFinite));
  ctx.fillStyle = '#555';
  ctx.font = '11px sans-serif';
  ctx.fillText(maxLoss.toFixed(2), 2, 12);
  ctx.fillText('0', 2, h - pad);
  ctx.fillText(`step ${maxStep}`, w - 70, h - 8);
  const x = (s: number): number => pad + (s / maxStep) * (w - pad - 4);
  const y = (l: number): number => 4 + (1 - l / maxLoss) * (h - pad - 4);
  const line = (vals: number[], color: string, dash: number[]): void => {
    ctx.beginPath();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.6;
    ctx.setLineDash(dash);
    vals.forEach((v, i) => (i === 0 ? ctx.moveTo(x(steps[i]!), y(v)) : ctx.lineTo(x(steps[i]!), y(v))));
    ctx.stroke();
  };
  line(train, '#333', []);
  line(test, '#c0392b', [5, 4]);
  ctx.setLineDash([]);
}
