/**
 * W6 with js-pytorch 0.7.2, the JavaScript library that ships Transformer blocks (float64 values
 * in nested arrays). Its model, as close to W6 as its layers allow: Embedding(65, 128) +
 * PositionalEmbedding(128, 128) -> 4 x Block(128, 128, 4 heads, 128 steps, dropout 0) ->
 * LayerNorm(128) -> Linear(128, 65) -> CrossEntropyLoss, its Adam (lr 3e-4, reg 0.01, betas
 * (0.9, 0.999), eps 1e-8). Its Block differs from W6's: no attention biases, a ReLU feed-forward
 * of width 2d (not GELU at 4d), LayerNorm without eps; so it does less work per token than W6.
 *
 * Time-bounded under its own rule (WORKLOADS.md's peer table runs it at batch 1): batch 1 of 128
 * tokens, 1 untimed warm-up step, then steps until 60 s have passed (at least one); tokens/s =
 * 128 / step seconds. Not a dependency of nabla: loaded with a dynamic import from the project's
 * node_modules or from bench/.peers (see INSTALL below); the cell reports an error with the
 * install command when it is missing, and the run goes on without it.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../corpus.js';
import { W6, gptBatches, peakRssMB } from '../lib/gptbatches.js';
import type { CellResult, CellSpec } from '../lib/types.js';

export const INSTALL = 'npm install --prefix bench/.peers --ignore-scripts js-pytorch@0.7.2';
const CAP_S = 60;

/** The parts of js-pytorch's API this cell uses. */
interface JsTensor {
  shape: number[];
  data: unknown;
  add(o: JsTensor): JsTensor;
  backward(): void;
}
interface JsModule {
  forward(...a: unknown[]): JsTensor;
  parameters(): JsTensor[];
}
interface JsTorch {
  tensor(data: unknown, requiresGrad?: boolean): JsTensor;
  nn: Record<string, new (...a: unknown[]) => JsModule>;
  optim: { Adam: new (params: JsTensor[], lr: number, reg: number, betas: number[], eps: number) => { step(): void; zero_grad(): void } };
}

/** js-pytorch's `torch`, from the project's node_modules or bench/.peers, or null. */
export async function loadJsPytorch(): Promise<JsTorch | null> {
  try {
    const m = (await import('js-pytorch' as string)) as { torch: JsTorch };
    return m.torch;
  } catch {
    const here = dirname(fileURLToPath(import.meta.url));
    const peers = join(here, '..', '.peers', 'package.json');
    if (!existsSync(peers)) return null;
    try {
      return (createRequire(peers)('js-pytorch') as { torch: JsTorch }).torch;
    } catch {
      return null;
    }
  }
}

export async function runJsPytorch(spec: CellSpec): Promise<CellResult[]> {
  const base = { workload: 'W6' as const, lib: 'js-pytorch', backend: 'cpu (float64)', threads: 1, case: 'train step, batch 1', metric: 'tokens/s', unit: 'tokens/s', higherIsBetter: true };
  const torch = await loadJsPytorch();
  if (torch === null) {
    process.stderr.write(`js-pytorch is not installed; to measure it: ${INSTALL}\n`);
    return [{ ...base, median: NaN, min: NaN, max: NaN, n: 0, method: '', cpuPar: NaN, error: `js-pytorch not installed (${INSTALL})` }];
  }
  const { seq, vocab, dModel, heads, layers } = W6;
  const pool = gptBatches(loadCorpus().ids, 0, 1);
  const nn = torch.nn;
  const tok = new nn.Embedding!(vocab, dModel);
  const pos = new nn.PositionalEmbedding!(seq, dModel);
  const blocks = Array.from({ length: layers }, () => new nn.Block!(dModel, dModel, heads, seq, 0));
  const lnF = new nn.LayerNorm!(dModel);
  const head = new nn.Linear!(dModel, vocab);
  const lossFn = new nn.CrossEntropyLoss!();
  const params = [tok, pos, ...blocks, lnF, head].flatMap((m) => m.parameters());
  const opt = new torch.optim.Adam(params, 3e-4, 0.01, [0.9, 0.999], 1e-8);
  const step = (i: number): void => {
    const b = pool[i % pool.length]!;
    const x = torch.tensor([Array.from(b.x)]);
    const y = torch.tensor([Array.from(b.y)]);
    let h = tok.forward(x).add(pos.forward(x));
    for (const blk of blocks) h = blk.forward(h);
    const loss = lossFn.forward(head.forward(lnF.forward(h)), y);
    loss.backward();
    opt.step();
    opt.zero_grad();
  };
  const cap = spec.quick ? 15 : CAP_S;
  step(0);
  const times: number[] = [];
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; ; i++) {
    const t = performance.now();
    step(i);
    times.push((performance.now() - t) / 1000);
    if ((performance.now() - t0) / 1000 >= cap) break;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const rates = times.map((s) => seq / s).sort((a, b) => a - b);
  const mid = rates.length >> 1;
  return [{
    ...base, median: rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2, min: rates[0]!, max: rates[rates.length - 1]!,
    n: rates.length, method: `steps within a ${cap} s cap`, cpuPar: (cpu.user + cpu.system) / 1e6 / wall, peakRssMB: peakRssMB(),
    note: `its Block (no attention bias, ReLU FF of 2d), batch 1; median step ${(seq / (rates[mid] ?? NaN)).toFixed(1)} s`,
  }];
}
