/** `nb.onnx.export` (Node): the ONNX bytes of `toOnnx` written to a file, atomically. */
import { NablaError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { toOnnx, type AnyModule, type ExampleInput, type OnnxExportOptions, type OnnxExportResult } from './export.js';

/**
 * Writes `model` traced on `exampleInput` as an ONNX file at `path` (atomically: a temporary
 * file renamed over the target). Returns what was written. See the file comment for the
 * supported ops.
 *
 *   nb.onnx.export(net, nb.randn([1, 784]), 'mlp.onnx');
 */
export function exportOnnx(model: AnyModule, exampleInput: ExampleInput, path: string, opts: OnnxExportOptions = {}): OnnxExportResult {
  if (typeof path !== 'string' || path === '') throw new NablaError('onnx.export: path must be a non-empty string (the .onnx file to write)');
  const r = toOnnx(model, exampleInput, opts);
  writeFileAtomic(path, r.bytes);
  return r;
}
