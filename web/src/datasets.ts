/**
 * The playground's 2-D binary classification datasets, seeded: XOR, spirals, moons, circles and
 * Gaussian blobs, points in about [-1, 1]^2 with labels 0 / 1, Gaussian noise on the positions,
 * shuffled and split into train and test.
 */

export const DATASETS = ['xor', 'spirals', 'moons', 'circles', 'blobs'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface Points {
  /** x0, y0, x1, y1, ... */
  xy: Float32Array;
  /** 0 or 1 per point */
  label: Float32Array;
}

export interface DatasetOptions {
  name: DatasetName;
  n: number;
  /** standard deviation of the positional noise, in data units */
  noise: number;
  /** fraction of points kept for training (the rest are the test set) */
  trainFraction: number;
  seed: number;
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** One point of a dataset and its label. */
function point(name: DatasetName, i: number, n: number, r: () => number): [number, number, number] {
  const label = i % 2;
  switch (name) {
    case 'xor': {
      const pad = 0.05;
      const sx = r() < 0.5 ? -1 : 1;
      const sy = label === 1 ? sx : -sx;
      return [sx * (pad + r() * (0.95 - pad)), sy * (pad + r() * (0.95 - pad)), label];
    }
    case 'spirals': {
      const t = (Math.floor(i / 2) / Math.ceil(n / 2)) * 1.75 * 2 * Math.PI;
      const rad = (0.9 * t) / (1.75 * 2 * Math.PI);
      const phase = label * Math.PI;
      return [rad * Math.sin(t + phase), rad * Math.cos(t + phase), label];
    }
    case 'moons': {
      const a = r() * Math.PI;
      return label === 0 ? [Math.cos(a) * 0.6 - 0.3, Math.sin(a) * 0.6 - 0.15, 0] : [0.3 - Math.cos(a) * 0.6, 0.15 - Math.sin(a) * 0.6, 1];
    }
    case 'circles': {
      const a = r() * 2 * Math.PI;
      const rad = label === 1 ? r() * 0.4 : 0.6 + r() * 0.3;
      return [rad * Math.cos(a), rad * Math.sin(a), label];
    }
    case 'blobs': {
      const c = label === 1 ? 0.45 : -0.45;
      return [c + 0.2 * gauss(r), c + 0.2 * gauss(r), label];
    }
  }
}

/** The dataset's train and test points. */
export function makeDataset(o: DatasetOptions): { train: Points; test: Points } {
  if (!(DATASETS as readonly string[]).includes(o.name)) throw new Error(`makeDataset: unknown dataset '${o.name}' (one of ${DATASETS.join(', ')})`);
  if (!(o.trainFraction > 0 && o.trainFraction < 1)) throw new Error(`makeDataset: trainFraction must lie in (0, 1), got ${o.trainFraction}`);
  const r = rng(o.seed);
  const pts: [number, number, number][] = [];
  for (let i = 0; i < o.n; i++) {
    const [x, y, l] = point(o.name, i, o.n, r);
    pts.push([x + o.noise * gauss(r), y + o.noise * gauss(r), l]);
  }
  for (let i = pts.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [pts[i], pts[j]] = [pts[j]!, pts[i]!];
  }
  const nTrain = Math.max(1, Math.min(o.n - 1, Math.round(o.n * o.trainFraction)));
  const pack = (ps: [number, number, number][]): Points => {
    const xy = new Float32Array(ps.length * 2), label = new Float32Array(ps.length);
    ps.forEach(([x, y, l], k) => {
      xy[2 * k] = x;
      xy[2 * k + 1] = y;
      label[k] = l;
    });
    return { xy, label };
  };
  return { train: pack(pts.slice(0, nTrain)), test: pack(pts.slice(nTrain)) };
}
