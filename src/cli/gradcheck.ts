/**
 * `nabla gradcheck <name>`: checks one op or layer's autograd gradients against central finite
 * differences in float64 on random inputs, and reports the worst element of every input.
 */
import { Tensor } from '../core/tensor.js';
import { manualSeed } from '../core/rng.js';
import { gradcheckReport } from '../core/gradcheck.js';
import { uniform } from '../ops/create.js';
import { cat } from '../ops/indexing.js';
import * as nn from '../nn/index.js';
import * as F from '../functional/index.js';
import { type FlagSpec, helpText, numberFlag, parseFlags, UsageError } from './args.js';

type Check = () => { fn: (...xs: Tensor[]) => Tensor; inputs: Tensor[]; names: string[] };

const leaf = (shape: number[], lo = -1, hi = 1): Tensor => uniform(shape, lo, hi, { dtype: 'float64', requiresGrad: true });

/**
 * A layer checked through its input and every parameter: the float64 parameters are passed to
 * gradcheck as inputs and perturbed in place, so the layer reads them as usual.
 */
function layer(make: () => nn.Module<[Tensor], Tensor>, inputShape: number[], out: (y: Tensor) => Tensor = (y) => y): Check {
  return () => {
    const m = make().to('float64');
    const named = m.namedParameters();
    const x = leaf(inputShape);
    return { fn: (xx: Tensor) => out(m.forward(xx)), inputs: [x, ...named.map(([, p]) => p)], names: ['input', ...named.map(([n]) => n)] };
  };
}

function op(fn: (...xs: Tensor[]) => Tensor, shapes: number[][], names?: string[], range: [number, number] = [-1, 1]): Check {
  return () => ({ fn, inputs: shapes.map((s) => leaf(s, range[0], range[1])), names: names ?? shapes.map((_, i) => `input ${i}`) });
}

/** Causal self-attention through nn.MultiheadAttention (query = key = value), for the layer check. */
class SelfAttention extends nn.Module {
  attn = new nn.MultiheadAttention(4, 2, { batchFirst: true });
  forward(x: Tensor): Tensor {
    return this.attn.forward(x, x, x, { isCausal: true, needWeights: false })[0];
  }
}

const CHECKS: Record<string, Check> = {
  add: op((a, b) => a!.add(b!), [[3, 4], [4]]),
  mul: op((a, b) => a!.mul(b!), [[3, 4], [3, 1]]),
  div: op((a, b) => a!.div(b!), [[3, 4], [3, 4]], undefined, [0.5, 2]),
  pow: op((a, b) => a!.pow(b!), [[5], [5]], ['base', 'exponent'], [0.5, 2]),
  matmul: op((a, b) => a!.matmul(b!), [[2, 3, 4], [4, 5]], ['a', 'b']),
  exp: op((a) => a!.exp(), [[6]]),
  log: op((a) => a!.log(), [[6]], undefined, [0.5, 2]),
  sqrt: op((a) => a!.sqrt(), [[6]], undefined, [0.5, 2]),
  sigmoid: op((a) => a!.sigmoid(), [[6]]),
  tanh: op((a) => a!.tanh(), [[6]]),
  relu: op((a) => a!.relu(), [[6]]),
  gelu: op((a) => a!.gelu(), [[6]]),
  softmax: op((a) => a!.softmax(-1), [[3, 5]]),
  logSoftmax: op((a) => a!.logSoftmax(-1), [[3, 5]]),
  sum: op((a) => a!.sum(1), [[3, 4]]),
  mean: op((a) => a!.mean([0, 2]), [[2, 3, 4]]),
  max: op((a) => a!.max(1), [[3, 4]]),
  var: op((a) => a!.var(1), [[3, 4]]),
  logsumexp: op((a) => a!.logsumexp(1), [[3, 4]]),
  transpose: op((a) => a!.transpose(0, 1).mul(a!.T), [[3, 3]]),
  slice: op((a) => a!.slice([1, null], [null, null, 2]), [[3, 5]]),
  cat: op((a, b) => cat([a!, b!], 1), [[2, 2], [2, 3]]),
  gather: () => ({ fn: (a) => a!.gather(1, new Tensor(Int32Array.of(2, 0, 1), [3, 1])), inputs: [leaf([3, 3])], names: ['input'] }),
  conv2d: op((x, w, b) => F.conv2d(x!, w!, b!, { stride: 2, padding: 1 }), [[2, 3, 7, 6], [4, 3, 3, 3], [4]], ['input', 'weight', 'bias']),
  maxPool2d: op((x) => F.maxPool2d(x!, 2), [[1, 2, 6, 6]]),
  avgPool2d: op((x) => F.avgPool2d(x!, 3, { stride: 2, padding: 1 }), [[1, 2, 7, 7]]),
  Linear: layer(() => new nn.Linear(4, 3), [2, 4]),
  Conv2d: layer(() => new nn.Conv2d(2, 3, 3, { padding: 1 }), [2, 2, 5, 5]),
  BatchNorm1d: layer(() => new nn.BatchNorm1d(3), [4, 3]),
  BatchNorm2d: layer(() => new nn.BatchNorm2d(2), [3, 2, 3, 3]),
  RNN: layer(() => new nn.RNN(3, 4) as unknown as nn.Module<[Tensor], Tensor>, [5, 2, 3], (y) => (y as unknown as Tensor[])[0]!),
  LSTM: layer(() => new nn.LSTM(3, 4) as unknown as nn.Module<[Tensor], Tensor>, [5, 2, 3], (y) => (y as unknown as Tensor[])[0]!),
  GRU: layer(() => new nn.GRU(3, 4) as unknown as nn.Module<[Tensor], Tensor>, [5, 2, 3], (y) => (y as unknown as Tensor[])[0]!),
  layerNorm: op((x, w, b) => F.layerNorm(x!, 4, w!, b!), [[3, 4], [4], [4]], ['input', 'weight', 'bias']),
  scaledDotProductAttention: op((q, k, v) => F.scaledDotProductAttention(q!, k!, v!, { isCausal: true }), [[2, 4, 3], [2, 4, 3], [2, 4, 2]], ['query', 'key', 'value']),
  LayerNorm: layer(() => new nn.LayerNorm(4), [3, 4]),
  MultiheadAttention: layer(() => new SelfAttention(), [2, 3, 4]),
  TransformerEncoderLayer: layer(() => new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, batchFirst: true, activation: 'gelu' }) as unknown as nn.Module<[Tensor], Tensor>, [2, 3, 4]),
};

