/**
 * The first convolution seen on the drawing: for each filter its kernel (weights, orange negative,
 * blue positive, scaled by the largest |w| of all filters) and its feature map on the current
 * input (after the ReLU; one scale for all maps, so a brighter map is a stronger response).
 */
import { diverging, magma, paint } from './heatmap.js';

export class FeatureMaps {
  private readonly maps: HTMLCanvasElement[] = [];

  /** kernels: [C, 1, k, k] flattened; side: the maps' side (28). */
  constructor(container: HTMLElement, kernels: Float32Array, channels: number, k: number, private readonly side: number) {
    let wMax = 0;
    for (const w of kernels) wMax = Math.max(wMax, Math.abs(w));
    for (let c = 0; c < channels; c++) {
      const card = document.createElement('figure');
      card.className = 'fmap';
      const kernel = document.createElement('canvas');
      kernel.className = 'kernel';
      paint(kernel, kernels, k, k, (v) => diverging(v / wMax), c * k * k);
      const map = document.createElement('canvas');
      map.className = 'map';
      paint(map, new Float32Array(side * side), side, side, magma);
      const caption = document.createElement('figcaption');
      caption.append(kernel, `filter ${c + 1}`);
      card.append(map, caption);
      container.append(card);
      this.maps.push(map);
    }
  }

  /** maps: [C, side, side] flattened, or null for blank maps. */
  show(maps: Float32Array | null): void {
    const n = this.side * this.side;
    let top = 0;
    if (maps !== null) for (const v of maps) top = Math.max(top, v);
    const scale = top > 0 ? 1 / top : 0;
    this.maps.forEach((canvas, c) => {
      if (maps === null) paint(canvas, new Float32Array(n), this.side, this.side, magma);
      else paint(canvas, maps, this.side, this.side, (v) => magma(v * scale), c * n);
    });
  }
}
