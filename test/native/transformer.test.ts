/**
 * Native fused-attention and layer-norm kernels against the reference, float32, every ISA.
 * Attention: shapes that cross the key blocks (64) and query blocks (32) with ragged edges, L < S
 * and L > S, causal or not, additive masks broadcast over batch or heads (with -inf entries and
 * a fully masked query row, NaN on both sides), q/k/v read as strided head views of a packed
 * [B, L, 3, H, d] projection with a padded row stride, the output written in [B, L, H, dv] layout.
 * Every output (out, lse, dq, dk, dv) starts as NaN, so an unwritten element fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, forEachIsa, nb, needNative, randF32, ref, rng } from './helpers.js';
import type { AttentionBackwardArgs, HeadView, Strided } from '../../src/backend/types.js';

interface Geom {
  b: number; h: number; l: number; s: number; d: number; dv: number; causal: boolean;
  mask: 'none' | 'full' | 'perHead' | 'keys' | 'deadRow';
  packed: boolean;
}

const GEOMS: Geom[] = [
  { b: 1, h: 1, l: 1, s: 1, d: 1, dv: 1, causal: false, mask: 'none', packed: false },
  { b: 2, h: 3, l: 5, s: 7, d: 4, dv: 6, causal: false, mask: 'full', packed: false },
  { b: 2, h: 2, l: 70, s: 70, d: 16, dv: 16, causal: true, mask: 'none', packed: true },
  { b: 1, h: 4, l: 130, s: 130, d: 32, dv: 32, causal: true, mask: 'keys', packed: true },
  { b: 3, h: 2, l: 33, s: 129, d: 5, dv: 3, causal: false, mask: 'perHead', packed: false },
  { b: 2, h: 1, l: 9, s: 4, d: 8, dv: 8, causal: true, mask: 'none', packed: false },
  { b: 1, h: 2, l: 4, s: 67, d: 8, dv: 2, causal: true, mask: 'full', packed: false },
  { b: 2, h: 2, l: 6, s: 6, d: 8, dv: 8, causal: false, mask: 'deadRow', packed: true },
  { b: 8, h: 4, l: 128, s: 128, d: 32, dv: 32, causal: true, mask: 'none', packed: true }, // W6's shape, split over threads
];

const nan = (n: number): Float32Array => new Float32Array(n).fill(NaN);

/** q, k, v as views: either contiguous [B, H, rows, w] at an offset, or slices of a packed [B, L, 3, H, w] with 3 spare floats per row. */
function views(r: () => number, g: Geom): { q: HeadView; k: HeadView; v: HeadView } {
  if (g.packed && g.l === g.s && g.d === g.dv) {
    const row = 3 * g.h * g.d + 3;
    const data = randF32(r, g.b * g.l * row + 5, -1.5, 1.5);
    const at = (i: number): HeadView => ({ data, offset: 5 + i * g.h * g.d, strides: [g.l * row, g.d, row] });
    return { q: at(0), k: at(1), v: at(2) };
  }
  const make = (rows: number, w: number): HeadView => {
    const off = 1 + Math.floor(r() * 4);
    return { data: randF32(r, off + g.b * g.h * rows * w, -1.5, 1.5), offset: off, strides: [g.h * rows * w, rows * w, w] };
  };
  return { q: make(g.l, g.d), k: make(g.s, g.d), v: make(g.s, g.dv) };
}

function maskOf(r: () => number, g: Geom): Strided | null {
  const { b, h, l, s } = g;
  // -inf at random, never at key 0 (so no query is left with nothing unless asked for)
  const fill = (n: number): Float32Array => {
    const m = randF32(r, n, -1, 1);
    for (let i = 0; i < n; i++) if (i % s !== 0 && r() < 0.15) m[i] = -Infinity;
    return m;
  };
  switch (g.mask) {
    case 'none': return null;
    case 'full': return { data: fill(l * s), offset: 0, strides: [0, 0, s, 1] };
    case 'perHead': return { data: fill(h * l * s), offset: 0, strides: [0, l * s, s, 1] };
    case 'keys': return { data: fill(b * s), offset: 0, strides: [s, 0, 0, 1] };
    case 'deadRow': {
      const m = fill(l * s);
      m.fill(-Infinity, 2 * s, 3 * s); // query 2 sees nothing: NaN
      return { data: m, offset: 0, strides: [0, 0, s, 1] };
    }
  }
}

