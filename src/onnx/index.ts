/**
 * `nb.onnx` in Node: everything of browser.ts plus `nb.onnx.export(model, exampleInput, path)`,
 * which writes the ONNX model (opset 17) to a file that ONNX Runtime runs with the same outputs.
 */
export * from './browser.js';
export { exportOnnx as export, exportOnnx } from './export-file.js';
