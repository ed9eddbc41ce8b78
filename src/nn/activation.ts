/**
 * Activation layers a = sigma(z): thin modules over the functional forms, so they can sit in a
 * `Sequential`. Each names its formula; derivatives come from the ops they call.
 */
import type { Tensor } from '../core/tensor.js';
import { Module } from './module.js';
import * as F from '../functional/activation.js';
import { NablaError, describe } from '../core/errors.js';

function checkAxis(layer: string, axis: unknown): void {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new NablaError(`${layer}: axis must be an integer, got ${describe(axis)}`);
}

function checkFinite(layer: string, name: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new NablaError(`${layer}: ${name} must be a finite number, got ${describe(v)}`);
}

/** a = max(0, z) */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/** a = 1 / (1 + e^{-z}) */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/** a = tanh(z) */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/** a_i = e^{z_i} / sum_j e^{z_j} along `axis` (PyTorch's dim; default -1). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
    checkAxis('Softmax', axis);
  }
  forward(x: Tensor): Tensor {
    return x.softmax(this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** a_i = z_i - log sum_j e^{z_j} along `axis` (default -1). */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
    checkAxis('LogSoftmax', axis);
  }
  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.axis);
  }
  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

/** a = z Phi(z) ('none', exact) or its tanh approximation: `new GELU({ approximate: 'tanh' })` (or `new GELU('tanh')`). */
export class GELU extends Module {
  readonly approximate: F.GeluApproximation;
  constructor(opts: F.GeluApproximation | { approximate?: F.GeluApproximation } = 'none') {
    super();
    this.approximate = typeof opts === 'string' ? opts : (opts.approximate ?? 'none');
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new NablaError(`GELU: approximate must be 'none' or 'tanh', got ${describe(this.approximate)}`);
    }
  }
  forward(x: Tensor): Tensor {
    return F.gelu(x, this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** a = z for z > 0, negativeSlope z otherwise (default slope 0.01). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkFinite('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return F.leakyRelu(x, this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/** a = z for z > 0, alpha (e^z - 1) otherwise (default alpha 1). */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkFinite('ELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return F.elu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** a = (1/beta) ln(1 + e^{beta z}), linear above `threshold` (defaults 1 and 20). */
export class Softplus extends Module {
  constructor(
    readonly beta = 1,
    readonly threshold = 20,
  ) {
    super();
    checkFinite('Softplus', 'beta', beta);
    checkFinite('Softplus', 'threshold', threshold);
  }
  forward(x: Tensor): Tensor {
    return F.softplus(x, this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** a = z sigma(z) (swish). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return F.silu(x);
  }
}