function outView(g: Geom, w: number): HeadView {
  return { data: nan(g.b * g.l * g.h * w), offset: 0, strides: [g.l * g.h * w, w, g.h * w] };
}

test('attentionForward / attentionBackward: native equals the reference, every ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(23);
  forEachIsa((isa) => {
    for (const g of GEOMS) {
      const what = `${isa} ${JSON.stringify(g)}`;
      const { q, k, v } = views(r, g);
      const mask = maskOf(r, g);
      const scale = 1 / Math.sqrt(g.d);
      const runs = [nb(), ref].map((be) => {
        const out = outView(g, g.dv);
        const lse = nan(g.b * g.h * g.l);
        const fwd = { batch: g.b, heads: g.h, l: g.l, s: g.s, d: g.d, dv: g.dv, q, k, v, mask, causal: g.causal, scale, out, lse };
        be.attentionForward(fwd);
        return fwd;
      });
      const [n, rf] = runs as [typeof runs[0], typeof runs[0]];
      assertClose(n.out.data, rf.out.data, 1e-4, 1e-5, `out ${what}`);
      assertClose(n.lse, rf.lse, 1e-5, 1e-5, `lse ${what}`);
      if (g.mask === 'deadRow') assert.ok(Number.isNaN(n.out.data[2 * g.h * g.dv]!), `${what}: the fully masked row is NaN`);
      else assert.ok(n.out.data.every((x) => Number.isFinite(x)), `${what}: every output written`);
      // backward from the reference's forward, so both start from the same out and lse
      const gv: HeadView = { data: randF32(r, g.b * g.l * g.h * g.dv), offset: 0, strides: [g.l * g.h * g.dv, g.dv, g.h * g.dv] };
      const grads = [nb(), ref].map((be) => {
        const gradOf = (rows: number, w: number): HeadView => ({ data: nan(g.b * g.h * rows * w), offset: 0, strides: [g.h * rows * w, rows * w, w] });
        const args: AttentionBackwardArgs = { ...rf, g: gv, gradQ: gradOf(g.l, g.d), gradK: gradOf(g.s, g.d), gradV: gradOf(g.s, g.dv) };
        be.attentionBackward(args);
        return args;
      });
      for (const key of ['gradQ', 'gradK', 'gradV'] as const) {
        assertClose(grads[0]![key].data, grads[1]![key].data, 1e-4, 1e-5, `${key} ${what}`);
        if (g.mask !== 'deadRow') assert.ok(grads[0]![key].data.every((x) => Number.isFinite(x)), `${what}: every ${key} written`);
      }
    }
  });
});

