/**
 * Attention heatmaps: one small canvas per layer and head, query i down, key j across (causal, so
 * the upper triangle is empty). A cell's colour is p_ij^0.5 on a white-to-indigo scale (the square
 * root lifts the small weights into view); the selected query's row is outlined in orange.
 */

/** white (0) to indigo (1) */
export function colour(p: number): [number, number, number] {
  const t = Math.sqrt(Math.min(1, Math.max(0, p)));
  return [Math.round(255 - t * (255 - 40)), Math.round(255 - t * (255 - 40)), Math.round(255 - t * (255 - 140))];
}

/** Draws the T x T map `p` (row-major) into `canvas`, scaled to its size, outlining row `query`. */
export function drawHeatmap(canvas: HTMLCanvasElement, p: Float32Array, T: number, query: number | null): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('heatmap: no 2-D context');
  const img = ctx.createImageData(T, T);
  for (let i = 0; i < T * T; i++) {
    const [r, g, b] = colour(p[i]!);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  // drawn at T x T on a scratch canvas, then scaled without smoothing: crisp cells at any size
  const scratch = new OffscreenCanvas(T, T);
  scratch.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(scratch, 0, 0, canvas.width, canvas.height);
  if (query !== null && query >= 0 && query < T) {
    const h = canvas.height / T;
    ctx.strokeStyle = '#e8590c';
    ctx.lineWidth = 1.5;
    ctx.strokeRect(0.75, query * h, canvas.width - 1.5, h);
  }
}

/** The row (query) of `canvas` under a pointer event, for a T x T map. */
export function rowAt(canvas: HTMLCanvasElement, e: MouseEvent, T: number): number {
  const r = canvas.getBoundingClientRect();
  return Math.min(T - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * T)));
}
