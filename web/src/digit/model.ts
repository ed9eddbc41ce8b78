/**
 * The digit classifier: a network trained by `nabla train` (see `npm run web:models`), read from
 * its safetensors file into the model the CLI trained (`nb.train.modelRecipe`, named by the file's
 * metadata), and run on one 28x28 image: the ten class probabilities and the first convolution's
 * feature maps (after its activation, as the next layer sees them).
 */
import * as nb from 'nabla';

export interface DigitModel {
  net: nb.nn.Sequential;
  /** index in `net` of the layer whose output is shown: the first Conv2d, or the ReLU after it */
  mapsAt: number;
  /** the first convolution's kernels [C, 1, k, k] */
  kernels: nb.Tensor;
  /** the file's metadata (model, dataset, seed, testAccuracy, ...) */
  metadata: Record<string, string>;
  parameters: number;
  bytes: number;
}

export interface Classification {
  probs: Float32Array;
  /** feature maps [C, H, W], flattened */
  maps: Float32Array;
  mapShape: [number, number, number];
  /** milliseconds the forward pass took */
  ms: number;
}

export async function loadDigitModel(url: string): Promise<DigitModel> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`digit model: fetching ${url} failed: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const { tensors, metadata } = nb.parseSafetensors(bytes, url);
  const name = metadata['model'];
  if (name === undefined) throw new Error(`digit model: ${url} has no 'model' in its metadata; write it with nabla train --weights-out`);
  const net = nb.train.modelRecipe(name).build();
  if (!(net instanceof nb.nn.Sequential)) throw new Error(`digit model: the '${name}' recipe is not a Sequential`);
  net.loadStateDict(tensors);
  net.eval();
  const firstConv = [...net].findIndex((m) => m instanceof nb.nn.Conv2d);
  if (firstConv < 0) throw new Error(`digit model: '${name}' has no convolution to show`);
  const kernels = (net.at(firstConv) as nb.nn.Conv2d).weight;
  const mapsAt = firstConv + 1 < net.length && net.at(firstConv + 1) instanceof nb.nn.ReLU ? firstConv + 1 : firstConv;
  return { net, mapsAt, kernels, metadata, parameters: net.numParameters(), bytes: bytes.length };
}

export function classify(model: DigitModel, pixels: Float32Array): Classification {
  const t0 = performance.now();
  return nb.noGrad(() => {
    let a = nb.tensor(pixels).reshape([1, 1, 28, 28]);
    let maps = a;
    for (let i = 0; i < model.net.length; i++) {
      a = model.net.at(i).forward(a);
      if (i === model.mapsAt) maps = a;
    }
    const probs = Float32Array.from(nb.softmax(a, -1).data() as Float32Array);
    const [, c, h, w] = maps.shape as [number, number, number, number];
    const flat = Float32Array.from(maps.data() as Float32Array);
    return { probs, maps: flat, mapShape: [c, h, w], ms: performance.now() - t0 };
  });
}