test('layerNormForward / layerNormBackward: native equals the reference, every ISA and output subset', (t) => {
  if (!needNative(t)) return;
  const r = rng(29);
  const shapes: [number, number][] = [[0, 5], [1, 1], [3, 7], [2, 17], [64, 128], [4096, 128], [5, 1000], [33, 65]];
  forEachIsa((isa) => {
    for (const [rows, n] of shapes) {
      for (const affine of [0, 1, 2]) {
        const what = `${isa} rows ${rows} n ${n} affine ${affine}`;
        const x = randF32(r, rows * n, -3, 5);
        const gamma = affine > 0 ? randF32(r, n, 0.5, 1.5) : null;
        const beta = affine > 1 ? randF32(r, n) : null;
        const fw = [nb(), ref].map((be) => {
          const o = { out: nan(rows * n), mean: nan(rows), rstd: nan(rows) };
          be.layerNormForward(x, rows, n, 1e-5, gamma, beta, o.out, o.mean, o.rstd);
          return o;
        });
        assertClose(fw[0]!.out, fw[1]!.out, 1e-5, 1e-5, `out ${what}`);
        assertClose(fw[0]!.mean, fw[1]!.mean, 1e-6, 1e-6, `mean ${what}`);
        assertClose(fw[0]!.rstd, fw[1]!.rstd, 1e-5, 1e-6, `rstd ${what}`);
        const g = randF32(r, rows * n);
        for (const want of [7, 1, 6, 2]) {
          const bw = [nb(), ref].map((be) => {
            const o = { dx: want & 1 ? nan(rows * n) : null, dgamma: want & 2 ? nan(n) : null, dbeta: want & 4 ? nan(n) : null };
            be.layerNormBackward(g, x, rows, n, fw[1]!.mean, fw[1]!.rstd, gamma, o.dx, o.dgamma, o.dbeta);
            return o;
          });
          for (const key of ['dx', 'dgamma', 'dbeta'] as const) {
            if (bw[0]![key] === null) continue;
            assertClose(bw[0]![key]!, bw[1]![key]!, 1e-4, 1e-4, `${key} ${what} want ${want}`);
          }
        }
        // dx written over g
        const g2 = Float32Array.from(g);
        nb().layerNormBackward(g2, x, rows, n, fw[1]!.mean, fw[1]!.rstd, gamma, g2, null, null);
        const dx = nan(rows * n);
        ref.layerNormBackward(g, x, rows, n, fw[1]!.mean, fw[1]!.rstd, gamma, dx, null, null);
        assertClose(g2, dx, 1e-4, 1e-4, `dx over g ${what}`);
      }
    }
  });
});

test('the layer-norm parameter gradients do not depend on the thread count (fixed chunking)', (t) => {
  if (!needNative(t)) return;
  // determinism is per backend: the same call twice gives bit-identical sums
  const r = rng(31);
  const [rows, n] = [3000, 64];
  const x = randF32(r, rows * n);
  const g = randF32(r, rows * n);
  const mean = nan(rows);
  const rstd = nan(rows);
  nb().layerNormForward(x, rows, n, 1e-5, null, null, nan(rows * n), mean, rstd);
  const runs = [0, 1].map(() => {
    const dg = nan(n);
    nb().layerNormBackward(g, x, rows, n, mean, rstd, null, null, dg, null);
    return dg;
  });
  assert.deepEqual([...runs[0]!], [...runs[1]!]);
});

test('geluForward / geluBackward: native equals the exact reference, tails included, every ISA', (t) => {
  if (!needNative(t)) return;
  const r = rng(37);
  const n = 40000;
  const x = randF32(r, n, -12, 12);
  x.set([0, -0, 1e-30, -1e-30, 1e-4, -1e-4, -5, -8, -9.5, 5, 40, -40, 88, -88], 0);
  const g = randF32(r, n, -2, 2);
  forEachIsa((isa) => {
    for (const len of [n, 1, 7, 17, 33]) {
      const outs = [nb(), ref].map((be) => {
        const y = nan(len);
        const d = nan(len);
        be.geluForward(x, y, len);
        be.geluBackward(x, g, d, len);
        return [y, d];
      });
      // relative accuracy everywhere, also in the negative tail where y is tiny (float32 rounding of -x^2/2 there: a few 1e-6); the backward also absolutely near its root x = -0.75, where Phi(x) + x phi(x) cancels
      assertClose(outs[0]![0]!, outs[1]![0]!, 1e-5, 1e-30, `gelu ${isa} n ${len}`);
      assertClose(outs[0]![1]!, outs[1]![1]!, 1e-5, 1e-6, `gelu backward ${isa} n ${len}`);
    }
    const g2 = Float32Array.from(g);
    nb().geluBackward(x, g2, g2, n);
    const d = nan(n);
    nb().geluBackward(x, g, d, n);
    assertClose(g2, d, 0, 0, `gelu backward over g ${isa}`);
  });
});
