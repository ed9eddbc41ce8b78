/**
 * nabla: tensors, reverse-mode autograd, neural-network modules and training, in TypeScript.
 *
 *   import * as nb from 'nabla';
 *   const x = nb.tensor([[1, 2]], { requiresGrad: true });
 */
import { initBackends } from './backend/init.js';

// choose the default backend: the native addon if it loads, else 'ts' with one warning
initBackends();

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
export type { OpEvent, ForwardEvent, BackwardEvent } from './core/events.js';
export { setBackend, getBackend, availableBackends } from './backend/registry.js';
export { setNumThreads, getNumThreads, nativeInfo, nativeLoadError } from './backend/native/index.js';
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
export * as data from './data/index.js';
export { serialize, deserialize, parseSafetensors } from './io/safetensors.js';
export { save, load, loadSafetensors } from './io/safetensors-file.js';
export type { SaveOptions, SafetensorsContents, Saveable } from './io/safetensors.js';
export { explain, Explanation, graph, AutogradGraph } from './explain/index.js';
export type { ExplainOptions, ExplanationData, LayerStep, RenderOptions, HtmlOptions, GraphNode, GraphOptions } from './explain/index.js';
export * as report from './report/index.js';
export * as train from './train/index.js';
export { fit, evaluate } from './train/fit.js';
export * as onnx from './onnx/index.js';
export * as text from './text/index.js';
