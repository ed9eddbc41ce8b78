/**
 * `nb.onnx` everywhere: `nb.onnx.toOnnx(model, exampleInput)` returns the bytes of an ONNX model
 * (opset 17) that ONNX Runtime runs with the same outputs (onnxruntime-web takes them as they
 * are). The Node entry adds `nb.onnx.export(model, exampleInput, path)`, which writes the file.
 * Supported ops and layers are listed in src/onnx/export.ts.
 */
export { toOnnx, OPSET, IR_VERSION } from './export.js';
export type { OnnxExportOptions, OnnxExportResult } from './export.js';
export { SUPPORTED_OPS } from './ops.js';
