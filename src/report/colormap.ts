/**
 * Colour maps for images of tensors: value t in [0, 1] -> 8-bit RGB.
 * - `gray`: 0 black, 1 white (the usual way to show digits and activations);
 * - `gray-inverted`: 0 white, 1 black (ink on paper);
 * - `diverging`: blue for negative, white at the middle, red for positive (ColorBrewer RdBu),
 *   for signed quantities such as filter weights; pair it with a range symmetric about zero;
 * - `viridis`: perceptually uniform dark purple -> yellow, for non-negative maps.
 */
export type Colormap = 'gray' | 'gray-inverted' | 'diverging' | 'viridis';

export const COLORMAPS: readonly Colormap[] = ['gray', 'gray-inverted', 'diverging', 'viridis'];

type RGB = readonly [number, number, number];
const STOPS: Record<'diverging' | 'viridis', readonly RGB[]> = {
  // ColorBrewer RdBu (11 classes) reversed, so low = blue and high = red.
  diverging: [
    [5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
    [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31],
  ],
  viridis: [
    [68, 1, 84], [72, 40, 120], [62, 73, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137],
    [53, 183, 121], [110, 206, 88], [181, 222, 43], [253, 231, 37],
  ],
};

/** Maps t (clamped to [0, 1]; NaN -> 0.5) to an RGB triple of bytes under `map`. */
export function colorAt(map: Colormap, t: number): RGB {
  const u = Number.isNaN(t) ? 0.5 : Math.min(1, Math.max(0, t));
  if (map === 'gray' || map === 'gray-inverted') {
    const g = Math.round((map === 'gray' ? u : 1 - u) * 255);
    return [g, g, g];
  }
  const stops = STOPS[map];
  const x = u * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** A CSS `linear-gradient(...)` of `map`, for a colour bar beside images. */
export function cssGradient(map: Colormap, steps = 11): string {
  const parts: string[] = [];
  for (let i = 0; i < steps; i++) {
    const [r, g, b] = colorAt(map, i / (steps - 1));
    parts.push(`rgb(${r},${g},${b}) ${((100 * i) / (steps - 1)).toFixed(0)}%`);
  }
  return `linear-gradient(to right, ${parts.join(', ')})`;
}
