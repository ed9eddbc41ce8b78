/**
 * The CartPole example: train the actor-critic (agent.ts) until the last 100 training episodes
 * average >= 195, then evaluate the final policy on 100 fresh episodes, beside a random policy.
 * Writes report.html (learning curve, one evaluated episode as a film strip and as x, theta
 * traces) and metrics.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nb from '../../src/index.js';
import { secondsSince } from '../shared/picture.js';
import { HALF_LENGTH, SOLVED_RETURN, THETA_LIMIT, X_LIMIT, type State } from './env.js';
import { evaluate, movingAverage, trainAgent } from './agent.js';

export interface CartPoleOptions {
  quick?: boolean;
  maxEpisodes?: number;
  seed?: number;
  /** also train with this many further seeds (seed+1, ...) and report when each was solved (default: 0 quick, 4 full) */
  extraSeeds?: number;
  outDir?: string;
  log?: (line: string) => void;
}

export interface CartPoleResult {
  solvedAt: number | null;
  episodes: number;
  /** mean return of the final policy over 100 fresh episodes (actions sampled) */
  evalMean: number;
  evalGreedyMean: number;
  randomMean: number;
  lastHundredMean: number;
  seconds: number;
  /** the episode at which each seed (seed, seed+1, ...) was solved, null if not within maxEpisodes */
  solvedBySeed: (number | null)[];
}

const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** One frame of the cart and pole as SVG. */
function frame(s: State, t: number, w = 120, h = 80): string {
  const sx = w / (2 * X_LIMIT + 0.8);
  const cx = w / 2 + s[0] * sx;
  const y = h - 18;
  const len = 2 * HALF_LENGTH * sx * 1.4;
  const px = cx + len * Math.sin(s[2]);
  const py = y - len * Math.cos(s[2]);
  return `<svg width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" style="border:1px solid #d0d4da;background:#fff">` +
    `<line x1="0" y1="${y + 6}" x2="${w}" y2="${y + 6}" stroke="#999"/>` +
    `<rect x="${cx - 12}" y="${y - 6}" width="24" height="12" fill="#2a6fdb"/>` +
    `<line x1="${cx}" y1="${y - 6}" x2="${px}" y2="${py - 6}" stroke="#c0392b" stroke-width="4" stroke-linecap="round"/>` +
    `<text x="4" y="12" font-size="10" fill="#555">t=${t}</text></svg>`;
}

export async function runCartPole(o: CartPoleOptions = {}): Promise<CartPoleResult> {
  const quick = o.quick ?? false;
  const seed = o.seed ?? 0;
  const log = o.log ?? console.log;
  const outDir = o.outDir ?? (quick ? 'runs/cartpole-quick' : 'runs/cartpole');
  const t0 = performance.now();
  const trained = trainAgent({ maxEpisodes: o.maxEpisodes ?? (quick ? 800 : 5000), seed, log });
  const trainSeconds = secondsSince(t0);
  const solvedBySeed: (number | null)[] = [trained.solvedAt];
  for (let k = 1; k <= (o.extraSeeds ?? (quick ? 0 : 4)); k++) {
    const r = trainAgent({ maxEpisodes: o.maxEpisodes ?? 5000, seed: seed + k });
    solvedBySeed.push(r.solvedAt);
    log(`seed ${seed + k}: ${r.solvedAt === null ? 'not solved' : `solved at episode ${r.solvedAt}`}`);
  }
  const evalS = evaluate(trained.policy, 100, seed + 1000);
  const evalG = evaluate(trained.policy, 100, seed + 2000, true);
  const rand = evaluate(null, 100, seed + 3000);
  const avg = movingAverage(trained.returns);
  const result: CartPoleResult = {
    solvedAt: trained.solvedAt, episodes: trained.returns.length, evalMean: mean(evalS.returns), evalGreedyMean: mean(evalG.returns),
    randomMean: mean(rand.returns), lastHundredMean: avg[avg.length - 1]!, seconds: secondsSince(t0), solvedBySeed,
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'metrics.json'), JSON.stringify({ ...result, trainSeconds, updates: trained.updates, seed, backend: nb.getBackend() }, null, 1) + '\n');
  const tr = evalS.trace;
  const step = Math.max(1, Math.floor((tr.length - 1) / 9));
  const frames = tr.filter((_, i) => i % step === 0).slice(0, 10).map((s, i) => frame(s, i * step)).join('');
  nb.report.writeReport(join(outDir, 'report.html'), {
    title: 'Game agent: CartPole balanced by an actor-critic',
    subtitle: 'CartPole physics in TypeScript (Barto, Sutton and Anderson; Gym CartPole-v0 constants: 200-step episodes, solved at 195 over 100 episodes)',
    summary: {
      backend: nb.getBackend(), 'solved at episode': result.solvedAt ?? 'not solved', 'training episodes': result.episodes,
      'final policy, 100 new episodes (sampled)': result.evalMean.toFixed(1), 'final policy, greedy': result.evalGreedyMean.toFixed(1),
      'random policy': result.randomMean.toFixed(1), 'solved at episode, by seed': solvedBySeed.map((v) => v ?? 'no').join(', '), 'time (s)': result.seconds.toFixed(1),
    },
    sections: [
      {
        heading: 'Learning curve',
        text: 'The return (steps balanced, at most 200) of every training episode, its average over the last 100 episodes, and the 195 bar.',
        svg: [await nb.report.lineChart({
          series: [
            { name: 'episode return', points: trained.returns.map((y, i) => ({ x: i + 1, y })) },
            { name: '100-episode average', points: avg.map((y, i) => ({ x: i + 1, y })) },
            { name: 'solved (195)', points: [{ x: 1, y: SOLVED_RETURN }, { x: trained.returns.length, y: SOLVED_RETURN }] },
          ],
          xTitle: 'episode', yTitle: 'return', yDomain: [0, 210], points: false, width: 720,
        })],
      },
      {
        heading: 'One episode of the final policy',
        text: `Frames of the first evaluation episode (${tr.length - 1} steps), and the cart position and pole angle over time (the episode would end at |x| = ${X_LIMIT} m or |theta| = ${(THETA_LIMIT * 180 / Math.PI).toFixed(0)} degrees).`,
        html: `<div style="display:flex;flex-wrap:wrap;gap:6px">${frames}</div>`,
        svg: [await nb.report.lineChart({
          series: [
            { name: 'cart x (m)', points: tr.map((s, i) => ({ x: i, y: s[0] })) },
            { name: 'pole angle (rad)', points: tr.map((s, i) => ({ x: i, y: s[2] })) },
          ],
          xTitle: 'step', yTitle: 'value', points: false, width: 720, height: 220,
        })],
      },
    ],
  });
  log(`cartpole: ${result.solvedAt === null ? 'not solved' : `solved at episode ${result.solvedAt}`} (${result.episodes} episodes, ${trained.updates} updates); ` +
    `seeds solved at ${solvedBySeed.map((v) => v ?? 'no').join(', ')}; final policy ${result.evalMean.toFixed(1)} (greedy ${result.evalGreedyMean.toFixed(1)}) vs random ${result.randomMean.toFixed(1)}; ${result.seconds.toFixed(1)} s`);
  return result;
}