const FLAGS: Record<string, FlagSpec> = {
  list: { type: 'boolean', help: 'list the ops and layers that can be checked', default: false },
  seed: { type: 'string', help: 'seed for the random inputs', default: '0' },
  eps: { type: 'string', help: 'finite-difference step', default: '1e-6' },
  atol: { type: 'string', help: 'absolute tolerance', default: '1e-5' },
  rtol: { type: 'string', help: 'relative tolerance', default: '1e-3' },
};

export async function gradcheckCommand(argv: readonly string[]): Promise<number> {
  const { values: v, positionals } = parseFlags('gradcheck', argv, FLAGS);
  if (v['help']) {
    process.stdout.write(helpText('gradcheck <op-or-layer> [...]', 'Compare autograd gradients with central finite differences in float64 and report the worst element of each input.', FLAGS, ['nabla gradcheck matmul', 'nabla gradcheck LSTM Conv2d', 'nabla gradcheck --list']));
    return 0;
  }
  if (v['list'] || positionals.length === 0) {
    process.stdout.write(`ops and layers: ${Object.keys(CHECKS).join(', ')}\n`);
    return v['list'] ? 0 : 2;
  }
  const opts = {
    eps: numberFlag('gradcheck', 'eps', v['eps'], { positive: true })!,
    atol: numberFlag('gradcheck', 'atol', v['atol'], { min: 0 })!,
    rtol: numberFlag('gradcheck', 'rtol', v['rtol'], { min: 0 })!,
  };
  let failed = 0;
  for (const name of positionals) {
    const check = CHECKS[name];
    if (!check) throw new UsageError(`nabla gradcheck: unknown op or layer '${name}'; choose from: ${Object.keys(CHECKS).join(', ')}`);
    manualSeed(numberFlag('gradcheck', 'seed', v['seed'], { integer: true })!);
    const { fn, inputs, names } = check();
    const reports = gradcheckReport(fn, inputs, opts);
    const ok = reports.every((r) => r.ok);
    if (!ok) failed++;
    process.stdout.write(`${name}: ${ok ? 'ok' : 'FAILED'}\n`);
    for (const r of reports) {
      process.stdout.write(
        `  ${(names[r.input] ?? `input ${r.input}`).padEnd(16)} [${r.shape.join(',')}]`.padEnd(34) +
          ` worst ${r.worst.padEnd(10)} analytic ${r.analytic.toExponential(6)}  numerical ${r.numerical.toExponential(6)}  |diff| ${r.absError.toExponential(2)}${r.ok ? '' : '  <-- exceeds tolerance'}\n`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}
