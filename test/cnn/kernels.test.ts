/**
 * The conv and pool kernels of every registered backend against a direct-loop oracle written
 * from the definitions (no im2col), on a case table that covers each edge: padding on every
 * side, strides, dilation, groups, 1x1 (the no-im2col path), batch chunks, empty tensors.
 * A native backend that registers later is held to the same table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableBackends, backendByName } from '../../src/backend/registry.js';
import type { Conv2dGeom, Pool2dGeom } from '../../src/backend/types.js';
import { Generator } from '../../src/core/rng.js';

type Spec = Omit<Conv2dGeom, 'outH' | 'outW'>;

function geom(s: Spec): Conv2dGeom {
  return {
    ...s,
    outH: Math.floor((s.h + 2 * s.padH - s.dilH * (s.kh - 1) - 1) / s.strideH) + 1,
    outW: Math.floor((s.w + 2 * s.padW - s.dilW * (s.kw - 1) - 1) / s.strideW) + 1,
  };
}

const base = { strideH: 1, strideW: 1, padH: 0, padW: 0, dilH: 1, dilW: 1, groups: 1 };
const convCases: [string, Conv2dGeom][] = [
  ['3x3', geom({ ...base, n: 2, cIn: 3, h: 6, w: 5, cOut: 4, kh: 3, kw: 3 })],
  ['pad 1, stride 2', geom({ ...base, n: 2, cIn: 2, h: 7, w: 6, cOut: 3, kh: 3, kw: 3, padH: 1, padW: 1, strideH: 2, strideW: 2 })],
  ['pad [2,0], stride [1,3], 2x4', geom({ ...base, n: 1, cIn: 2, h: 5, w: 9, cOut: 2, kh: 2, kw: 4, padH: 2, strideW: 3 })],
  ['dilation [2,3], pad 2', geom({ ...base, n: 1, cIn: 2, h: 8, w: 9, cOut: 3, kh: 3, kw: 3, dilH: 2, dilW: 3, padH: 2, padW: 2 })],
  ['groups 3, multiplier 2', geom({ ...base, n: 2, cIn: 6, h: 5, w: 5, cOut: 6, kh: 3, kw: 3, groups: 3, padH: 1, padW: 1 })],
  ['depthwise', geom({ ...base, n: 1, cIn: 4, h: 6, w: 6, cOut: 4, kh: 3, kw: 3, groups: 4 })],
  ['1x1 (no im2col)', geom({ ...base, n: 3, cIn: 3, h: 4, w: 5, cOut: 2, kh: 1, kw: 1 })],
  ['1x1 groups 2', geom({ ...base, n: 2, cIn: 4, h: 3, w: 3, cOut: 6, kh: 1, kw: 1, groups: 2 })],
  ['1x1 stride 2', geom({ ...base, n: 1, cIn: 2, h: 5, w: 5, cOut: 2, kh: 1, kw: 1, strideH: 2, strideW: 2 })],
  ['padding larger than the kernel reach', geom({ ...base, n: 1, cIn: 1, h: 2, w: 3, cOut: 1, kh: 2, kw: 2, padH: 3, padW: 3 })],
  ['large batch (several col chunks)', geom({ ...base, n: 9, cIn: 64, h: 32, w: 32, cOut: 1, kh: 3, kw: 3, padH: 1, padW: 1 })],
  ['empty batch', geom({ ...base, n: 0, cIn: 2, h: 4, w: 4, cOut: 2, kh: 3, kw: 3 })],
];

/** Direct loops from the definition: y, dx and dw of sum(y * dy). */
function oracle(x: Float64Array, w: Float64Array, dy: Float64Array, g: Conv2dGeom) {
  const y = new Float64Array(g.n * g.cOut * g.outH * g.outW);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const cg = g.cIn / g.groups;
  const og = g.cOut / g.groups;
  for (let n = 0; n < g.n; n++) for (let o = 0; o < g.cOut; o++) for (let p = 0; p < g.outH; p++) for (let q = 0; q < g.outW; q++) {
    const yi = ((n * g.cOut + o) * g.outH + p) * g.outW + q;
    const gr = Math.floor(o / og);
    for (let c = 0; c < cg; c++) for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
      const ih = p * g.strideH - g.padH + i * g.dilH;
      const iw = q * g.strideW - g.padW + j * g.dilW;
      if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w) continue;
      const xi = ((n * g.cIn + gr * cg + c) * g.h + ih) * g.w + iw;
      const wi = ((o * cg + c) * g.kh + i) * g.kw + j;
      y[yi] += w[wi]! * x[xi]!;
      dx[xi] += w[wi]! * dy[yi]!;
      dw[wi] += x[xi]! * dy[yi]!;
    }
  }
  return { y, dx, dw };
}

function randomArray(gen: Generator, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => gen.random() * 2 - 1);
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= 1e-9 + 1e-9 * Math.abs(b[i]!))) assert.fail(`${what}: element ${i} is ${a[i]}, expected ${b[i]}`);
  }
}

