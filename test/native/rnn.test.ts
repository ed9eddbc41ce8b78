/**
 * Native recurrent-cell kernels (lstmCellForward/Backward, gruCellForward/Backward) against the
 * reference kernels: odd hidden sizes (vector tails), batch 1, arrays at offsets inside larger
 * buffers with several regions in one array (as src/ops/lstm.ts lays them out), saturating
 * pre-activations, every ISA; float64 arrays fall back to the reference; and a whole
 * lstmSequence / gruSequence with gradients on both backends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GruCellArgs, GruCellBackwardArgs, LstmCellArgs, LstmCellBackwardArgs } from '../../src/backend/types.js';
import { getBackend, setBackend } from '../../src/backend/registry.js';
import { initBackends } from '../../src/backend/init.js';
import { tensor } from '../../src/index.js';
import { lstmSequence } from '../../src/ops/lstm.js';
import { gruSequence } from '../../src/ops/gru.js';
import { assertClose, forEachIsa, nb, needNative, randF32, randInt, ref, rng } from './helpers.js';

const SHAPES: [number, number][] = [[1, 1], [1, 7], [3, 17], [2, 33], [5, 65], [32, 128], [4, 100]];
const RTOL = 2e-6;
const ATOL = 1e-6;

/** Random data with a few saturating values (|x| up to 40) among the usual range. */
function pre(r: () => number, n: number): Float32Array {
  const a = randF32(r, n, -4, 4);
  for (let i = 0; i < a.length; i += 11) a[i] = (r() - 0.5) * 80;
  return a;
}

test('lstmCellForward / lstmCellBackward match the reference', (t) => {
  if (!needNative(t)) return;
  const r = rng(61);
  forEachIsa((isa) => {
    for (const [Bn, H] of SHAPES) {
      const BH = Bn * H;
      const gOff = randInt(r, 0, 5);
      const gates = pre(r, gOff + 4 * BH + 3);
      // one "state" array holding c_{t-1}, c_t and h_t at separate offsets, like the [2, T, B, H] output
      const pOff = randInt(r, 0, 3);
      const state = randF32(r, pOff + 3 * BH + 2, -2, 2);
      const tOff = randInt(r, 0, 4);
      const fwd = (g: Float32Array, s: Float32Array, tc: Float32Array): LstmCellArgs => ({
        batch: Bn, hidden: H, gates: g, gatesOffset: gOff, cPrev: s, cPrevOffset: pOff,
        c: s, cOffset: pOff + BH, h: s, hOffset: pOff + 2 * BH, tanhC: tc, tanhCOffset: tOff,
      });
      const gA = gates.slice(), gB = gates.slice();
      const sA = state.slice(), sB = state.slice();
      const tA = new Float32Array(tOff + BH), tB = new Float32Array(tOff + BH);
      nb().lstmCellForward(fwd(gA, sA, tA));
      ref.lstmCellForward(fwd(gB, sB, tB));
      const what = `${isa} lstm B=${Bn} H=${H}`;
      assertClose(gA, gB, RTOL, ATOL, `${what} activations`);
      assertClose(sA, sB, RTOL, ATOL, `${what} c, h`);
      assertClose(tA, tB, RTOL, ATOL, `${what} tanh(c)`);
      assert.ok(gB.some((v, i) => v !== gates[i]), 'the activations overwrite the pre-activations');

      // backward from the reference's cache, with the upstream gradients in one [2, B, H] array
      const gradOff = randInt(r, 0, 3);
      const grad = randF32(r, gradOff + 2 * BH);
      const dh = randF32(r, BH);
      const dc = randF32(r, BH);
      const dOff = randInt(r, 0, 5);
      const bwd = (dcv: Float32Array, dG: Float32Array): LstmCellBackwardArgs => ({
        batch: Bn, hidden: H, gates: gB, gatesOffset: gOff, tanhC: tB, tanhCOffset: tOff, cPrev: sB, cPrevOffset: pOff,
        gradH: grad, gradHOffset: gradOff, gradC: grad, gradCOffset: gradOff + BH, dh, dc: dcv, dGates: dG, dGatesOffset: dOff,
      });
      const dcA = dc.slice(), dcB = dc.slice();
      const dGA = new Float32Array(dOff + 4 * BH + 2), dGB = new Float32Array(dOff + 4 * BH + 2);
      nb().lstmCellBackward(bwd(dcA, dGA));
      ref.lstmCellBackward(bwd(dcB, dGB));
      assertClose(dGA, dGB, RTOL, ATOL, `${what} dGates`);
      assertClose(dcA, dcB, RTOL, ATOL, `${what} dc carry`);
    }
  });
});

