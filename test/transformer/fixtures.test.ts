/**
 * PyTorch 1.13 fixtures (test/fixtures/torch/{layernorm,attention,transformer}.json, made by
 * tools/fixtures/make_transformer_fixtures.py): same weights and inputs as torch; outputs and
 * every gradient must agree to 1e-5 scaled by the magnitude of what is compared (float64), on
 * both backends, with the state-dict keys in PyTorch's order. Gradients come from
 * loss = sum(y * gradOut) (+ sum(weights * gradWeights)). NaN outputs (fully masked queries) must
 * be NaN at exactly the same places.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import { Tensor } from '../../src/core/tensor.js';
import { type Case, type FixtureTensor, loadFixture, fixtureTensor, assertClose } from '../helpers/fixtures.js';
import { onBackend } from '../helpers/backend.js';
import type { Module } from '../../src/nn/module.js';

const { nn } = nb;
type AnyModule = Module<never[], unknown>;

/** A fixture input, with the -inf entries it stores separately put back; int 0/1 masks as bool. */
function input(c: Case, name: string, opts: { bool?: boolean; grad?: boolean } = {}): Tensor | null {
  const t = c.inputs[name];
  if (t === undefined) return null;
  if (t.dtype === 'int32') return fixtureTensor(t, 'bool');
  let x = fixtureTensor(t, 'float64');
  const neg = c.inputs[`${name}NegInf`];
  if (neg !== undefined) x = x.maskedFill(fixtureTensor(neg, 'bool'), -Infinity);
  if (opts.grad) x.requiresGrad_(true);
  return x;
}

function maxAbs(t: FixtureTensor): number {
  return t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** |a - e| <= 1e-5 (max|e| + 1) elementwise; NaN where the fixture says so. */
function close(actual: Tensor, c: Case, key: string, where: 'outputs' | 'grads', msg: string): void {
  const e = c[where][key]!;
  const nanMask = c[where][`${key}IsNaN`];
  if (nanMask !== undefined) {
    const a = actual.data();
    nanMask.data.forEach((isNan, i) => assert.equal(Number.isNaN(a[i]!), isNan === 1, `${msg}: element ${i} should ${isNan ? '' : 'not '}be NaN, is ${a[i]}`));
    actual = actual.maskedFill(actual.ne(actual), 0);
  }
  const tol = 1e-5 * (maxAbs(e) + 1);
  assertClose(actual, e, { atol: tol, rtol: 0, msg });
}

function load(m: AnyModule, c: Case): void {
  m.to('float64');
  assert.deepEqual(Object.keys(m.stateDict()), Object.keys(c.params), `${c.name}: state-dict keys`);
  m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fixtureTensor(v, 'float64')])));
}

function checkGrads(c: Case, leaves: Record<string, Tensor | null>, m: AnyModule | null): void {
  const params = m === null ? new Map<string, Tensor>() : new Map(m.namedParameters());
  for (const key of Object.keys(c.grads)) {
    const t = leaves[key] ?? params.get(key);
    assert.ok(t, `${c.name}: no tensor for gradient ${key}`);
    assert.ok(t.grad, `${c.name}: ${key} has no gradient`);
    close(t.grad, c, key, 'grads', `${c.name} d${key}`);
  }
}

function backward(c: Case, outs: Record<string, Tensor | null>): void {
  if (Object.keys(c.grads).length === 0) return;
  let loss: Tensor | null = null;
  for (const [k, y] of Object.entries(outs)) {
    if (y === null) continue;
    const g = c.inputs[k === 'y' ? 'gradOut' : `grad${k[0]!.toUpperCase()}${k.slice(1)}`];
    if (g === undefined) continue;
    const term = y.mul(fixtureTensor(g, 'float64')).sum();
    loss = loss === null ? term : loss.add(term);
  }
  loss!.backward();
}

const BACKENDS = nb.availableBackends();

