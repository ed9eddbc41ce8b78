/**
 * Small images of numbers: a w x h grid of values painted one canvas pixel each (CSS scales the
 * canvas up with `image-rendering: pixelated`). `magma` for activations (0 dark, the top of the
 * scale light), `diverging` for weights (orange negative, white 0, blue positive, as the trainer
 * page colours them).
 */
export type Rgb = readonly [number, number, number];

const MAGMA: readonly Rgb[] = [[0, 0, 4], [59, 15, 112], [140, 41, 129], [222, 73, 104], [254, 159, 109], [252, 253, 191]];
const NEGATIVE: Rgb = [245, 147, 34];
const POSITIVE: Rgb = [8, 119, 189];

/** v in [0, 1] on a magma-like ramp. */
export function magma(v: number): Rgb {
  const t = Math.max(0, Math.min(1, v)) * (MAGMA.length - 1);
  const i = Math.min(MAGMA.length - 2, Math.floor(t)), f = t - i;
  const a = MAGMA[i]!, b = MAGMA[i + 1]!;
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** v in [-1, 1]: orange below 0, white at 0, blue above. */
export function diverging(v: number): Rgb {
  const a = Math.min(1, Math.abs(v));
  const c = v < 0 ? NEGATIVE : POSITIVE;
  return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
}

/** Paints values[offset .. offset + w*h) (row-major) on the canvas, resized to w x h. */
export function paint(canvas: HTMLCanvasElement, values: ArrayLike<number>, w: number, h: number, colour: (v: number) => Rgb, offset = 0): void {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('digit page: a heatmap canvas has no 2-D context');
  const img = ctx.createImageData(w, h);
  for (let i = 0; i < w * h; i++) {
    const [r, g, b] = colour(values[offset + i]!);
    img.data[4 * i] = r;
    img.data[4 * i + 1] = g;
    img.data[4 * i + 2] = b;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}
