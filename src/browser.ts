/**
 * nabla's entry for browsers, workers and every JavaScript runtime (the `browser` and `default`
 * conditions of package.json): tensors, autograd, layers, losses, optimizers, the training loop,
 * datasets (the MNIST digits loaded with `await nb.data.mnist()`), safetensors and ONNX as bytes,
 * and `explain`. Nothing it reaches imports a `node:` module or uses `process` or `Buffer`, so a
 * bundler needs no shims. The kernels are the TypeScript reference backend ('ts') until
 * `await nb.initWasm()` loads the WebAssembly ones (wasm/nabla.wasm, the native kernels compiled
 * to wasm32 with SIMD) and makes 'wasm' the backend.
 *
 * The Node entry (src/index.ts) re-exports all of this and adds what needs Node: the native
 * addon, files (`nb.save` / `nb.load`, IDX, Fashion-MNIST, reports, run directories), and the
 * synchronous `nb.data.mnist()`.
 *
 *   import * as nb from 'nabla';
 *   const x = nb.tensor([[1, 2]], { requiresGrad: true });
 */
// Tensor's op methods (declared in core/tensor.ts) are installed on its prototype by ops/install.ts
import './ops/install.js';
export { Tensor } from './core/tensor.js';
export type { SliceSpec, Operand, NestedArray } from './core/tensor.js';
export type { DType, FloatDType, TypedArray } from './core/dtype.js';
export { NablaError, ShapeError, DTypeError, FileFormatError } from './core/errors.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './core/autograd.js';
export type { BackwardOptions } from './core/autograd.js';
export { gradcheck, gradcheckReport, GradcheckError } from './core/gradcheck.js';
export type { GradcheckOptions, GradcheckInputReport } from './core/gradcheck.js';
export { manualSeed, Generator } from './core/rng.js';
export { onOp } from './core/events.js';
export { detectAnomaly, isAnomalyEnabled, AnomalyError } from './core/anomaly.js';
export type { AnomalyOptions } from './core/anomaly.js';
export { AllocationError } from './core/dtype.js';
export type { OpEvent, ForwardEvent, BackwardEvent } from './core/events.js';
export { setBackend, getBackend, availableBackends } from './backend/registry.js';
export { setNumThreads, getNumThreads, nativeInfo, nativeLoadError } from './backend/native/absent.js';
export { initWasm, wasmInfo, wasmRelaxedSimd } from './backend/wasm/index.js';
export type { WasmInfo, WasmSource } from './backend/wasm/index.js';
export { initWasmThreads, wasmThreadsErrorBrowser as wasmThreadsError } from './backend/wasm/threads-browser.js';
export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, uniform, randint, randperm,
} from './ops/create.js';
export type { TensorOptions, FromDataOptions, RandomOptions, TensorData } from './ops/create.js';
export { cat, stack, split, chunk, where, oneHot, gather, indexSelect } from './ops/indexing.js';
export { matmul } from './ops/matmul.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export {
  add, sub, mul, div, pow, maximum, minimum, neg, exp, log, log1p, expm1, sqrt, rsqrt, square, abs,
  sign, sin, cos, relu, sigmoid, tanh, softplus, gelu, leakyRelu, elu, clamp,
} from './ops/elementwise.js';
export { Module, Parameter } from './nn/module.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as data from './data/browser.js';
export { serialize, deserialize, parseSafetensors } from './io/safetensors.js';
export type { SaveOptions, SafetensorsContents, Saveable, StateDict } from './io/safetensors.js';
export { explain, Explanation, graph, AutogradGraph } from './explain/index.js';
export type { ExplainOptions, ExplanationData, LayerStep, RenderOptions, HtmlOptions, GraphNode, GraphOptions } from './explain/index.js';
export * as train from './train/browser.js';
export { fit, evaluate } from './train/fit.js';
export type { TextSink } from './core/platform.js';
export * as onnx from './onnx/browser.js';
export * as text from './text/browser.js';