for (const name of availableBackends()) {
  const be = backendByName(name);
  for (const [label, g] of convCases) {
    test(`[${name}] conv2d kernels vs direct loops: ${label}`, () => {
      const gen = new Generator(5);
      const x = randomArray(gen, g.n * g.cIn * g.h * g.w);
      const w = randomArray(gen, g.cOut * (g.cIn / g.groups) * g.kh * g.kw);
      const dy = randomArray(gen, g.n * g.cOut * g.outH * g.outW);
      const want = oracle(x, w, dy, g);
      const y = new Float64Array(want.y.length).fill(NaN); // the kernel must write every output
      be.conv2d(x, w, g, y);
      close(y, want.y, 'y');
      const dx = new Float64Array(x.length).fill(NaN);
      be.conv2dBackwardInput(dy, w, g, dx);
      close(dx, want.dx, 'dx');
      const dw = new Float64Array(w.length).fill(NaN);
      be.conv2dBackwardWeight(x, dy, g, dw);
      close(dw, want.dw, 'dw');
      // the bias: added per output channel in the forward, its gradient dy summed over n, p, q
      const bias = randomArray(gen, g.cOut);
      const P = g.outH * g.outW;
      const yb = new Float64Array(want.y.length).fill(NaN);
      be.conv2d(x, w, g, yb, bias);
      close(yb, want.y.map((v, i) => v + bias[Math.floor(i / P) % g.cOut]!), 'y with bias');
      const wantDb = new Float64Array(g.cOut);
      dy.forEach((v, i) => (wantDb[Math.floor(i / P) % g.cOut] += v));
      const dw2 = new Float64Array(w.length).fill(NaN);
      const db = new Float64Array(g.cOut).fill(NaN);
      be.conv2dBackwardWeight(x, dy, g, dw2, db);
      close(dw2, want.dw, 'dw (with db)');
      close(db, wantDb, 'db');
    });
  }

  test(`[${name}] pool kernels vs direct loops (max with -inf padding and first-max ties, avg divisors)`, () => {
    const gen = new Generator(6);
    // PyTorch's output length; with ceil mode the last window may hang over the bottom padding
    const outLen = (size: number, k: number, s: number, pad: number, ceil: boolean): number => {
      const span = size + 2 * pad - k;
      let out = Math.floor((ceil ? span + s - 1 : span) / s) + 1;
      if (ceil && (out - 1) * s >= size + pad) out--;
      return out;
    };
    const shapes: [number, number, number, number, number, boolean][] = [
      // h, w, k, stride, pad, ceil mode
      [6, 6, 2, 2, 0, false], [7, 5, 3, 2, 1, false], [5, 5, 2, 2, 0, true], [6, 5, 3, 2, 1, true], [4, 4, 3, 1, 1, false], [8, 7, 3, 3, 1, true],
    ];
    for (const [h, w, k, s, pad, ceil] of shapes) {
      for (const includePad of [true, false]) {
        const outH = outLen(h, k, s, pad, ceil);
        const outW = outLen(w, k, s, pad, ceil);
        const g: Pool2dGeom = { n: 2, c: 2, h, w, kh: k, kw: k, strideH: s, strideW: s, padH: pad, padW: pad, outH, outW, countIncludePad: includePad };
        // few distinct values, so windows have ties
        const x = Float64Array.from({ length: 4 * h * w }, () => Math.floor(gen.random() * 4));
        const dy = randomArray(gen, 4 * outH * outW);
        const mx = new Float64Array(dy.length);
        const am = new Int32Array(dy.length);
        const av = new Float64Array(dy.length);
        be.maxPool2d(x, g, mx, am);
        be.avgPool2d(x, g, av);
        // NaN: the backward kernels must write every element (0 where no window reaches)
        const dmx = new Float64Array(x.length).fill(NaN);
        const dav = new Float64Array(x.length).fill(NaN);
        be.maxPool2dBackward(dy, am, g, dmx);
        be.avgPool2dBackward(dy, g, dav);
        const wantDmx = new Float64Array(x.length);
        const wantDav = new Float64Array(x.length);
        for (let pl = 0; pl < 4; pl++) for (let p = 0; p < outH; p++) for (let q = 0; q < outW; q++) {
          const o = (pl * outH + p) * outW + q;
          let best = -Infinity;
          let at = -1;
          let sum = 0;
          let inside = 0;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
            const ih = p * s - pad + i;
            const iw = q * s - pad + j;
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            const v = x[pl * h * w + ih * w + iw]!;
            if (at < 0 || v > best) { best = v; at = ih * w + iw; }
            sum += v;
            inside++;
          }
          const rows = Math.min(p * s - pad + k, h + pad) - (p * s - pad);
          const cols = Math.min(q * s - pad + k, w + pad) - (q * s - pad);
          const div = includePad ? rows * cols : inside;
          const where = `h${h} w${w} k${k} s${s} p${pad} ceil ${ceil} includePad ${includePad} out ${o}`;
          assert.equal(mx[o], best, `max ${where}`);
          assert.equal(am[o], at, `argmax ${where}`);
          assert.ok(Math.abs(av[o]! - sum / div) < 1e-12, `avg ${where}: ${av[o]} vs ${sum / div}`);
          if (at >= 0) wantDmx[pl * h * w + at] += dy[o]!;
          for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
            const ih = p * s - pad + i;
            const iw = q * s - pad + j;
            if (ih >= 0 && ih < h && iw >= 0 && iw < w) wantDav[pl * h * w + ih * w + iw] += dy[o]! / div;
          }
        }
        close(dmx, wantDmx, 'max backward');
        close(dav, wantDav, 'avg backward');
      }
    }
  });
}
