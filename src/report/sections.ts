/**
 * Ready-made report sections for models other than the MLP, from plain arrays (pass them to
 * `buildTrainingReport({ extraSections })` or `writeReport`):
 * - `convFiltersSection`: a convolution's learned filters as images (diverging colours, shared range);
 * - `featureMapsSection`: one sample and its feature maps after a layer;
 * - `gradientNormSection`: the gradient norm reaching time step 1 from step T, per model (RNN vs LSTM).
 */
import { barChart, lineChart } from './charts.js';
import type { Section } from './html.js';
import { imageGrid, type GridImage } from './images.js';
import { convFilterImages, featureMapImages } from './tensor-images.js';

/** Learned filters of a conv layer with weight shape `[outC, inC, kH, kW]`; blue negative, red positive. */
export function convFiltersSection(opts: { weights: ArrayLike<number>; shape: readonly number[]; layerName?: string; scale?: number; cols?: number }): Section {
  const [outC, inC, kH, kW] = opts.shape;
  const imgs = convFilterImages(opts.weights, opts.shape, { inChannel: inC === 1 ? 0 : 'mean' });
  const name = opts.layerName ?? 'first convolution';
  return {
    heading: `Learned filters (${name})`,
    text:
      `${outC} filters of ${kH}x${kW}` + (inC === 1 ? '' : `, averaged over ${inC} input channels`) +
      `. Blue weights are negative, red positive, white zero; all filters share one colour scale.`,
    html: imageGrid(imgs, { colormap: 'diverging', range: 'shared', scale: opts.scale ?? Math.max(4, Math.floor(56 / Math.max(kH!, kW!))), cols: opts.cols ?? 8 }),
  };
}

/** A sample image and its feature maps `[C, H, W]` (or `[1, C, H, W]`) after a layer. */
export function featureMapsSection(opts: {
  sample: GridImage;
  acts: ArrayLike<number>;
  shape: readonly number[];
  layerName?: string;
  maxChannels?: number;
  scale?: number;
  cols?: number;
}): Section {
  const maps = featureMapImages(opts.acts, opts.shape, opts.maxChannels === undefined ? {} : { maxChannels: opts.maxChannels });
  const H = opts.shape[opts.shape.length - 2]!;
  const scale = opts.scale ?? Math.max(2, Math.floor(84 / H));
  return {
    heading: `Feature maps (${opts.layerName ?? 'after the first convolution'})`,
    text: `One input and the ${maps.length} channels it produces; each map uses its own range (dark low, bright high).`,
    html:
      imageGrid([{ ...opts.sample, caption: opts.sample.caption ?? 'input' }], { cols: 1, scale: Math.max(3, Math.floor(112 / opts.sample.height)) }) +
      '<div style="height:14px"></div>' +
      imageGrid(maps, { colormap: 'viridis', scale, cols: opts.cols ?? 8 }),
  };
}

/**
 * The gradient norm `||dL/dh_1||` reaching step 1 from the loss at step T, for each model and T.
 * Drawn on a log axis, so an RNN's vanishing (orders of magnitude) and an LSTM's survival show.
 * `perStep` (optional): the norm at every step t of one sequence, per model, drawn as lines.
 */
export async function gradientNormSection(opts: {
  byLength: readonly { model: string; T: number; norm: number }[];
  perStep?: readonly { model: string; points: readonly { t: number; norm: number }[] }[];
  text?: string;
}): Promise<Section> {
  const svgs = [
    await barChart({
      bars: opts.byLength.map((r) => ({ x: r.T, y: r.norm, series: r.model })),
      title: 'Gradient norm reaching step 1',
      xTitle: 'sequence length T',
      yTitle: '‖∂L/∂h₁‖ (log scale)',
      logY: true,
      yFormat: '.0e',
    }),
  ];
  if (opts.perStep && opts.perStep.length > 0) {
    svgs.push(
      await lineChart({
        series: opts.perStep.map((s) => ({ name: s.model, points: s.points.map((p) => ({ x: p.t, y: p.norm })) })),
        title: 'Gradient norm at each time step',
        xTitle: 'time step t',
        yTitle: '‖∂L/∂h_t‖ (log scale)',
        logY: true,
        yFormat: '.0e',
        points: false,
      }),
    );
  }
  return {
    heading: 'Vanishing gradients: RNN vs LSTM',
    text:
      opts.text ??
      'The norm of the gradient of the loss at the last step with respect to the hidden state at step 1. A plain RNN multiplies by its recurrent Jacobian at every step, so the norm shrinks geometrically with T; the LSTM\u2019s additive cell path lets it survive.',
    svg: svgs,
  };
}
