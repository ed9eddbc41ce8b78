/** Reference reductions over the middle axis of [outer, n, inner], softmax, gather/scatter. */
import type { TypedArray } from '../../core/dtype.js';
import type { ReduceOp } from '../types.js';

export function reduce(op: ReduceOp, x: TypedArray, outer: number, n: number, inner: number, out: TypedArray): void {
  const init = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let i = 0; i < inner; i++) {
      let acc = init;
      let p = base + i;
      switch (op) {
        case 'sum':
          for (let j = 0; j < n; j++, p += inner) acc += x[p]!;
          break;
        case 'prod':
          for (let j = 0; j < n; j++, p += inner) acc *= x[p]!;
          break;
        case 'max':
          // NaN propagates, as in PyTorch
          for (let j = 0; j < n; j++, p += inner) {
            const v = x[p]!;
            if (v > acc || v !== v) acc = v;
            if (acc !== acc) break;
          }
          break;
        case 'min':
          for (let j = 0; j < n; j++, p += inner) {
            const v = x[p]!;
            if (v < acc || v !== v) acc = v;
            if (acc !== acc) break;
          }
          break;
      }
      out[o * inner + i] = acc;
    }
  }
}

export function argReduce(op: 'argmax' | 'argmin', x: TypedArray, outer: number, n: number, inner: number, out: Int32Array): void {
  const better = op === 'argmax' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let p = o * n * inner + i;
      let best = x[p]!;
      let bi = 0;
      p += inner;
      for (let j = 1; j < n && best === best; j++, p += inner) {
        const v = x[p]!;
        if (better(v, best) || v !== v) {
          best = v;
          bi = j;
        }
      }
      out[o * inner + i] = bi;
    }
  }
}

export function softmax(x: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let mx = -Infinity;
      for (let j = 0, p = base; j < n; j++, p += inner) if (x[p]! > mx) mx = x[p]!;
      if (mx === -Infinity) mx = 0; // all -inf: keep NaN-free arithmetic below
      let s = 0;
      for (let j = 0, p = base; j < n; j++, p += inner) s += Math.exp(x[p]! - mx);
      if (log) {
        // (x - max) - log s, as PyTorch: x - (max + log s) loses log s when |max| is huge
        const ls = Math.log(s);
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = x[p]! - mx - ls;
      } else {
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = Math.exp(x[p]! - mx) / s;
      }
    }
  }
}

export function softmaxBackward(y: TypedArray, g: TypedArray, outer: number, n: number, inner: number, out: TypedArray, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let s = 0;
      if (log) {
        // y = log softmax(x): dx = g - softmax(x) * sum(g)
        for (let j = 0, p = base; j < n; j++, p += inner) s += g[p]!;
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = g[p]! - Math.exp(y[p]!) * s;
      } else {
        // y = softmax(x): dx = y * (g - sum(g * y))
        for (let j = 0, p = base; j < n; j++, p += inner) s += g[p]! * y[p]!;
        for (let j = 0, p = base; j < n; j++, p += inner) out[p] = y[p]! * (g[p]! - s);
      }
    }
  }
}

export function gather(x: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const q = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[q + i] = x[(o * n + index[q + i]!) * inner + i]!;
    }
  }
}

export function scatterAdd(g: TypedArray, index: Int32Array, outer: number, n: number, m: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      const q = (o * m + j) * inner;
      for (let i = 0; i < inner; i++) out[(o * n + index[q + i]!) * inner + i]! += g[q + i]!;
    }
  }
}
