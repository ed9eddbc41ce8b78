/**
 * The Conv2d part of an explanation document: for one output element, the input patch under
 * the kernel, the kernel, their elementwise products and the sum plus bias; then the weight
 * gradient as the correlation of the input with the upstream delta:
 *
 *   z[n,o,p,q] = b[o] + sum_{c,i,j} W[o,c,i,j] x[n, c, p s + i d - pad, q s + j d - pad]
 *   dJ/dW[o,c,i,j] = sum_{n,p,q} delta[n,o,p,q] x[n, c, p s + i d - pad, q s + j d - pad]
 *   dJ/db[o] = sum_{n,p,q} delta[n,o,p,q]
 */
import type { ConvStep, ExplanationData } from './types.js';
import { snapshotOf, toMatrix } from './snapshot.js';
import { HAD, PLUS, mat, num, sym, type Section, type Step, type Term } from './terms.js';

const idx = (name: string, at: readonly number[], text = name): Term => sym(`${name}_{${at.join(',')}}`, `${text}[${at.join(',')}]`);
/** the input coordinate tap k reads at output position pos: pos s - pad + k d, simplified ("1+i", "2i", "i") */
function coord(pos: number, stride: number, pad: number, tap: string, dil: number, tex: boolean): string {
  const c = pos * stride - pad;
  const t = dil === 1 ? tap : `${dil}${tex ? '\\,' : ''}${tap}`;
  return c === 0 ? t : c > 0 ? `${c}+${t}` : tex ? `${t}-${-c}` : `${t}−${-c}`;
}
/** the input coordinate at output position p (a symbol) for a fixed tap: p s + (k d - pad) */
function coordP(p: string, stride: number, off: number, tex: boolean): string {
  const base = stride === 1 ? p : `${stride}${tex ? '\\,' : ''}${p}`;
  return off === 0 ? base : off > 0 ? `${base}+${off}` : tex ? `${base}-${-off}` : `${base}−${-off}`;
}
const grid = (s: ConvStep['input']): Term => mat(s, toMatrix(s, true));
const SUM = sym('\\sum', 'Σ');
const STAR = sym('\\star', '⋆');
const range = (v: readonly number[]): string => (v.length === 1 ? `${v[0]}` : `${v[0]}..${v[v.length - 1]}${v.length > 1 && v[1]! - v[0]! !== 1 ? ` step ${v[1]! - v[0]!}` : ''}`);

