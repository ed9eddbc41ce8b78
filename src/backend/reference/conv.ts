/** Reference convolution kernels (to be written by the CNN work: im2col + gemm). */
import type { TypedArray } from '../../core/dtype.js';
import type { Conv2dGeom } from '../types.js';
import { NablaError } from '../../core/errors.js';

export function conv2d(_x: TypedArray, _w: TypedArray, _g: Conv2dGeom, _out: TypedArray): void {
  throw new NablaError('conv2d: not implemented yet');
}
export function conv2dBackwardInput(_dy: TypedArray, _w: TypedArray, _g: Conv2dGeom, _dx: TypedArray): void {
  throw new NablaError('conv2d: not implemented yet');
}
export function conv2dBackwardWeight(_x: TypedArray, _dy: TypedArray, _g: Conv2dGeom, _dw: TypedArray): void {
  throw new NablaError('conv2d: not implemented yet');
}
