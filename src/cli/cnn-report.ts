/**
 * Report sections for convolutional models: what people would rather look at than read, the
 * learned first-layer filters and the feature maps one test image produces at each conv layer.
 */
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { Conv2d } from '../nn/conv.js';
import type { Section } from '../report/html.js';
import { imageGrid } from '../report/images.js';
import { convFilterImages, featureMapImages } from '../report/tensor-images.js';

/** Sections for a Sequential-style model: walks its children in order on one sample `x` [1, C, H, W]. */
export function cnnSections(model: Module<[Tensor], Tensor>, x: Tensor): Section[] {
  const children = model.children() as unknown as Module<[Tensor], Tensor>[];
  const convs = children.filter((m) => m instanceof Conv2d) as unknown as Conv2d[];
  if (convs.length === 0) return [];
  const sections: Section[] = [];
  const first = convs[0]!;
  const w = first.weight;
  sections.push({
    heading: 'Learned first-layer filters',
    text: `The ${w.shape[0]} kernels of the first convolution (${w.shape.slice(1).join('x')}), on one shared diverging scale: red weights respond to bright pixels, blue to dark.`,
    html: imageGrid(convFilterImages(w.data(), w.shape, { inChannel: 'mean' }), { colormap: 'diverging', range: 'shared', scale: 8, cols: 16 }),
  });
  sections.push({
    heading: 'Sample input',
    html: imageGrid([{ pixels: x.data(), width: x.shape[3]!, height: x.shape[2]!, caption: 'test image 0' }], { scale: 4 }),
  });
  let cur = x;
  let convIndex = 0;
  for (const m of children) {
    cur = m.forward(cur);
    if (m instanceof Conv2d) {
      convIndex++;
      sections.push({
        heading: `Feature maps after conv layer ${convIndex} (${cur.shape[1]} channels, ${cur.shape[2]}x${cur.shape[3]})`,
        text: 'Each map is one output channel of the convolution for the sample above (before the activation); its own grey scale, dark = low.',
        html: imageGrid(featureMapImages(cur.data(), cur.shape, { maxChannels: 32 }), { scale: convIndex === 1 ? 3 : 5, cols: 16 }),
      });
    }
  }
  return sections;
}