/** Per conv layer (forward order): its forward section and its gradient section. */
export function convSections(d: ExplanationData): { forward: Section[]; backward: Section[][] } {
  const forward: Section[] = [];
  const backward: Section[][] = [];
  for (const c of d.convs) {
    const g = c.geometry;
    const [n, o, p, q] = c.output.at;
    const name = `Convolution ${c.index} (${c.weightName})`;
    const geo =
      `${g.inChannels} → ${g.outChannels} channels, kernel ${g.kernel.join('×')}, stride ${g.stride.join('×')}, padding ${g.padding.join('×')}` +
      `${g.dilation.some((v) => v !== 1) ? `, dilation ${g.dilation.join('×')}` : ''}${g.groups > 1 ? `, ${g.groups} groups` : ''}; ` +
      `input ${g.batch}×${g.inChannels}×${g.inputSize.join('×')} → output ${g.batch}×${g.outChannels}×${g.outputSize.join('×')}.`;
    const f = c.output;
    const inside = f.rows.every((r) => r >= 0 && r < g.inputSize[0]) && f.cols.every((s) => s >= 0 && s < g.inputSize[1]);
    const where =
      `the patch is x[${n}, ${f.channels.length === 1 ? f.channels[0] : range(f.channels)}, rows ${range(f.rows)}, cols ${range(f.cols)}]` +
      (inside ? '' : ' (positions outside the image are the zero padding)') +
      (f.channels.length > 1 ? '; channels stacked top to bottom' : '');
    const sumLine: Term[] = [SUM, sym('\\Big(', '('), grid(f.patch), HAD, grid(f.kernel), sym('\\Big)', ')')];
    const biasT: Term[] = f.bias === null ? [] : [PLUS, num(f.bias)];
    const fwd: Step[] = [
      {
        lhs: [idx('z', f.at)],
        formula: [
          ...(f.bias === null ? [] : [idx('b', [o]), PLUS]),
          sym(
            `\\sum_{c,i,j} W_{${o},c,i,j}\\, x_{${n},\\,c,\\,${coord(p, g.stride[0], g.padding[0], 'i', g.dilation[0], true)},\\,${coord(q, g.stride[1], g.padding[1], 'j', g.dilation[1], true)}}`,
            `Σ_c,i,j W[${o},c,i,j] · x[${n}, c, ${coord(p, g.stride[0], g.padding[0], 'i', g.dilation[0], false)}, ${coord(q, g.stride[1], g.padding[1], 'j', g.dilation[1], false)}]`,
          ),
        ],
        lines: [[...sumLine, ...biasT], [SUM, grid(f.products), ...biasT], [num(f.sum), ...biasT], [num(f.value)]],
        note: `${where}; the kernel is W[${o}]; the last value is the layer's output z[${f.at.join(',')}]`,
      },
    ];
    {
      const plane = g.outputSize[0] * g.outputSize[1];
      const zmap = snapshotOf([g.outputSize[0], g.outputSize[1]], c.z.data.slice((n * g.outChannels + o) * plane, (n * g.outChannels + o + 1) * plane));
      fwd.push({ lhs: [idx('z', [n, o])], formula: [sym(`W_{${o}} \\star x_{${n}}`, `W[${o}] ⋆ x[${n}]`), ...(f.bias === null ? [] : [PLUS, idx('b', [o])])], lines: [[grid(zmap)]], note: 'the same sum at every position: the kernel slides over the image (one output map per kernel)' });
    }
    forward.push({ title: `${name}: forward`, intro: geo, steps: fwd });

    const w = c.weight;
    const [wo, wc, wi, wj] = w.at;
    const bwd: Step[] = [
      {
        lhs: [idx('\\delta', [n, wo], 'δ')],
        formula: [sym(`\\frac{\\partial J}{\\partial z_{${n},${wo}}}`, `∂J/∂z[${n},${wo}]`)],
        lines: [[grid(w.deltaMap)]],
        note: 'the upstream delta: the gradient the conv2d op received from the layers above',
      },
    ];
    const l2T: Term[] = w.l2 === null ? [] : [PLUS, num(w.l2)];
    const offH = wi * g.dilation[0] - g.padding[0];
    const offW = wj * g.dilation[1] - g.padding[1];
    const corr = `\\sum_{n,p,q} \\delta_{n,${wo},p,q}\\, x_{n,${w.inputChannel},\\,${coordP('p', g.stride[0], offH, true)},\\,${coordP('q', g.stride[1], offW, true)}}`;
    const corrText = `Σ_n,p,q δ[n,${wo},p,q] · x[n, ${w.inputChannel}, ${coordP('p', g.stride[0], offH, false)}, ${coordP('q', g.stride[1], offW, false)}]`;
    bwd.push({
      lhs: [sym(`\\frac{\\partial J}{\\partial W_{${w.at.join(',')}}}`, `∂J/∂W[${w.at.join(',')}]`)],
      formula: [sym(corr, corrText), ...(w.l2 === null ? [] : [PLUS, sym(`\\lambda W_{${w.at.join(',')}}`, `λW[${w.at.join(',')}]`)])],
      lines: [[SUM, sym('\\Big(', '('), grid(w.windows), HAD, grid(w.delta), sym('\\Big)', ')'), ...l2T], [SUM, grid(w.products), ...l2T], [num(w.sum), ...l2T], [num(w.grad)]],
      note: `the first matrix holds, at each output position (p, q), the input value that kernel tap (${wi}, ${wj}) multiplied there${g.batch > 1 ? ' (samples stacked top to bottom)' : ''}; the last value is ${c.weightName}.grad[${w.at.join(',')}]`,
    });
    const kgLines: Term[][] = [];
    if (g.batch === 1) kgLines.push([grid(w.inputMap), STAR, grid(w.deltaMap)]);
    if (w.l2 === null) kgLines.push([grid(w.kernelGradTotal)]);
    else {
      const lam = d.update.weightDecay;
      const k2 = g.kernel[0] * g.kernel[1];
      const base = (wo * (g.inChannels / g.groups) + wc) * k2;
      const wslice = snapshotOf([g.kernel[0], g.kernel[1]], c.W.data.slice(base, base + k2));
      kgLines.push([grid(w.kernelGrad), PLUS, sym(`${lam}`, `${lam}`), grid(wslice)], [grid(w.kernelGradTotal)]);
    }
    bwd.push({
      lhs: [sym(`\\frac{\\partial J}{\\partial W_{${wo},${wc}}}`, `∂J/∂W[${wo},${wc}]`)],
      formula: [sym(g.batch === 1 ? `x_{0,${w.inputChannel}}` : `\\sum_n x_{n,${w.inputChannel}}`, g.batch === 1 ? `x[0,${w.inputChannel}]` : `Σ_n x[n,${w.inputChannel}]`), STAR, sym(g.batch === 1 ? `\\delta_{0,${wo}}` : `\\delta_{n,${wo}}`, g.batch === 1 ? `δ[0,${wo}]` : `δ[n,${wo}]`), ...(w.l2 === null ? [] : [PLUS, sym(`\\lambda W_{${wo},${wc}}`, `λW[${wo},${wc}]`)])],
      lines: kgLines,
      note: `the whole kernel's gradient: the input correlated with the upstream delta${g.stride.some((s) => s !== 1) ? ` (taking every ${g.stride.join('×')}-th input position)` : ''}${g.padding.some((s) => s !== 0) ? ', with the zero padding' : ''}; = ${c.weightName}.grad[${wo},${wc}]`,
    });
    if (c.gradB !== null && c.biasName !== null) {
      bwd.push({
        lhs: [sym(`\\frac{\\partial J}{\\partial b_{${wo}}}`, `∂J/∂b[${wo}]`)],
        formula: [sym(`\\sum_{n,p,q} \\delta_{n,${wo},p,q}`, `Σ_n,p,q δ[n,${wo},p,q]`)],
        lines: [[num(c.gradB.data[wo]!)]],
        note: `= ${c.biasName}.grad[${wo}]`,
      });
    }
    bwd.push({
      lhs: [sym('\\frac{\\partial J}{\\partial W}', '∂J/∂W')],
      formula: [sym('\\text{every } W_{o,c} \\text{ likewise}', 'every W[o,c] likewise')],
      lines: [[mat(c.gradW.total, toMatrix(c.gradW.total, true))]],
      note: `= ${c.weightName}.grad [${c.gradW.total.shape.join('×')}], kernels stacked top to bottom`,
    });
    backward.push([{ title: `${name}: gradients`, intro: 'δ = ∂J/∂z at the layer\'s output (what autograd sent into the conv op); each weight\'s gradient sums δ times the input it touched.', steps: bwd }]);
  }
  return { forward, backward };
}

/** W := W - alpha dJ/dW for the conv parameters (or the optimizer's result). */
export function convUpdates(d: ExplanationData, update: (p: Term, g: Term, before: ConvStep['W'], after: ConvStep['W'], grad: ConvStep['W'] | null) => Step): Step[] {
  const out: Step[] = [];
  for (const c of d.convs) {
    const Wn = sym(`W_{\\text{conv}${c.index}}`, `W_conv${c.index}`);
    out.push(update(Wn, sym(`\\frac{\\partial J}{\\partial W_{\\text{conv}${c.index}}}`, `∂J/∂W_conv${c.index}`), c.W, c.newW, c.gradW.total));
    if (c.b !== null && c.newB !== null) {
      const bn = sym(`b_{\\text{conv}${c.index}}`, `b_conv${c.index}`);
      out.push(update(bn, sym(`\\frac{\\partial J}{\\partial b_{\\text{conv}${c.index}}}`, `∂J/∂b_conv${c.index}`), c.b, c.newB, c.gradB));
    }
  }
  return out;
}
