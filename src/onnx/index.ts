/**
 * ONNX interop: `nb.onnx.export(model, exampleInput, path)` writes an ONNX model (opset 17)
 * that ONNX Runtime runs with the same outputs; `nb.onnx.toOnnx` returns the bytes instead.
 * Supported ops and layers are listed in src/onnx/export.ts.
 */
export { exportOnnx as export, exportOnnx, toOnnx, OPSET, IR_VERSION } from './export.js';
export type { OnnxExportOptions, OnnxExportResult } from './export.js';
export { SUPPORTED_OPS } from './ops.js';