test('gruCellForward / gruCellBackward match the reference', (t) => {
  if (!needNative(t)) return;
  const r = rng(62);
  forEachIsa((isa) => {
    for (const [Bn, H] of SHAPES) {
      const BH = Bn * H;
      const xOff = randInt(r, 0, 5);
      const x = pre(r, xOff + 3 * BH);
      const p = pre(r, 3 * BH);
      // h_{t-1} and h_t in one array
      const hOff = randInt(r, 0, 3);
      const hs = randF32(r, hOff + 2 * BH, -1, 1);
      const aOff = randInt(r, 0, 4);
      const nOff = randInt(r, 0, 4);
      const fwd = (h: Float32Array, act: Float32Array, pn: Float32Array): GruCellArgs => ({
        batch: Bn, hidden: H, x, xOffset: xOff, p, hPrev: h, hPrevOffset: hOff, h, hOffset: hOff + BH,
        act, actOffset: aOff, pn, pnOffset: nOff,
      });
      const hA = hs.slice(), hB = hs.slice();
      const aA = new Float32Array(aOff + 3 * BH), aB = new Float32Array(aOff + 3 * BH);
      const nA = new Float32Array(nOff + BH), nB = new Float32Array(nOff + BH);
      nb().gruCellForward(fwd(hA, aA, nA));
      ref.gruCellForward(fwd(hB, aB, nB));
      const what = `${isa} gru B=${Bn} H=${H}`;
      assertClose(hA, hB, RTOL, ATOL, `${what} h`);
      assertClose(aA, aB, RTOL, ATOL, `${what} r, z, n`);
      assertClose(nA, nB, 0, 0, `${what} p_n`);

      const gOff = randInt(r, 0, 3);
      const gradH = randF32(r, gOff + BH);
      const dh = randF32(r, BH);
      const dxOff = randInt(r, 0, 4);
      const dpOff = randInt(r, 0, 4);
      const bwd = (dx: Float32Array, dp: Float32Array, dhPrev: Float32Array): GruCellBackwardArgs => ({
        batch: Bn, hidden: H, act: aB, actOffset: aOff, pn: nB, pnOffset: nOff, hPrev: hB, hPrevOffset: hOff,
        gradH, gradHOffset: gOff, dh, dx, dxOffset: dxOff, dp, dpOffset: dpOff, dhPrev,
      });
      const dxA = new Float32Array(dxOff + 3 * BH), dxB = new Float32Array(dxOff + 3 * BH);
      const dpA = new Float32Array(dpOff + 3 * BH), dpB = new Float32Array(dpOff + 3 * BH);
      const dhA = new Float32Array(BH), dhB = new Float32Array(BH);
      nb().gruCellBackward(bwd(dxA, dpA, dhA));
      ref.gruCellBackward(bwd(dxB, dpB, dhB));
      assertClose(dxA, dxB, RTOL, ATOL, `${what} dx`);
      assertClose(dpA, dpB, RTOL, ATOL, `${what} dp`);
      assertClose(dhA, dhB, RTOL, ATOL, `${what} dhPrev`);
    }
  });
});

test('cell kernels: float64 arrays run the reference (bit-identical)', (t) => {
  if (!needNative(t)) return;
  const r = rng(63);
  const [Bn, H] = [3, 5];
  const BH = Bn * H;
  const gates = Float64Array.from(pre(r, 4 * BH));
  const cPrev = Float64Array.from(randF32(r, BH));
  const args = (g: Float64Array, out: Float64Array): LstmCellArgs => ({
    batch: Bn, hidden: H, gates: g, gatesOffset: 0, cPrev, cPrevOffset: 0, c: out, cOffset: 0, h: out, hOffset: BH,
    tanhC: out, tanhCOffset: 2 * BH,
  });
  const gA = gates.slice(), gB = gates.slice();
  const oA = new Float64Array(3 * BH), oB = new Float64Array(3 * BH);
  nb().lstmCellForward(args(gA, oA));
  ref.lstmCellForward(args(gB, oB));
  assert.deepEqual(oA, oB);
  assert.deepEqual(gA, gB);
});

test('lstmSequence and gruSequence: native and ts agree on outputs and gradients', (t) => {
  if (!needNative(t)) return;
  initBackends();
  const before = getBackend();
  const r = rng(64);
  const [T, Bn, H] = [5, 3, 9];
  const data = {
    lx: randF32(r, T * Bn * 4 * H, -2, 2), lw: randF32(r, 4 * H * H, -0.5, 0.5),
    gx: randF32(r, T * Bn * 3 * H, -2, 2), gw: randF32(r, 3 * H * H, -0.5, 0.5), gb: randF32(r, 3 * H, -0.5, 0.5),
    h0: randF32(r, Bn * H), c0: randF32(r, Bn * H), up: randF32(r, 2 * T * Bn * H),
  };
  const run = (backend: string, reverse: boolean): Float32Array[] => {
    setBackend(backend);
    const xg = tensor(data.lx, { shape: [T, Bn, 4 * H], requiresGrad: true });
    const w = tensor(data.lw, { shape: [4 * H, H], requiresGrad: true });
    const h0 = tensor(data.h0, { shape: [Bn, H], requiresGrad: true });
    const c0 = tensor(data.c0, { shape: [Bn, H], requiresGrad: true });
    const y = lstmSequence(xg, w, h0, c0, reverse);
    y.mul(tensor(data.up, { shape: [2, T, Bn, H] })).sum().backward();
    const gx = tensor(data.gx, { shape: [T, Bn, 3 * H], requiresGrad: true });
    const gw = tensor(data.gw, { shape: [3 * H, H], requiresGrad: true });
    const gb = tensor(data.gb, { shape: [3 * H], requiresGrad: true });
    const g0 = tensor(data.h0, { shape: [Bn, H], requiresGrad: true });
    const z = gruSequence(gx, gw, gb, g0, reverse);
    z.mul(tensor(data.up.subarray(0, T * Bn * H), { shape: [T, Bn, H] })).sum().backward();
    return [y, xg.grad!, w.grad!, h0.grad!, c0.grad!, z, gx.grad!, gw.grad!, gb.grad!, g0.grad!].map((v) => v.data() as Float32Array);
  };
  try {
    for (const reverse of [false, true]) {
      const a = run('native', reverse);
      const b = run('ts', reverse);
      a.forEach((v, i) => assertClose(v, b[i]!, 1e-5, 1e-5, `reverse=${reverse} result ${i}`));
    }
  } finally {
    setBackend(before);
  }
});
