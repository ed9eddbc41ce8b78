/**
 * A drawing as MNIST would have it. MNIST's digits were scaled (keeping their aspect ratio) to fit
 * a 20x20 box, anti-aliased, and placed in a 28x28 image so that their centre of mass is at the
 * centre. Here the strokes are kept as points, so that is done exactly rather than by resampling
 * pixels: the strokes' bounding box is scaled to fit the box, every pixel's ink is its distance to
 * the nearest stroke segment through a pen of fixed width (MNIST's strokes are 2-3 px wide
 * whatever size the digit was written at), and the centre of mass is moved to the centre by
 * drawing the strokes again, shifted by a fraction of a pixel where needed.
 */

export interface Point { x: number; y: number }
export type Stroke = readonly Point[];

/** The image side and the box the digit is scaled into (MNIST's 28 and 20). */
export const SIDE = 28;
export const BOX = 20;

export interface PreprocessOptions {
  /** Half the pen's width in pixels of the 28x28 image (default 1.25). */
  penRadius?: number;
  /** Width of the pen's soft edge in pixels (default 1): ink falls from 1 to 0 across it. */
  edge?: number;
}

interface Box { minX: number; minY: number; maxX: number; maxY: number }

function bounds(strokes: readonly Stroke[]): Box | null {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const s of strokes) {
    for (const p of s) {
      minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
      minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
    }
  }
  return minX === Infinity ? null : { minX, minY, maxX, maxY };
}

/** Squared distance from (px, py) to the segment a-b. */
function segmentDistance2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  const ex = px - (ax + t * dx), ey = py - (ay + t * dy);
  return ex * ex + ey * ey;
}

/** Draws the strokes (already in image coordinates, pixel i's centre at i + 0.5) with a round pen. */
export function rasterize(strokes: readonly Stroke[], penRadius: number, edge: number, side = SIDE): Float32Array {
  const img = new Float32Array(side * side);
  const reach = penRadius + edge / 2;
  const segment = (a: Point, b: Point): void => {
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - reach)), x1 = Math.min(side - 1, Math.ceil(Math.max(a.x, b.x) + reach));
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - reach)), y1 = Math.min(side - 1, Math.ceil(Math.max(a.y, b.y) + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const d = Math.sqrt(segmentDistance2(x + 0.5, y + 0.5, a.x, a.y, b.x, b.y));
        const ink = Math.max(0, Math.min(1, (reach - d) / edge));
        const i = y * side + x;
        if (ink > img[i]!) img[i] = ink;
      }
    }
  };
  for (const s of strokes) {
    if (s.length === 1) segment(s[0]!, s[0]!);
    for (let k = 1; k < s.length; k++) segment(s[k - 1]!, s[k]!);
  }
  return img;
}

/** The centre of mass of an image (x, y in pixel coordinates, pixel i's centre at i + 0.5). */
export function centreOfMass(img: Float32Array, side = SIDE): { x: number; y: number; mass: number } {
  let m = 0, mx = 0, my = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const v = img[y * side + x]!;
      m += v; mx += v * (x + 0.5); my += v * (y + 0.5);
    }
  }
  return m === 0 ? { x: side / 2, y: side / 2, mass: 0 } : { x: mx / m, y: my / m, mass: m };
}

/**
 * The strokes (in any coordinates, y down) as a 28x28 image in [0, 1], row-major, ink 1 on 0, as
 * MNIST's digits are; null when there are no points.
 */
export function toMnist(strokes: readonly Stroke[], opts: PreprocessOptions = {}): Float32Array | null {
  const r = opts.penRadius ?? 1.6, edge = opts.edge ?? 1.2;
  const box = bounds(strokes);
  if (box === null) return null;
  const size = Math.max(box.maxX - box.minX, box.maxY - box.minY);
  // the ink (the centre line widened by the pen and its soft edge) fills the 20x20 box along its longer side
  const scale = size === 0 ? 1 : (BOX - 2 * r - edge) / size;
  const cx = (box.minX + box.maxX) / 2, cy = (box.minY + box.maxY) / 2;
  const place = (dx: number, dy: number): Stroke[] =>
    strokes.map((s) => s.map((p) => ({ x: (p.x - cx) * scale + SIDE / 2 + dx, y: (p.y - cy) * scale + SIDE / 2 + dy })));
  const centred = rasterize(place(0, 0), r, edge);
  const com = centreOfMass(centred);
  return rasterize(place(SIDE / 2 - com.x, SIDE / 2 - com.y), r, edge);
}
