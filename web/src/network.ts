/**
 * Draws the network: a column of units per layer (the inputs x1 and x2 first), each unit as its
 * activation map over the square (orange negative, white zero, blue positive, scaled per unit),
 * and an edge per weight, blue positive and orange negative, thicker for larger magnitude.
 */
import { NEURON_GRID, type NetworkView } from './protocol.js';

const POS = [8, 119, 189] as const;
const NEG = [245, 147, 34] as const;

function colour(v: number): [number, number, number] {
  const a = Math.min(1, Math.abs(v));
  const c = v < 0 ? NEG : POS;
  return [255 + (c[0] - 255) * a, 255 + (c[1] - 255) * a, 255 + (c[2] - 255) * a];
}

/** The inputs' own maps: x1 and x2 over the square, scaled to [-1, 1]. */
function inputMaps(): Float32Array[] {
  const x = new Float32Array(NEURON_GRID * NEURON_GRID), y = new Float32Array(NEURON_GRID * NEURON_GRID);
  for (let r = 0; r < NEURON_GRID; r++) {
    for (let c = 0; c < NEURON_GRID; c++) {
      x[r * NEURON_GRID + c] = -1 + ((c + 0.5) / NEURON_GRID) * 2;
      y[r * NEURON_GRID + c] = 1 - ((r + 0.5) / NEURON_GRID) * 2;
    }
  }
  return [x, y];
}

export function drawNetwork(canvas: HTMLCanvasElement, net: NetworkView): void {
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('drawNetwork: no 2d context');
  const w = canvas.width, h = canvas.height;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const layers = net.sizes.length;
  const maxUnits = Math.max(...net.sizes);
  const box = Math.max(8, Math.min(32, Math.floor((h - 8) / maxUnits) - 4));
  const colX = (l: number): number => 10 + (l * (w - 20 - box)) / Math.max(1, layers - 1);
  const unitY = (l: number, u: number): number => {
    const n = net.sizes[l]!, gap = (h - n * box) / (n + 1);
    return gap + u * (box + gap);
  };
  // edges under the units
  let maxW = 1e-6;
  for (const W of net.weights) for (const v of W) maxW = Math.max(maxW, Math.abs(v));
  net.weights.forEach((W, l) => {
    const nIn = net.sizes[l]!, nOut = net.sizes[l + 1]!;
    for (let o = 0; o < nOut; o++) {
      for (let i = 0; i < nIn; i++) {
        const v = W[o * nIn + i]!;
        const c = v < 0 ? NEG : POS;
        ctx.strokeStyle = `rgba(${c[0]},${c[1]},${c[2]},0.8)`;
        ctx.lineWidth = 0.3 + 3.5 * (Math.abs(v) / maxW);
        ctx.beginPath();
        ctx.moveTo(colX(l) + box, unitY(l, i) + box / 2);
        ctx.lineTo(colX(l + 1), unitY(l + 1, o) + box / 2);
        ctx.stroke();
      }
    }
  });
  // the units' activation maps
  const img = ctx.createImageData(NEURON_GRID, NEURON_GRID);
  const tile = document.createElement('canvas');
  tile.width = tile.height = NEURON_GRID;
  const tctx = tile.getContext('2d');
  if (tctx === null) throw new Error('drawNetwork: no 2d context');
  const maps = [inputMaps(), ...net.neurons];
  maps.forEach((units, l) => {
    units.forEach((m, u) => {
      let scale = 1e-6;
      const isOutput = l === maps.length - 1;
      for (const v of m) scale = Math.max(scale, Math.abs(isOutput ? v - 0.5 : v));
      if (isOutput) scale = 0.5;
      for (let k = 0; k < m.length; k++) {
        const [r, g, b] = colour((isOutput ? m[k]! - 0.5 : m[k]!) / scale);
        img.data[4 * k] = r;
        img.data[4 * k + 1] = g;
        img.data[4 * k + 2] = b;
        img.data[4 * k + 3] = 255;
      }
      tctx.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(tile, colX(l), unitY(l, u), box, box);
      ctx.strokeStyle = '#666';
      ctx.lineWidth = 1;
      ctx.strokeRect(colX(l) + 0.5, unitY(l, u) + 0.5, box - 1, box - 1);
    });
  });
}
