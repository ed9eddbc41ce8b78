/** Reference pooling kernels (to be written by the CNN work). */
import type { TypedArray } from '../../core/dtype.js';
import type { Pool2dGeom } from '../types.js';
import { NablaError } from '../../core/errors.js';

export function maxPool2d(_x: TypedArray, _g: Pool2dGeom, _out: TypedArray, _argmax: Int32Array): void {
  throw new NablaError('maxPool2d: not implemented yet');
}
export function maxPool2dBackward(_dy: TypedArray, _argmax: Int32Array, _g: Pool2dGeom, _dx: TypedArray): void {
  throw new NablaError('maxPool2d: not implemented yet');
}
export function avgPool2d(_x: TypedArray, _g: Pool2dGeom, _out: TypedArray): void {
  throw new NablaError('avgPool2d: not implemented yet');
}
export function avgPool2dBackward(_dy: TypedArray, _g: Pool2dGeom, _dx: TypedArray): void {
  throw new NablaError('avgPool2d: not implemented yet');
}
