/**
 * One parity test for every kernel of the kernel table on every registered backend (native, and
 * any other registered, e.g. 'wasm'), against the reference backend. The walk is driven by the
 * table: each kernel needs cases below (a new row without cases fails), and the table's array
 * parameters say which arguments are outputs. For each case:
 * - the arguments are cloned per backend (arrays shared between arguments stay shared),
 * - every `out` array is poisoned first (NaN, or -7777 for integers), so an element a kernel
 *   should write and does not shows up,
 * - `out` and `inout` arrays must match the reference's within the case's tolerance (NaN where
 *   the reference has NaN), and `in` arrays must be left unchanged.
 * Cases cover edge tiles (sizes 1 to 33 around the register tiles), strided, offset, transposed
 * and broadcast views, optional arrays absent and present, and float64 arguments (the fallback).
 * The native backend runs every case under each instruction set the CPU has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TypedArray } from '../../src/core/dtype.js';
import { KERNELS, KERNEL_NAMES, UNARY_OPS, BINARY_OPS, REDUCE_OPS, BOOL_BINARY_OPS, type KernelName, type Leaf, type Param, type Role } from '../../src/backend/kernels/table.js';
import { initBackends } from '../../src/backend/init.js';
import { availableBackends, backendByName } from '../../src/backend/registry.js';
import { referenceBackend } from '../../src/backend/reference/index.js';
import type { Backend, HeadView, Strided } from '../../src/backend/types.js';
import { setNativeIsa, nativeInfo } from '../../src/backend/native/index.js';
import { contiguous, contiguousStrides, randF32, randomView, rng, size } from '../native/helpers.js';

initBackends();

interface Case {
  label: string;
  args: unknown[];
  /** |got - want| <= atol + rtol |want| */
  rtol?: number;
  atol?: number;
}

// ---------------------------------------------------------------------------------------------
// the table's arrays of a call
// ---------------------------------------------------------------------------------------------
interface Found {
  name: string;
  role: Role;
  data: TypedArray;
}

function leafArrays(p: Leaf, v: unknown, out: Found[]): void {
  if (v === null || v === undefined) return;
  if (p.kind === 'array') out.push({ name: p.name, role: p.role, data: v as TypedArray });
  else if (p.kind === 'strided' || p.kind === 'view') out.push({ name: p.name, role: p.role, data: (v as Strided | HeadView).data });
}

/** The arrays of a call, with their roles, as the table lists them. */
function arraysOf(name: KernelName, args: readonly unknown[]): Found[] {
  const out: Found[] = [];
  const params = (KERNELS[name] as { params: readonly Param[] }).params.filter((p) => !(p.kind === 'int' && p.derived));
  params.forEach((p, i) => {
    if (p.kind === 'struct') {
      const o = args[i] as Record<string, unknown>;
      for (const f of p.fields) leafArrays(f, o[f.name], out);
    } else if (p.kind !== 'shape') leafArrays(p, args[i], out);
  });
  return out;
}

/** A deep copy of the arguments: every typed array copied once (shared ones stay shared). */
function cloneArgs(args: readonly unknown[]): unknown[] {
  const seen = new Map<TypedArray, TypedArray>();
  const clone = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) {
      const a = v as TypedArray;
      let c = seen.get(a);
      if (!c) {
        c = a.slice() as TypedArray;
        seen.set(a, c);
      }
      return c;
    }
    if (Array.isArray(v)) return v.map(clone);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
    return v;
  };
  return args.map(clone);
}

function poison(found: Found[]): void {
  for (const f of found) {
    if (f.role !== 'out') continue;
    if (f.data instanceof Float32Array || f.data instanceof Float64Array) f.data.fill(NaN);
    else if (f.data instanceof Int32Array) f.data.fill(-7777);
    else if (f.data instanceof Uint8Array) f.data.fill(0xcd);
  }
}

