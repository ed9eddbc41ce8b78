/**
 * What an op mapping sees (the builder, the traced op, its inputs' references, which axes follow
 * the batch), and the small node helpers the mappings share.
 */
import type { Tensor } from '../core/tensor.js';
import type { DType } from '../core/dtype.js';
import type { TracedOp } from './trace.js';
import { type GraphBuilder, type Ref, onnxType } from './graph.js';
import type { OnnxAttribute } from './proto.js';

export const int = (value: number): OnnxAttribute => ({ kind: 'int', value });
export const ints = (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value });
export const float = (value: number): OnnxAttribute => ({ kind: 'float', value });
export const str = (value: string): OnnxAttribute => ({ kind: 'string', value });

/** What a mapping sees: the builder, the event, its inputs' references and shape variation. */
export class OpContext {
  constructor(
    readonly b: GraphBuilder,
    readonly e: TracedOp,
    readonly refs: readonly Ref[],
    /** per output axis: does its size change with the batch (dynamic mode), or null */
    readonly outVaries: readonly boolean[] | null,
    /** the same for each input */
    readonly inVaries: readonly (readonly boolean[] | null)[],
    /** resolves a tensor the op uses but does not list as an input (attrs.cond, attrs.index) */
    readonly resolveExtra: (t: Tensor) => Ref,
  ) {}

  /** Input i as an ONNX value, cast to `dtype` if given and different. */
  in(i: number, dtype?: DType): string {
    const t = this.e.inputs[i]!;
    const r = this.refs[i]!;
    if (dtype !== undefined && t.dtype !== dtype && r.kind === 'const') {
      // fold the conversion of a constant into its initializer
      return this.b.initializer('const_cast', t.to(dtype));
    }
    const name = this.b.materialize(r, `${this.e.op} (input ${i})`);
    if (dtype === undefined || t.dtype === dtype) return name;
    return this.b.node1('Cast', [name], { to: int(onnxType(dtype)) });
  }

  value(name: string): Ref {
    return { kind: 'value', name };
  }

  get output(): Tensor {
    return this.e.output;
  }

  /**
   * The output shape as an ONNX Reshape target. In dynamic mode, the one axis whose size
   * follows the batch becomes -1; more than one such axis fixes the batch size.
   */
  reshapeTarget(): { shape: number[]; blocks: boolean } {
    const shape = [...this.e.output.shape];
    if (!this.b.dynamic || this.outVaries === null) return { shape, blocks: false };
    const v = this.outVaries.map((x, i) => (x ? i : -1)).filter((i) => i >= 0);
    if (v.length === 1) shape[v[0]!] = -1;
    return { shape, blocks: v.length > 1 };
  }
}

/** Any index beyond a dimension's size: ONNX Slice clamps it (exactly representable as a double). */
export const TO_END = Number.MAX_SAFE_INTEGER;

export type SliceSpec = number | null | undefined | readonly [number | null | undefined, (number | null)?, (number | null)?];

/** Slice + Squeeze for nabla slice specs (integers pick and drop an axis; [start, end, step] keep it). */
export function emitSlice(b: GraphBuilder, x: string, specs: readonly SliceSpec[], axisOffset = 0): string {
  const starts: number[] = [];
  const ends: number[] = [];
  const axes: number[] = [];
  const steps: number[] = [];
  const drop: number[] = [];
  specs.forEach((s, i) => {
    const ax = i + axisOffset;
    if (s === null || s === undefined) return;
    if (typeof s === 'number') {
      starts.push(s);
      ends.push(s === -1 ? TO_END : s + 1);
      drop.push(ax);
    } else {
      const st = s[2] ?? 1;
      const lo = s[0] ?? 0;
      const hi = s[1] ?? TO_END;
      if (lo === 0 && hi === TO_END && st === 1) return;
      starts.push(lo);
      ends.push(hi);
      steps.push(st);
    }
    axes.push(ax);
    if (typeof s === 'number') steps.push(1);
  });
  let y = x;
  if (axes.length > 0) y = b.node1('Slice', [x, b.int64(starts, 'starts'), b.int64(ends, 'ends'), b.int64(axes, 'axes'), b.int64(steps, 'steps')]);
  if (drop.length > 0) y = b.node1('Squeeze', [y, b.int64(drop, 'axes')]);
  return y;
}

