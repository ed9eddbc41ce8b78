/**
 * Reference backward of a Linear layer (y = x W^T + b) in one call: with g = dJ/dy [rows, outF],
 *
 *   dx = g W          [rows, inF]    (dJ/dx_ij = sum_o g_io W_oj)
 *   dw = g^T x        [outF, inF]    (dJ/dW_oj = sum_i g_io x_ij)
 *   db = sum_i g_i.   [outF]
 *
 * The two products are the reference GEMM with the operands' layouts passed through (a matrix
 * stored column-major is the transposed read of a row-major one); db sums g's rows in order.
 */
import type { GemmArgs, LinearBackwardArgs } from '../types.js';
import { gemm } from './gemm.js';

export function linearBackward(p: LinearBackwardArgs): void {
  const { rows, inF, outF, g, x, w } = p;
  if (p.dx !== null && w === null) throw new TypeError('linearBackward: dx needs w (the weight), got null');
  if (p.dw !== null && x === null) throw new TypeError('linearBackward: dw needs x (the input), got null');
  const base = { batch: 1, strideA: 0, strideB: 0, strideC: 0, cOffset: 0, beta: 0 as const };
  if (p.dx !== null && w !== null) {
    // dx [rows, inF] = g [rows, outF] · W [outF, inF]
    const args: GemmArgs = {
      ...base, m: rows, n: inF, k: outF, a: g, aOffset: p.gOffset, lda: p.ldg, transA: p.transG,
      b: w, bOffset: p.wOffset, ldb: p.ldw, transB: p.transW, c: p.dx, ldc: inF,
    };
    gemm(args);
  }
  if (p.dw !== null && x !== null) {
    // dw [outF, inF] = g^T [outF, rows] · x [rows, inF]: g read the other way round
    const args: GemmArgs = {
      ...base, m: outF, n: inF, k: rows, a: g, aOffset: p.gOffset, lda: p.ldg, transA: !p.transG,
      b: x, bOffset: p.xOffset, ldb: p.ldx, transB: p.transX, c: p.dw, ldc: inF,
    };
    gemm(args);
  }
  if (p.db !== null) {
    const db = p.db;
    // element (i, o) of g
    const gi = p.transG ? 1 : p.ldg;
    const go = p.transG ? p.ldg : 1;
    for (let o = 0; o < outF; o++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += g[p.gOffset + i * gi + o * go]!;
      db[o] = s;
    }
  }
}
