/**
 * CartPole solved by an advantage actor-critic trained on whole episodes (REINFORCE with a
 * learned baseline): `batch` episodes run side by side with the current policy, then one update.
 *
 *   policy   pi(a | s) = softmax(W2 tanh(W1 s + b1) + b2)           (4 -> 64 -> 2)
 *   critic   V(s)      = w2 . tanh(U1 s + c1) + c2                    (4 -> 64 -> 1), in units of 100 reward
 *   return   G_t = sum_k gamma^k r_{t+k}                              (gamma = 0.99, to the episode's end)
 *   advantage A_t = G_t - V(s_t), standardised over the batch
 *   loss = -mean_t A_t log pi(a_t | s_t) - beta H(pi(. | s_t)) + mean_t (V(s_t) - G_t / 100)^2
 *
 * The policy-gradient theorem makes the first term's gradient an unbiased estimate of the
 * gradient of the expected return; subtracting V(s) leaves it unbiased and lowers its variance.
 */
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { Rng } from '../shared/rng.js';
import { CartPole, MAX_STEPS, SOLVED_RETURN, type State } from './env.js';

const { nn } = nb;

export interface TrainOptions {
  maxEpisodes: number;
  batch?: number;
  gamma?: number;
  lr?: number;
  entropy?: number;
  hidden?: number;
  seed?: number;
  /** stop as soon as the last 100 episodes average >= 195 (default true) */
  stopWhenSolved?: boolean;
  log?: (line: string) => void;
}

export interface TrainResult {
  policy: nb.nn.Sequential;
  returns: number[];
  /** the episode (1-based) whose 100-episode window first averaged >= 195, or null */
  solvedAt: number | null;
  updates: number;
}

/** The mean of the last `n` values (fewer at the start). */
export function movingAverage(xs: readonly number[], n = 100): number[] {
  const out: number[] = [];
  let s = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    if (i >= n) s -= xs[i - n]!;
    out.push(s / Math.min(i + 1, n));
  }
  return out;
}

/** Samples an action index from each row of probabilities. */
function sample(probs: Float32Array, rows: number, rng: Rng): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) out.push(rng.next() < probs[r * 2]! ? 0 : 1);
  return out;
}

export function trainAgent(o: TrainOptions): TrainResult {
  const batch = o.batch ?? 10;
  const gamma = o.gamma ?? 0.99;
  const beta = o.entropy ?? 0.01;
  const H = o.hidden ?? 64;
  const seed = o.seed ?? 0;
  const log = o.log ?? (() => {});
  nb.manualSeed(seed);
  const rng = new Rng(seed + 11);
  const policy = new nn.Sequential(new nn.Linear(4, H), new nn.Tanh(), new nn.Linear(H, 2));
  const critic = new nn.Sequential(new nn.Linear(4, H), new nn.Tanh(), new nn.Linear(H, 1));
  const opt = new nb.optim.Adam([...policy.parameters(), ...critic.parameters()], { lr: o.lr ?? 0.01 });
  const returns: number[] = [];
  let solvedAt: number | null = null;
  let updates = 0;
  while (returns.length < o.maxEpisodes) {
    const envs = Array.from({ length: batch }, () => new CartPole());
    const states: State[][] = envs.map((e) => [e.reset(rng)]);
    const actions: number[][] = envs.map(() => []);
    const rewards: number[][] = envs.map(() => []);
    const cur: State[] = states.map((s) => s[0]!);
    let live = envs.map((_, i) => i);
    while (live.length > 0) {
      const obs = nb.tensor(live.flatMap((i) => cur[i]!), { shape: [live.length, 4] });
      const probs = nb.noGrad(() => nb.softmax(policy.forward(obs), 1)).data() as Float32Array;
      const acts = sample(probs, live.length, rng);
      live.forEach((i, k) => {
        const r = envs[i]!.step(acts[k]!);
        actions[i]!.push(acts[k]!);
        rewards[i]!.push(r.reward);
        cur[i] = r.state;
        if (!r.done) states[i]!.push(r.state);
      });
      live = live.filter((i) => !envs[i]!.done);
    }
    // discounted returns, then one update over every step of the batch
    const S: number[] = [];
    const A: number[] = [];
    const G: number[] = [];
    for (let i = 0; i < batch; i++) {
      const g = new Array<number>(rewards[i]!.length);
      let acc = 0;
      for (let t = rewards[i]!.length - 1; t >= 0; t--) g[t] = acc = rewards[i]![t]! + gamma * acc;
      for (let t = 0; t < g.length; t++) {
        S.push(...states[i]![t]!);
        A.push(actions[i]![t]!);
        G.push(g[t]!);
      }
      returns.push(rewards[i]!.length);
      if (solvedAt === null && returns.length >= 100 && movingAverage(returns.slice(-100))[99]! >= SOLVED_RETURN) solvedAt = returns.length;
    }
    const T = A.length;
    const s = nb.tensor(S, { shape: [T, 4] });
    const target = nb.tensor(G.map((v) => v / 100), { shape: [T, 1] });
    const v = critic.forward(s);
    let adv = target.sub(v.detach()).reshape([T]);
    adv = adv.sub(adv.mean()).div(adv.std().add(1e-8));
    const logp = nb.logSoftmax(policy.forward(s), 1);
    const chosen = logp.gather(1, nb.tensor(A, { dtype: 'int32', shape: [T, 1] })).reshape([T]);
    const entropy = logp.exp().mul(logp).sum(1).neg().mean();
    const loss = chosen.mul(adv).mean().neg().sub(entropy.mul(beta)).add(v.sub(target).square().mean());
    opt.zeroGrad();
    loss.backward();
    opt.step();
    updates++;
    const avg = movingAverage(returns.slice(-100));
    if (updates % 10 === 0) log(`episode ${returns.length}: last-100 average return ${avg[avg.length - 1]!.toFixed(1)}`);
    if (solvedAt !== null && (o.stopWhenSolved ?? true)) break;
  }
  return { policy, returns, solvedAt, updates };
}

/** Returns of `episodes` fresh episodes: with the policy (sampling or greedy) or, without one, uniform random actions. */
export function evaluate(policy: nb.nn.Sequential | null, episodes: number, seed: number, greedy = false): { returns: number[]; trace: State[] } {
  const rng = new Rng(seed);
  const returns: number[] = [];
  let trace: State[] = [];
  for (let e = 0; e < episodes; e++) {
    const env = new CartPole();
    let s = env.reset(rng);
    const states: State[] = [s];
    let n = 0;
    while (!env.done && n < MAX_STEPS) {
      let a: number;
      if (policy === null) a = rng.next() < 0.5 ? 0 : 1;
      else {
        const p = nb.noGrad(() => nb.softmax(policy.forward(nb.tensor([s])) as Tensor, 1)).data();
        a = greedy ? (p[1]! > p[0]! ? 1 : 0) : rng.next() < p[0]! ? 0 : 1;
      }
      s = env.step(a).state;
      states.push(s);
      n++;
    }
    returns.push(n);
    if (e === 0) trace = states;
  }
  return { returns, trace };
}
