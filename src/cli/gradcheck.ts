/**
 * `nabla gradcheck <name>`: checks one op or layer's autograd gradients against central finite
 * differences in float64, and reports the worst element of every input. Ops and their inputs come
 * from the op table (src/optable/: every float64 sample of the row, the same the tests check);
 * layers are checked through their input and every parameter. Names match case-insensitively.
 */
import type { Tensor } from '../core/tensor.js';
import { manualSeed } from '../core/rng.js';
import { gradcheckReport } from '../core/gradcheck.js';
import { uniform } from '../ops/create.js';
import * as nn from '../nn/index.js';
import * as F from '../functional/index.js';
import { type FlagSpec, helpText, matchName, numberFlag, parseFlags, UsageError } from './args.js';
import { OP_TABLE, findOp, gradcheckFn, gradcheckSamples, leafOf, wantsGrad } from '../optable/index.js';

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

/** Layers (ops come from the op table). */
const LAYERS: Record<string, Check> = {
  Linear: layer(() => new nn.Linear(4, 3), [2, 4]),
  Conv2d: layer(() => new nn.Conv2d(2, 3, 3, { padding: 1 }), [2, 2, 5, 5]),
  BatchNorm1d: layer(() => new nn.BatchNorm1d(3), [4, 3]),
  BatchNorm2d: layer(() => new nn.BatchNorm2d(2), [3, 2, 3, 3]),
  RNN: layer(() => new nn.RNN(3, 4) as unknown as nn.Module<[Tensor], Tensor>, [5, 2, 3], (y) => (y as unknown as Tensor[])[0]!),
  LSTM: layer(() => new nn.LSTM(3, 4) as unknown as nn.Module<[Tensor], Tensor>, [5, 2, 3], (y) => (y as unknown as Tensor[])[0]!),
  GRU: layer(() => new nn.GRU(3, 4) as unknown as nn.Module<[Tensor], Tensor>, [5, 2, 3], (y) => (y as unknown as Tensor[])[0]!),
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
  const { values: v, positionals } = parseFlags('gradcheck', argv, FLAGS, { positionals: { max: Infinity, name: 'names' } });
  if (v['help']) {
    process.stdout.write(helpText('gradcheck <op-or-layer> [...]', 'Compare autograd gradients with central finite differences in float64 and report the worst element of each input.', FLAGS, ['nabla gradcheck matmul', 'nabla gradcheck LSTM Conv2d', 'nabla gradcheck --list']));
    return 0;
  }
  const ops = OP_TABLE.filter((op) => gradcheckSamples(op).length > 0);
  const names = [...ops.map((op) => op.name), ...Object.keys(LAYERS)];
  if (v['list'] || positionals.length === 0) {
    process.stdout.write(`ops: ${ops.map((op) => op.name).join(', ')}\nlayers: ${Object.keys(LAYERS).join(', ')}\n`);
    return v['list'] ? 0 : 2;
  }
  const opts = {
    eps: numberFlag('gradcheck', 'eps', v['eps'], { positive: true })!,
    atol: numberFlag('gradcheck', 'atol', v['atol'], { min: 0 })!,
    rtol: numberFlag('gradcheck', 'rtol', v['rtol'], { min: 0 })!,
  };
  const seed = numberFlag('gradcheck', 'seed', v['seed'], { integer: true })!;
  let failed = 0;
  for (const given of positionals) {
    // exact or case-insensitive match, else an error with the nearest name ("did you mean")
    const name = matchName('gradcheck', 'op or layer', given, names);
    const layerName = name in LAYERS ? name : Object.keys(LAYERS).find((k) => k.toLowerCase() === name.toLowerCase());
    const op = findOp(name);
    const runs: { sample: string | null; check: ReturnType<Check> }[] = [];
    let label: string;
    if (layerName !== undefined) {
      manualSeed(seed);
      label = layerName;
      runs.push({ sample: null, check: LAYERS[layerName]!() });
    } else if (op !== undefined && gradcheckSamples(op).length > 0) {
      label = op.name;
      for (const s of gradcheckSamples(op)) {
        const inputs = s.inputs.map((i) => leafOf(i, wantsGrad(op, i)));
        runs.push({ sample: s.name, check: { fn: gradcheckFn(op, s), inputs, names: inputs.map((_, i) => `input ${i}`) } });
      }
    } else {
      throw new UsageError(`nabla gradcheck: unknown op or layer '${name}'${op !== undefined ? ' (it has no gradient)' : ''}; choose from: ${names.join(', ')}`);
    }
    const lines: string[] = [];
    let ok = true;
    for (const { sample, check } of runs) {
      const { fn, inputs, names: inputNames } = check;
      const reports = gradcheckReport(fn, inputs, opts);
      if (!reports.every((r) => r.ok)) ok = false;
      if (sample !== null) lines.push(`  ${sample}`);
      for (const r of reports) {
        lines.push(
          `${sample !== null ? '    ' : '  '}${(inputNames[r.input] ?? `input ${r.input}`).padEnd(16)} [${r.shape.join(',')}]`.padEnd(34) +
            ` worst ${r.worst.padEnd(10)} analytic ${r.analytic.toExponential(6)}  numerical ${r.numerical.toExponential(6)}  |diff| ${r.absError.toExponential(2)}${r.ok ? '' : '  <-- exceeds tolerance'}`,
        );
      }
    }
    if (!ok) failed++;
    process.stdout.write(`${label}: ${ok ? 'ok' : 'FAILED'}${runs.length > 1 ? ` (${runs.length} samples from the op table)` : ''}\n${lines.join('\n')}\n`);
  }
  return failed > 0 ? 1 : 0;
}
