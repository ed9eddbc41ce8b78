/**
 * RGB pictures for the application reports: a grayscale image upscaled, with coloured mask
 * overlays and box outlines drawn on it, encoded through the public report API
 * (`nb.report.encodePNG`, `nb.report.pngDataUrl`), and a grid of captioned figures.
 */
import * as nb from '../../src/index.js';

export type RGB = readonly [number, number, number];

export const COLORS = {
  red: [220, 50, 47] as RGB,
  green: [40, 170, 80] as RGB,
  blue: [38, 110, 220] as RGB,
  yellow: [240, 190, 20] as RGB,
  magenta: [200, 60, 180] as RGB,
  cyan: [20, 170, 190] as RGB,
};

/** A width x height RGB picture (bytes), drawn at `scale` pixels per source pixel. */
export class Picture {
  readonly rgb: Uint8Array;
  readonly W: number;
  readonly H: number;
  constructor(readonly width: number, readonly height: number, readonly scale = 4) {
    this.W = width * scale;
    this.H = height * scale;
    this.rgb = new Uint8Array(this.W * this.H * 3).fill(255);
  }

  /** A grayscale image (values in [lo, hi]) as the picture's background. */
  static gray(pixels: ArrayLike<number>, width: number, height: number, scale = 4, lo = 0, hi = 1): Picture {
    const p = new Picture(width, height, scale);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, (pixels[y * width + x]! - lo) / (hi - lo))));
        p.fillCell(x, y, [v, v, v]);
      }
    }
    return p;
  }

  private fillCell(x: number, y: number, c: RGB, alpha = 1): void {
    const s = this.scale;
    for (let dy = 0; dy < s; dy++) {
      for (let dx = 0; dx < s; dx++) this.blend((y * s + dy) * this.W + x * s + dx, c, alpha);
    }
  }

  private blend(i: number, c: RGB, alpha: number): void {
    const o = i * 3;
    for (let k = 0; k < 3; k++) this.rgb[o + k] = Math.round(this.rgb[o + k]! * (1 - alpha) + c[k]! * alpha);
  }

  /** Tints the source pixels where mask[i] > 0.5 with colour `c` at opacity `alpha`. */
  overlay(mask: ArrayLike<number>, c: RGB, alpha = 0.45): this {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) if (mask[y * this.width + x]! > 0.5) this.fillCell(x, y, c, alpha);
    }
    return this;
  }

  /** The outline of a box given in source pixels [x0, y0, x1, y1) (`thick` screen pixels wide). */
  box(x0: number, y0: number, x1: number, y1: number, c: RGB, thick = 2, dashed = false): this {
    const s = this.scale;
    const X0 = Math.max(0, Math.round(x0 * s));
    const Y0 = Math.max(0, Math.round(y0 * s));
    const X1 = Math.min(this.W - 1, Math.round(x1 * s) - 1);
    const Y1 = Math.min(this.H - 1, Math.round(y1 * s) - 1);
    const put = (x: number, y: number, along: number) => {
      if (dashed && Math.floor(along / 4) % 2 === 1) return;
      if (x >= 0 && y >= 0 && x < this.W && y < this.H) this.blend(y * this.W + x, c, 1);
    };
    for (let t = 0; t < thick; t++) {
      for (let x = X0; x <= X1; x++) {
        put(x, Y0 + t, x);
        put(x, Y1 - t, x);
      }
      for (let y = Y0; y <= Y1; y++) {
        put(X0 + t, y, y);
        put(X1 - t, y, y);
      }
    }
    return this;
  }

  dataUrl(): string {
    return nb.report.pngDataUrl(nb.report.encodePNG(this.rgb, this.W, this.H, 2));
  }
}

/** A grid of captioned pictures as an HTML fragment (captions are escaped). */
export function pictureGrid(items: readonly { picture: Picture; caption: string }[], cols = 6): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const w = Math.max(...items.map((i) => i.picture.W), 60);
  const figs = items.map(({ picture, caption }) =>
    `<figure style="margin:0;text-align:center"><img src="${picture.dataUrl()}" width="${picture.W}" height="${picture.H}" alt="${esc(caption)}" ` +
    `style="image-rendering:pixelated;border:1px solid #d0d4da;display:block;margin:0 auto">` +
    `<figcaption style="font-size:12px;line-height:1.3;margin-top:4px;color:#333">${esc(caption)}</figcaption></figure>`,
  );
  return `<div style="display:grid;grid-template-columns:repeat(auto-fill,${w}px);max-width:${cols * (w + 14)}px;gap:12px 14px;align-items:start">${figs.join('')}</div>`;
}

/** Seconds since `t0` (from performance.now()). */
export function secondsSince(t0: number): number {
  return (performance.now() - t0) / 1000;
}