function compare(where: string, got: TypedArray, want: TypedArray, rtol: number, atol: number): void {
  assert.equal(got.length, want.length, `${where}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = Number(got[i]);
    const w = Number(want[i]);
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (g === w) continue;
    if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) assert.fail(`${where}[${i}]: got ${g}, want ${w}`);
  }
}

function runCase(backend: Backend, name: KernelName, c: Case, tag: string): void {
  const inputs = cloneArgs(c.args);
  const refArgs = cloneArgs(c.args);
  const gotArgs = cloneArgs(c.args);
  const refArrays = arraysOf(name, refArgs);
  const gotArrays = arraysOf(name, gotArgs);
  const inArrays = arraysOf(name, inputs);
  poison(refArrays);
  poison(gotArrays);
  (referenceBackend[name] as (...a: unknown[]) => void)(...refArgs);
  (backend[name] as (...a: unknown[]) => void)(...gotArgs);
  const where = `${tag} ${name} ${c.label}`;
  gotArrays.forEach((g, i) => {
    const r = refArrays[i]!;
    if (g.role === 'in') {
      // unchanged (unless the same array is also an output of the call)
      if (!gotArrays.some((o) => o.role !== 'in' && o.data === g.data)) compare(`${where}: input ${g.name} changed`, g.data, inArrays[i]!.data, 0, 0);
      return;
    }
    compare(`${where}: ${g.name}`, g.data, r.data, c.rtol ?? 1e-5, c.atol ?? 1e-6);
  });
}

// ---------------------------------------------------------------------------------------------
// cases per kernel
// ---------------------------------------------------------------------------------------------
const r = rng(20261207);
const f32 = (n: number, lo = -1, hi = 1): Float32Array => randF32(r, n, lo, hi);
const bools = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (r() < 0.5 ? 1 : 0));
const ints = (n: number, lo: number, hi: number): Int32Array => Int32Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
const EDGE = [1, 3, 5, 8, 15, 17, 33];

function headView(dims: readonly [number, number, number, number], offset = 0, pad = 0): HeadView {
  const [b, h, rows, w] = dims;
  const rowStride = w + pad;
  const data = f32(offset + b * h * rows * rowStride);
  return { data, offset, strides: [h * rows * rowStride, rows * rowStride, rowStride] };
}

const CASES: { [K in KernelName]: () => Case[] } = {
  unary() {
    const out: Case[] = [];
    const shape = [5, 7, 3];
    UNARY_OPS.forEach((op, i) => {
      const lo = op === 'log' || op === 'sqrt' || op === 'rsqrt' ? 0.01 : -3;
      for (const kind of [0, 2, 3, 4, 1 + (i % 2)]) {
        const x = randomView(r, shape, kind, (n) => f32(n, lo, 3));
        out.push({ label: `${op} view ${kind}`, args: [op, x, shape, new Float32Array(size(shape))], rtol: 2e-6, atol: 1e-6 });
      }
      out.push({ label: `${op} int32`, args: [op, contiguous(ints(35, -4, 4), [5, 7]), [5, 7], new Float32Array(35)], rtol: 2e-6 });
      out.push({ label: `${op} bool`, args: [op, contiguous(bools(35), [5, 7]), [5, 7], new Float32Array(35)], rtol: 2e-6 });
    });
    out.push({ label: 'not -> bool', args: ['not', contiguous(f32(12), [3, 4]), [3, 4], new Uint8Array(12)] });
    out.push({ label: 'exp float64', args: ['exp', contiguous(new Float64Array(f32(12)), [3, 4]), [3, 4], new Float64Array(12)], rtol: 0 });
    return out;
  },
  binary() {
    const out: Case[] = [];
    const shape = [4, 6, 5];
    BINARY_OPS.forEach((op, i) => {
      const res = (): TypedArray => (BOOL_BINARY_OPS.has(op) ? new Uint8Array(size(shape)) : new Float32Array(size(shape)));
      const lo = op === 'pow' ? 0.1 : -2;
      for (const [ka, kb] of [[0, 0], [2, 4], [3, 1], [4, 2], [1 + (i % 3), 3]] as const) {
        const a = randomView(r, shape, ka, (n) => f32(n, lo, 2));
        const b = randomView(r, shape, kb, (n) => f32(n, -2, 2));
        out.push({ label: `${op} views ${ka},${kb}`, args: [op, a, b, shape, res()], rtol: 2e-6, atol: 1e-6 });
      }
      out.push({ label: `${op} f32 x bool`, args: [op, contiguous(f32(size(shape), lo, 2), shape), contiguous(bools(size(shape)), shape), shape, res()], rtol: 2e-6 });
      out.push({ label: `${op} int32 x f32`, args: [op, contiguous(ints(size(shape), 1, 5), shape), randomView(r, shape, 2, (n) => f32(n)), shape, res()], rtol: 2e-6 });
    });
    return out;
  },
  where() {
    const shape = [3, 9, 4];
    return [0, 1, 2, 3, 4].map((k) => ({
      label: `views ${k}`,
      args: [randomView(r, shape, k + 1, bools), randomView(r, shape, k, (n) => f32(n)), randomView(r, shape, k + 2, (n) => f32(n)), shape, new Float32Array(size(shape))],
    }));
  },
  copy() {
    const shape = [6, 5, 3];
    const out: Case[] = [];
    for (const k of [0, 1, 2, 3, 4]) {
      out.push({ label: `f32 view ${k} -> transposed`, args: [randomView(r, shape, k, (n) => f32(n)), shape, randomView(r, shape, 2, (n) => new Float32Array(n))] });
      out.push({ label: `int32 view ${k} -> offset`, args: [randomView(r, shape, k, (n) => ints(n, -9, 9)), shape, randomView(r, shape, 1, (n) => new Int32Array(n))] });
    }
    return out;
  },
  fill() {
    return [{ label: 'range', args: [f32(40), 2.5, 3, 31] }];
  },
  reduce() {
    const out: Case[] = [];
    for (const op of REDUCE_OPS) {
      for (const [o, n, i] of [[3, 17, 5], [1, 100, 1], [4, 1, 33], [2, 0, 3], [7, 64, 1], [2, 9, 16]] as const) {
        const x = f32(o * n * i, op === 'prod' ? 0.5 : -1, op === 'prod' ? 1.5 : 1);
        if (x.length > 4) x[3] = NaN;
        out.push({ label: `${op} [${o},${n},${i}]`, args: [op, x, o, n, i, new Float32Array(o * i)], rtol: 1e-5, atol: 1e-5 });
      }
    }
    return out;
  },
  argReduce() {
    const out: Case[] = [];
    for (const op of ['argmax', 'argmin'] as const) {
      for (const [o, n, i] of [[3, 17, 5], [1, 100, 1], [4, 1, 33]] as const) {
        const x = Float32Array.from({ length: o * n * i }, () => Math.round(r() * 4));
        out.push({ label: `${op} [${o},${n},${i}] ties`, args: [op, x, o, n, i, new Int32Array(o * i)] });
      }
    }
    return out;
  },
  gemm() {
    const out: Case[] = [];
    let j = 0;
    for (const m of EDGE) {
      for (const n of [1, 7, 16, 17, 33]) {
        const k = EDGE[j++ % EDGE.length]!;
        const transA = j % 2 === 0;
        const transB = j % 3 === 0;
        const batch = 1 + (j % 2);
        const pad = j % 4;
        const lda = (transA ? m : k) + pad;
        const ldb = (transB ? k : n) + pad;
        const ldc = n + (j % 3);
        const aOffset = j % 5;
        const strideA = (transA ? k : m) * lda;
        const strideB = (transB ? n : k) * ldb;
        const strideC = m * ldc;
        const beta = (j % 2) as 0 | 1;
        const bias = j % 3 === 1 ? f32(n + 2) : undefined;
        out.push({
          label: `m${m} n${n} k${k} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} batch${batch} beta${beta}${bias ? ' bias' : ''}`,
          args: [{
            batch, m, n, k, a: f32(aOffset + batch * strideA), aOffset, lda, transA, strideA, b: f32(batch * strideB), bOffset: 0, ldb, transB, strideB,
            c: f32(batch * strideC + 1), cOffset: 1, ldc, strideC, beta, ...(bias ? { bias, biasOffset: 2 } : {}),
          }],
          rtol: 1e-4, atol: 1e-5 * k,
        });
      }
    }
    out.push({
      label: 'float64', args: [{
        batch: 1, m: 3, n: 4, k: 5, a: new Float64Array(f32(15)), aOffset: 0, lda: 5, transA: false, strideA: 0, b: new Float64Array(f32(20)), bOffset: 0,
        ldb: 4, transB: false, strideB: 0, c: new Float64Array(12), cOffset: 0, ldc: 4, strideC: 0, beta: 0,
      }], rtol: 0,
    });
    return out;
  },
  linearBackward() {
    // every layout of g, x and W (row- or column-major, padded leading dimensions, offsets), each
    // output alone and all three, sizes around the tiles, and the two-product sizes where two
    // threads run dx and dw side by side (rows * inF * outF from 2^20 up)
    const out: Case[] = [];
    const sizes: [number, number, number][] = [[1, 1, 1], [3, 17, 5], [33, 8, 15], [64, 40, 17], [17, 33, 64], [128, 128, 96], [64, 256, 128]];
    let j = 0;
    for (const [rows, inF, outF] of sizes) {
      for (const want of ['all', 'dx', 'dw', 'db', 'dx dw'] as const) {
        j++;
        const transG = j % 2 === 0, transX = j % 3 === 0, transW = j % 5 === 0;
        const pad = j % 4;
        const ldg = (transG ? rows : outF) + pad, ldx = (transX ? rows : inF) + pad, ldw = (transW ? outF : inF) + pad;
        const gOffset = j % 3, xOffset = j % 5, wOffset = (j + 1) % 4;
        const needX = want === 'all' || want.includes('dw'), needW = want === 'all' || want.includes('dx');
        out.push({
          label: `rows${rows} in${inF} out${outF} ${want} g${transG ? 'T' : 'N'} x${transX ? 'T' : 'N'} w${transW ? 'T' : 'N'}`,
          args: [{
            rows, inF, outF,
            g: f32(gOffset + (transG ? outF : rows) * ldg), gOffset, ldg, transG,
            x: needX ? f32(xOffset + (transX ? inF : rows) * ldx) : null, xOffset, ldx, transX,
            w: needW ? f32(wOffset + (transW ? inF : outF) * ldw) : null, wOffset, ldw, transW,
            dx: needW ? new Float32Array(rows * inF) : null,
            dw: needX ? new Float32Array(outF * inF) : null,
            db: want === 'all' || want === 'db' ? new Float32Array(outF) : null,
          }],
          rtol: 1e-4, atol: 1e-5 * Math.max(rows, outF),
        });
      }
    }
    out.push({
      label: 'float64', args: [{
        rows: 3, inF: 4, outF: 5, g: new Float64Array(f32(15)), gOffset: 0, ldg: 5, transG: false, x: new Float64Array(f32(12)), xOffset: 0, ldx: 4, transX: false,
        w: new Float64Array(f32(20)), wOffset: 0, ldw: 4, transW: false, dx: new Float64Array(12), dw: new Float64Array(20), db: new Float64Array(5),
      }], rtol: 0,
    });
    return out;
  },
  softmax() {
    return [[3, 17, 5], [1, 100, 1], [4, 33, 1], [2, 1, 7]].flatMap(([o, n, i]) => [false, true].map((log) => ({
      label: `[${o},${n},${i}] log=${log}`, args: [f32(o! * n! * i!, -5, 5), o, n, i, new Float32Array(o! * n! * i!), log], rtol: 1e-5, atol: 1e-6,
    })));
  },
  softmaxBackward() {
    return [[3, 17, 5], [1, 100, 1], [4, 33, 1]].flatMap(([o, n, i]) => [false, true].map((log) => ({
      label: `[${o},${n},${i}] log=${log}`, args: [f32(o! * n! * i!, log ? -3 : 0, log ? 0 : 1), f32(o! * n! * i!), o, n, i, new Float32Array(o! * n! * i!), log],
      rtol: 1e-4, atol: 1e-5,
    })));
  },
  gather() {
    return [[3, 17, 4, 5], [1, 100, 30, 1], [2, 5, 9, 16]].map(([o, n, m, i]) => ({
      label: `[${o},${n}->${m},${i}]`, args: [f32(o! * n! * i!), ints(o! * m! * i!, 0, n! - 1), o, n, m, i, new Float32Array(o! * m! * i!)],
    }));
  },
  scatterAdd() {
    return [[3, 17, 4, 5], [1, 10, 30, 1], [2, 5, 9, 16]].map(([o, n, m, i]) => ({
      label: `[${o},${m}->${n},${i}]`, args: [f32(o! * m! * i!), ints(o! * m! * i!, 0, n! - 1), o, n, m, i, f32(o! * n! * i!)], rtol: 1e-5, atol: 1e-6,
    }));
  },
  conv2d: () => convCases('fwd'),
  conv2dBackwardInput: () => convCases('bwdIn'),
  conv2dBackwardWeight: () => convCases('bwdW'),
  maxPool2d: () => poolCases('max'),
  maxPool2dBackward: () => poolCases('maxBwd'),
  avgPool2d: () => poolCases('avg'),
  avgPool2dBackward: () => poolCases('avgBwd'),
  batchNormStats() {
    return [[3, 4, 5], [8, 3, 1], [2, 17, 9]].flatMap(([n, c, i]) => [true, false].map((v) => ({
      label: `[${n},${c},${i}] variance ${v}`, args: [f32(n! * c! * i!, -2, 3), n, c, i, new Float32Array(c!), new Float32Array(c!), 1e-5, v ? new Float32Array(c!) : null],
      rtol: 1e-5, atol: 1e-6,
    })));
  },
  batchNormForward() {
    return [[3, 4, 5], [8, 3, 1]].flatMap(([n, c, i]) => [true, false].map((affine) => ({
      label: `[${n},${c},${i}] affine ${affine}`,
      args: [f32(n! * c! * i!), n, c, i, f32(c!), f32(c!, 0.5, 2), affine ? f32(c!) : null, affine ? f32(c!) : null, new Float32Array(n! * c! * i!)],
      rtol: 1e-5, atol: 1e-6,
    })));
  },
  batchNormBackward() {
    const out: Case[] = [];
    for (const [n, c, i] of [[3, 4, 5], [8, 3, 1]] as const) {
      for (const training of [true, false]) {
        for (const wants of [[true, true, true], [true, false, false], [false, true, true]]) {
          const x = f32(n * c * i);
          out.push({
            label: `[${n},${c},${i}] training ${training} wants ${wants}`,
            args: [f32(n * c * i), x, n, c, i, f32(c), f32(c, 0.5, 2), wants[0] ? f32(c) : null, wants[0] ? new Float32Array(n * c * i) : null,
              wants[1] ? new Float32Array(c) : null, wants[2] ? new Float32Array(c) : null, training],
            rtol: 1e-4, atol: 1e-5,
          });
        }
      }
    }
    return out;
  },
  layerNormForward() {
    return [[6, 37], [1, 8], [5, 100]].flatMap(([rows, n]) => [true, false].map((affine) => ({
      label: `[${rows},${n}] affine ${affine}`,
      args: [f32(rows! * n!, -2, 3), rows, n, 1e-5, affine ? f32(n!) : null, affine ? f32(n!) : null, new Float32Array(rows! * n!), new Float32Array(rows!), new Float32Array(rows!)],
      rtol: 1e-5, atol: 1e-5,
    })));
  },
  layerNormBackward() {
    return [[6, 37], [5, 100]].flatMap(([rows, n]) => [[true, true, true], [true, false, false], [false, true, true]].map((wants) => ({
      label: `[${rows},${n}] wants ${wants}`,
      args: [f32(rows! * n!), f32(rows! * n!), rows, n, f32(rows!), f32(rows!, 0.5, 2), f32(n!), wants[0] ? new Float32Array(rows! * n!) : null,
        wants[1] ? new Float32Array(n!) : null, wants[2] ? new Float32Array(n!) : null],
      rtol: 1e-4, atol: 1e-5,
    })));
  },
  geluForward() {
    return [1, 7, 37, 100].map((n) => ({ label: `n${n}`, args: [f32(n, -6, 6), new Float32Array(n), n], rtol: 1e-5, atol: 1e-6 }));
  },
  geluBackward() {
    return [1, 7, 37, 100].map((n) => ({ label: `n${n}`, args: [f32(n, -6, 6), f32(n), new Float32Array(n), n], rtol: 1e-5, atol: 1e-6 }));
  },
  attentionForward: () => attentionCases(false),
  attentionBackward: () => attentionCases(true),
  adamStep() {
    return [false, true].map((decoupled) => ({
      label: `decoupled ${decoupled}`,
      args: [f32(37), f32(37), f32(37, -0.1, 0.1), f32(37, 0, 0.01), { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled, step: 3 }],
      rtol: 1e-5, atol: 1e-6,
    }));
  },
  lstmCellForward() {
    return [[1, 5], [3, 17], [2, 33]].map(([batch, hidden]) => {
      const B = batch!;
      const H = hidden!;
      return {
        label: `batch ${B} hidden ${H}`,
        args: [{ batch: B, hidden: H, gates: f32(4 * B * H + 3, -3, 3), gatesOffset: 3, cPrev: f32(B * H + 1), cPrevOffset: 1, c: new Float32Array(B * H + 2), cOffset: 2,
          h: new Float32Array(B * H), hOffset: 0, tanhC: new Float32Array(B * H + 1), tanhCOffset: 1 }],
        rtol: 1e-5, atol: 1e-6,
      };
    });
  },
  lstmCellBackward() {
    return [[1, 5], [3, 17], [2, 33]].map(([batch, hidden]) => {
      const B = batch!;
      const H = hidden!;
      return {
        label: `batch ${B} hidden ${H}`,
        args: [{ batch: B, hidden: H, gates: f32(4 * B * H + 1, 0, 1), gatesOffset: 1, tanhC: f32(B * H), tanhCOffset: 0, cPrev: f32(B * H + 2), cPrevOffset: 2,
          gradH: f32(B * H), gradHOffset: 0, gradC: f32(B * H + 1), gradCOffset: 1, dh: f32(B * H), dc: f32(B * H), dGates: new Float32Array(4 * B * H + 2), dGatesOffset: 2 }],
        rtol: 1e-5, atol: 1e-6,
      };
    });
  },
  gruCellForward() {
    return [[1, 5], [3, 17], [2, 33]].map(([batch, hidden]) => {
      const B = batch!;
      const H = hidden!;
      return {
        label: `batch ${B} hidden ${H}`,
        args: [{ batch: B, hidden: H, x: f32(3 * B * H + 2, -2, 2), xOffset: 2, p: f32(3 * B * H, -2, 2), hPrev: f32(B * H + 1), hPrevOffset: 1, h: new Float32Array(B * H),
          hOffset: 0, act: new Float32Array(3 * B * H + 1), actOffset: 1, pn: new Float32Array(B * H + 3), pnOffset: 3 }],
        rtol: 1e-5, atol: 1e-6,
      };
    });
  },
  gruCellBackward() {
    return [[1, 5], [3, 17], [2, 33]].map(([batch, hidden]) => {
      const B = batch!;
      const H = hidden!;
      return {
        label: `batch ${B} hidden ${H}`,
        args: [{ batch: B, hidden: H, act: f32(3 * B * H + 1, 0, 1), actOffset: 1, pn: f32(B * H), pnOffset: 0, hPrev: f32(B * H + 2), hPrevOffset: 2, gradH: f32(B * H),
          gradHOffset: 0, dh: f32(B * H), dx: new Float32Array(3 * B * H + 1), dxOffset: 1, dp: new Float32Array(3 * B * H + 2), dpOffset: 2, dhPrev: new Float32Array(B * H) }],
        rtol: 1e-5, atol: 1e-6,
      };
    });
  },
};

const CONV_GEOMS = [
  // n cIn h w cOut k stride pad dil groups
  [2, 3, 9, 11, 5, 3, 1, 1, 1, 1],
  [2, 4, 10, 9, 6, 3, 2, 0, 2, 2],
  [1, 2, 7, 7, 3, 5, 1, 2, 1, 1],
  [3, 16, 6, 6, 17, 1, 1, 0, 1, 1],
  // the Winograd F(2x2, 3x3) path (3x3, stride 1, >= 8 channels each way): odd sizes, channel
  // counts off the tile sizes, a batch that leaves a partial chunk, padding 0 and 2
  [5, 9, 7, 9, 13, 3, 1, 1, 1, 1],
  [2, 12, 6, 5, 8, 3, 1, 0, 1, 1],
  [1, 8, 4, 3, 10, 3, 1, 2, 1, 1],
] as const;

function convCases(kind: 'fwd' | 'bwdIn' | 'bwdW'): Case[] {
  return CONV_GEOMS.flatMap(([n, cIn, h, w, cOut, k, s, p, d, groups], i) => {
    const outH = Math.floor((h + 2 * p - d * (k - 1) - 1) / s) + 1;
    const outW = Math.floor((w + 2 * p - d * (k - 1) - 1) / s) + 1;
    const g = { n, cIn, h, w, cOut, kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, dilH: d, dilW: d, groups, outH, outW };
    const xs = n * cIn * h * w;
    const ws = cOut * (cIn / groups) * k * k;
    const ys = n * cOut * outH * outW;
    const tol = { rtol: 1e-4, atol: 1e-5 * cIn * k * k };
    const label = `n${n} c${cIn} ${h}x${w} -> ${cOut} k${k} s${s} p${p} d${d} g${groups}`;
    const withBias = i % 2 === 0;
    switch (kind) {
      case 'fwd': return [
        { label, args: [f32(xs), f32(ws), g, new Float32Array(ys), withBias ? f32(cOut) : null], ...tol },
        { label: `${label} no bias argument`, args: [f32(xs), f32(ws), g, new Float32Array(ys)], ...tol },
      ];
      case 'bwdIn': return [{ label, args: [f32(ys), f32(ws), g, new Float32Array(xs)], ...tol }];
      case 'bwdW': return [
        { label, args: [f32(xs), f32(ys), g, new Float32Array(ws), withBias ? new Float32Array(cOut) : null], rtol: 1e-4, atol: 1e-5 * n * outH * outW },
      ];
    }
  });
}

function poolCases(kind: 'max' | 'maxBwd' | 'avg' | 'avgBwd'): Case[] {
  const out: Case[] = [];
  for (const [n, c, h, w, k, s, p] of [[2, 3, 8, 9, 2, 2, 0], [1, 4, 7, 7, 3, 2, 1], [2, 2, 5, 17, 3, 1, 1]] as const) {
    for (const countIncludePad of [true, false]) {
      const outH = Math.floor((h + 2 * p - k) / s) + 1;
      const outW = Math.floor((w + 2 * p - k) / s) + 1;
      const g = { n, c, h, w, kh: k, kw: k, strideH: s, strideW: s, padH: p, padW: p, outH, outW, countIncludePad };
      const xs = n * c * h * w;
      const ys = n * c * outH * outW;
      const label = `n${n} c${c} ${h}x${w} k${k} s${s} p${p} includePad ${countIncludePad}`;
      const x = f32(xs);
      if (kind === 'max') out.push({ label, args: [x, g, new Float32Array(ys), new Int32Array(ys)] });
      if (kind === 'avg') out.push({ label, args: [x, g, new Float32Array(ys)], rtol: 1e-6, atol: 1e-7 });
      if (kind === 'avgBwd') out.push({ label, args: [f32(ys), g, new Float32Array(xs)], rtol: 1e-6, atol: 1e-6 });
      if (kind === 'maxBwd') {
        const y = new Float32Array(ys);
        const argmax = new Int32Array(ys);
        referenceBackend.maxPool2d(x, g, y, argmax);
        out.push({ label, args: [f32(ys), argmax, g, new Float32Array(xs)], rtol: 1e-6, atol: 1e-6 });
      }
    }
  }
  return out;
}

function attentionCases(backward: boolean): Case[] {
  const out: Case[] = [];
  for (const [batch, heads, l, s, d, dv] of [[2, 2, 5, 7, 8, 6], [1, 3, 17, 17, 16, 16], [1, 1, 1, 33, 4, 5]] as const) {
    for (const [causal, masked, packed] of [[false, false, false], [true, false, true], [false, true, false]] as const) {
      const q = headView([batch, heads, l, d], 1, packed ? 3 : 0);
      const k = headView([batch, heads, s, d], 0, packed ? 2 : 0);
      const v = headView([batch, heads, s, dv], 2, 0);
      // mask [l, s] broadcast over batch and heads
      const mask: Strided | null = masked ? { data: f32(l * s, -2, 0), offset: 0, strides: [0, 0, s, 1] } : null;
      const scale = 1 / Math.sqrt(d);
      const label = `b${batch} h${heads} l${l} s${s} d${d} dv${dv} causal ${causal} mask ${masked}${packed ? ' padded rows' : ''}`;
      const fwd = {
        batch, heads, l, s, d, dv, q, k, v, mask, causal, scale,
        out: { data: new Float32Array(batch * heads * l * dv), offset: 0, strides: contiguousStrides([batch, heads, l, dv]).slice(0, 3) as [number, number, number] },
        lse: new Float32Array(batch * heads * l),
      };
      if (!backward) {
        out.push({ label, args: [fwd], rtol: 1e-4, atol: 1e-5 });
        continue;
      }
      referenceBackend.attentionForward(fwd);
      const g = headView([batch, heads, l, dv]);
      const grad = (rows: number, w: number): HeadView => ({
        data: new Float32Array(batch * heads * rows * w), offset: 0, strides: contiguousStrides([batch, heads, rows, w]).slice(0, 3) as [number, number, number],
      });
      out.push({ label, args: [{ ...fwd, g, gradQ: grad(l, d), gradK: grad(s, d), gradV: grad(s, dv) }], rtol: 1e-3, atol: 1e-4 });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
const others = availableBackends().filter((b) => b !== 'ts');

test('every kernel of the table has parity cases', () => {
  assert.deepEqual(Object.keys(CASES).sort(), [...KERNEL_NAMES].sort());
});

test('the parity test has a backend besides the reference to check (or the addon is not built)', (t) => {
  if (others.length === 0) t.skip('only the reference backend is registered (native addon not built)');
});

const cases = new Map(KERNEL_NAMES.map((k) => [k, CASES[k]()] as const));

for (const name of others) {
  for (const kernel of KERNEL_NAMES) {
    test(`parity: ${name} ${kernel} equals the reference (${cases.get(kernel)!.length} cases)`, () => {
      const backend = backendByName(name);
      const isas = name === 'native' ? nativeIsas() : [''];
      try {
        for (const isa of isas) {
          if (isa) setNativeIsa(isa);
          for (const c of cases.get(kernel)!) runCase(backend, kernel, c, `${name}${isa ? `/${isa}` : ''}`);
        }
      } finally {
        if (isas[0]) setNativeIsa(isas[0]);
      }
    });
  }
}

function nativeIsas(): string[] {
  const def = nativeInfo()?.isa;
  if (!def) return [''];
  const out = [def];
  for (const isa of ['avx512', 'avx2', 'generic']) if (isa !== def && setNativeIsa(isa)) out.push(isa);
  setNativeIsa(def);
  return out;
}
