/**
 * Images of tensors for the report: a 2-D array of numbers -> PNG bytes (through a colour map)
 * -> `data:` URL -> a grid of `<figure>`s with captions. Misclassified digits, first-layer
 * convolution filters and feature maps all go through `imageGrid`.
 */
import { NablaError } from '../core/errors.js';
import { colorAt, cssGradient, type Colormap } from './colormap.js';
import { escapeHtml, formatValue } from './escape.js';
import { encodePNG } from './png.js';

export interface ImageOptions {
  /** Integer nearest-neighbour upscaling factor (default 1). */
  scale?: number;
  /** Value drawn as the low end of the colour map (default: the minimum; for `diverging`, -max|v|). */
  min?: number;
  /** Value drawn as the high end (default: the maximum; for `diverging`, +max|v|). */
  max?: number;
  /** Default `gray` (black = min, white = max). */
  colormap?: Colormap;
}

/** The range `[lo, hi]` an image is drawn with: explicit bounds win, `diverging` is symmetric about 0. */
export function valueRange(pixels: ArrayLike<number>, colormap: Colormap = 'gray', min?: number, max?: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) [lo, hi] = [0, 1];
  if (colormap === 'diverging' && min === undefined && max === undefined) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return [min ?? lo, max ?? hi];
}

/**
 * Encodes a `height x width` row-major array of numbers as a PNG: value v is drawn at
 * t = (v - min) / (max - min) on the colour map (a flat image is drawn at t = 0.5 for
 * `diverging`, 0 otherwise). `gray` writes an 8-bit grayscale PNG, other maps 8-bit RGB.
 */
export function grayscaleToPNG(pixels: Float32Array | Float64Array | ArrayLike<number>, width: number, height: number, opts: ImageOptions = {}): Uint8Array {
  const scale = opts.scale ?? 1;
  const colormap = opts.colormap ?? 'gray';
  if (pixels.length !== width * height) {
    throw new NablaError(`grayscaleToPNG: ${pixels.length} pixels do not fill a ${height}x${width} image (need ${width * height}); pass the image's own width and height`);
  }
  if (!Number.isInteger(scale) || scale < 1) throw new NablaError(`grayscaleToPNG: scale must be a positive integer, got ${scale}`);
  const [lo, hi] = valueRange(pixels, colormap, opts.min, opts.max);
  const span = hi - lo;
  const flat = colormap === 'diverging' ? 0.5 : 0;
  const channels = colormap === 'gray' ? 1 : 3;
  const W = width * scale;
  const out = new Uint8Array(W * height * scale * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = span > 0 ? (pixels[y * width + x]! - lo) / span : flat;
      const rgb = colorAt(colormap, t);
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const p = ((y * scale + dy) * W + x * scale + dx) * channels;
          if (channels === 1) out[p] = rgb[0];
          else {
            out[p] = rgb[0];
            out[p + 1] = rgb[1];
            out[p + 2] = rgb[2];
          }
        }
      }
    }
  }
  return encodePNG(out, W, height * scale, channels === 1 ? 0 : 2);
}

/** `data:image/png;base64,...` for embedding PNG bytes in HTML without a file. */
export function pngDataUrl(bytes: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** One image of a grid: row-major values plus optional caption and per-image drawing options. */
export interface GridImage {
  pixels: Float32Array | Float64Array | ArrayLike<number>;
  width: number;
  height: number;
  caption?: string;
  colormap?: Colormap;
  min?: number;
  max?: number;
}

export interface ImageGridOptions {
  /** Images per row (default 8). */
  cols?: number;
  /** Upscaling factor (default 3). */
  scale?: number;
  /** Captions by position; an image's own `caption` wins. */
  labels?: readonly string[];
  /** Colour map for images that do not name one (default `gray`). */
  colormap?: Colormap;
  /**
   * `each` (default): every image uses its own range. `shared`: one range over all images, so
   * that colours compare across them (right for a layer's filters); a colour bar is added.
   */
  range?: 'each' | 'shared';
}

/** Caption for a misclassified sample: `true 7, predicted 1 (p=0.83)`. */
export function misclassifiedCaption(trueLabel: string | number, predLabel: string | number, prob?: number): string {
  return `true ${trueLabel}, predicted ${predLabel}` + (prob === undefined ? '' : ` (p=${prob.toFixed(2)})`);
}

/**
 * An HTML fragment: a CSS grid of `<figure>`s, each an `<img>` (PNG data URL) and a
 * `<figcaption>`. Self-contained (inline styles), so it can be placed in any page.
 */
export function imageGrid(images: readonly GridImage[], opts: ImageGridOptions = {}): string {
  const cols = opts.cols ?? 8;
  const scale = opts.scale ?? 3;
  let shared: [number, number] | undefined;
  const map = opts.colormap ?? 'gray';
  if (opts.range === 'shared' && images.length > 0) {
    const all: number[] = [];
    for (const im of images) for (let i = 0; i < im.pixels.length; i++) all.push(im.pixels[i]!);
    shared = valueRange(all, map);
  }
  const figs = images.map((im, i) => {
    const colormap = im.colormap ?? map;
    const png = grayscaleToPNG(im.pixels, im.width, im.height, {
      scale,
      colormap,
      min: im.min ?? shared?.[0],
      max: im.max ?? shared?.[1],
    });
    const caption = im.caption ?? opts.labels?.[i];
    const alt = escapeHtml(caption ?? `image ${i + 1}`);
    return (
      `<figure style="margin:0;text-align:center">` +
      `<img src="${pngDataUrl(png)}" width="${im.width * scale}" height="${im.height * scale}" alt="${alt}" ` +
      `style="image-rendering:pixelated;border:1px solid #d0d4da;display:block;margin:0 auto">` +
      (caption === undefined ? '' : `<figcaption style="font-size:12px;line-height:1.3;margin-top:4px;color:#333">${escapeHtml(caption)}</figcaption>`) +
      `</figure>`
    );
  });
  // Columns as wide as the widest image (captions wrap under it), at most `cols` per row and fewer
  // on narrow pages.
  const captions = images.map((im, i) => im.caption ?? opts.labels?.[i] ?? '');
  const captionW = Math.min(84, 6.5 * Math.max(0, ...captions.map((c) => c.length)));
  const cellW = Math.ceil(Math.max(captionW, ...images.map((im) => im.width * scale)));
  const gap = 14;
  let html =
    `<div class="nb-image-grid" style="display:grid;grid-template-columns:repeat(auto-fill,${cellW}px);` +
    `max-width:${cols * (cellW + gap) - gap}px;gap:12px ${gap}px;align-items:start">` +
    figs.join('') +
    `</div>`;
  if (shared) html += colorBar(map, shared[0], shared[1]);
  return html;
}

/** A horizontal colour bar labelled with its low, middle and high values. */
export function colorBar(map: Colormap, lo: number, hi: number): string {
  const label = (v: number) => `<span>${escapeHtml(formatValue(v))}</span>`;
  return (
    `<div class="nb-colorbar" style="margin-top:10px;width:240px;font-size:11px;color:#555">` +
    `<div style="height:10px;border:1px solid #d0d4da;background:${cssGradient(map)}"></div>` +
    `<div style="display:flex;justify-content:space-between">${label(lo)}${label((lo + hi) / 2)}${label(hi)}</div>` +
    `</div>`
  );
}