for (const be of BACKENDS) {
  for (const c of loadFixture('layernorm')) {
    test(`[${be}] ${c.config.type} matches PyTorch: ${c.name}`, () =>
      onBackend(be, () => {
        const cfg = c.config as { type: string; normalizedShape: number[]; eps: number; elementwiseAffine: boolean; approximate: 'none' | 'tanh' };
        const x = input(c, 'x', { grad: true })!;
        const m = (cfg.type === 'GELU'
          ? new nn.GELU({ approximate: cfg.approximate })
          : new nn.LayerNorm(cfg.normalizedShape, { eps: cfg.eps, elementwiseAffine: cfg.elementwiseAffine })) as unknown as AnyModule;
        load(m, c);
        const y = (m as unknown as Module).forward(x);
        close(y, c, 'y', 'outputs', `${c.name} y`);
        backward(c, { y });
        checkGrads(c, { x }, m);
      }));
  }

  for (const c of loadFixture('attention')) {
    test(`[${be}] ${c.config.type} matches PyTorch: ${c.name}`, () =>
      onBackend(be, () => {
        const cfg = c.config as Record<string, unknown>;
        if (cfg.type === 'scaledDotProductAttention') {
          const [q, k, v] = ['q', 'k', 'v'].map((n) => input(c, n, { grad: true })!) as [Tensor, Tensor, Tensor];
          const y = nn.functional.scaledDotProductAttention(q, k, v, {
            attnMask: input(c, 'attnMask'),
            isCausal: cfg.isCausal as boolean,
            scale: cfg.scale as number | null,
          });
          close(y, c, 'y', 'outputs', `${c.name} y`);
          backward(c, { y });
          checkGrads(c, { q, k, v }, null);
          return;
        }
        const m = new nn.MultiheadAttention(cfg.embedDim as number, cfg.numHeads as number, {
          batchFirst: cfg.batchFirst as boolean,
          kdim: (cfg.kdim as number | null) ?? undefined,
          vdim: (cfg.vdim as number | null) ?? undefined,
          bias: cfg.bias as boolean,
        });
        load(m as unknown as AnyModule, c);
        m.train(cfg.training as boolean);
        const query = input(c, 'query', { grad: !cfg.noGrad })!;
        const key = cfg.selfAttention ? query : input(c, 'key', { grad: !cfg.noGrad })!;
        const value = cfg.selfAttention || cfg.kvSame ? key : input(c, 'value', { grad: !cfg.noGrad })!;
        const run = (): [Tensor, Tensor | null] =>
          m.forward(query, key, value, {
            attnMask: input(c, 'attnMask'),
            keyPaddingMask: input(c, 'keyPaddingMask'),
            needWeights: cfg.needWeights as boolean,
            averageAttnWeights: cfg.averageAttnWeights as boolean,
            isCausal: cfg.isCausal as boolean,
          });
        const [y, w] = cfg.noGrad ? nb.noGrad(run) : run();
        close(y, c, 'y', 'outputs', `${c.name} y`);
        assert.equal(w === null, c.outputs.weights === undefined, `${c.name}: weights returned`);
        if (w !== null) close(w, c, 'weights', 'outputs', `${c.name} weights`);
        backward(c, { y, weights: w });
        checkGrads(c, { query, key, value }, m as unknown as AnyModule);
      }));
  }

  for (const c of loadFixture('transformer')) {
    test(`[${be}] ${c.config.type} matches PyTorch: ${c.name}`, () =>
      onBackend(be, () => {
        const cfg = c.config as Record<string, unknown>;
        const opts = {
          dimFeedforward: cfg.dimFeedforward as number,
          dropout: 0,
          activation: cfg.activation as 'relu' | 'gelu',
          normFirst: cfg.normFirst as boolean,
          batchFirst: cfg.batchFirst as boolean,
          layerNormEps: (cfg.layerNormEps as number | undefined) ?? 1e-5,
        };
        const E = cfg.dModel as number;
        const H = cfg.nhead as number;
        const L = cfg.numLayers as number;
        const norm = cfg.finalNorm ? new nn.LayerNorm(E) : null;
        if (String(cfg.type).startsWith('TransformerEncoder')) {
          const layer = new nn.TransformerEncoderLayer(E, H, opts);
          const m = L > 0 ? new nn.TransformerEncoder(layer, L, { norm }) : layer;
          load(m as unknown as AnyModule, c);
          m.train(cfg.training as boolean);
          const src = input(c, 'src', { grad: !cfg.noGrad })!;
          const mask = input(c, 'mask');
          const kpm = input(c, 'srcKeyPaddingMask');
          const causal = cfg.isCausal as boolean;
          const run = (): Tensor =>
            m instanceof nn.TransformerEncoder
              ? m.forward(src, { mask, srcKeyPaddingMask: kpm, isCausal: causal })
              : m.forward(src, { srcMask: mask, srcKeyPaddingMask: kpm, isCausal: causal });
          const y = cfg.noGrad ? nb.noGrad(run) : run();
          close(y, c, 'y', 'outputs', `${c.name} y`);
          backward(c, { y });
          checkGrads(c, { src }, m as unknown as AnyModule);
        } else {
          const layer = new nn.TransformerDecoderLayer(E, H, opts);
          const m = L > 0 ? new nn.TransformerDecoder(layer, L, { norm }) : layer;
          load(m as unknown as AnyModule, c);
          const tgt = input(c, 'tgt', { grad: true })!;
          const memory = input(c, 'memory', { grad: true })!;
          const y = m.forward(tgt, memory, {
            tgtIsCausal: cfg.tgtIsCausal as boolean,
            memoryMask: input(c, 'memoryMask'),
            memoryKeyPaddingMask: input(c, 'memoryKeyPaddingMask'),
            tgtKeyPaddingMask: input(c, 'tgtKeyPaddingMask'),
          });
          close(y, c, 'y', 'outputs', `${c.name} y`);
          backward(c, { y });
          checkGrads(c, { tgt, memory }, m as unknown as AnyModule);
        }
      }));
  }
}
