/**
 * PyTorch parity of the decoder layers: test/fixtures/torch/conv_transpose.json and
 * upsample.json (tools/fixtures/make_decoder_fixtures.py). Through the modules, loading the
 * PyTorch state dicts; outputs and every gradient. Each case runs on both backends, in float64
 * (1e-6) and in float32 (1e-4; on the native backend float32 goes through the native conv
 * kernels, float64 through the reference ones).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nb from '../../src/index.js';
import type { Tensor } from '../../src/index.js';
import { type Case, assertClose, fixtureTensor, loadFixture } from '../helpers/fixtures.js';
import { onBackend } from '../helpers/backend.js';

type Cfg = Record<string, unknown>;
const pairOrNum = (v: unknown): number | [number, number] => (Array.isArray(v) ? [v[0] as number, v[1] as number] : (v as number));
const backends = nb.availableBackends();
const dtypes = [['float64', 1e-6], ['float32', 1e-4]] as const;

function buildConvTranspose(c: Case, dtype: 'float32' | 'float64'): nb.nn.ConvTranspose2d {
  const cfg = c.config as Cfg;
  return new nb.nn.ConvTranspose2d(cfg.inChannels as number, cfg.outChannels as number, pairOrNum(cfg.kernelSize), {
    stride: pairOrNum(cfg.stride), padding: pairOrNum(cfg.padding), outputPadding: pairOrNum(cfg.outputPadding),
    dilation: pairOrNum(cfg.dilation), groups: cfg.groups as number, bias: cfg.bias as boolean, dtype,
  });
}

const ctCases = loadFixture('conv_transpose');
const upCases = loadFixture('upsample');

test('the decoder fixture tables are present', () => {
  assert.ok(ctCases.length >= 18, `conv_transpose.json has ${ctCases.length} cases`);
  assert.ok(upCases.length >= 22, `upsample.json has ${upCases.length} cases`);
});

for (const backend of backends) {
  for (const [dtype, tol] of dtypes) {
    for (const c of ctCases) {
      test(`PyTorch ConvTranspose2d fixture: ${c.name} (${backend}, ${dtype})`, () => onBackend(backend, () => {
        const m = buildConvTranspose(c, dtype);
        m.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, fixtureTensor(v, dtype)])));
        assert.deepEqual(m.namedParameters().map(([k]) => k).sort(), Object.keys(c.params).sort());
        const x = fixtureTensor(c.inputs.x!, { dtype, requiresGrad: true });
        const outSize = (c.config as Cfg).outputSize as number[] | undefined;
        const y = m.forward(x, outSize);
        const T = { atol: tol, rtol: tol };
        assertClose(y, c.outputs.y!, { ...T, msg: `${c.name} y` });
        y.backward(fixtureTensor(c.inputs.gradOut!, dtype));
        assertClose(x.grad!, c.grads.x!, { ...T, msg: `${c.name} dJ/dx` });
        for (const [name, p] of m.namedParameters()) assertClose(p.grad!, c.grads[name]!, { ...T, msg: `${c.name} dJ/d${name}` });
      }));
    }
  }
}

for (const backend of backends) {
  for (const c of upCases) {
    const cfg = c.config as Cfg;
    // float32 fixtures run in float32 only; float64 ones in both
    const runs = c.inputs.x!.dtype === 'float32' ? [['float32', 1e-5]] as const : dtypes;
    for (const [dtype, tol] of runs) {
      test(`PyTorch Upsample fixture: ${c.name} (${backend}, ${dtype})`, () => onBackend(backend, () => {
        const m = new nb.nn.Upsample({
          mode: cfg.mode as nb.nn.functional.UpsampleMode,
          ...(cfg.size !== undefined ? { size: cfg.size as number | number[] } : {}),
          ...(cfg.scaleFactor !== undefined ? { scaleFactor: cfg.scaleFactor as number | number[] } : {}),
          ...(cfg.alignCorners !== undefined ? { alignCorners: cfg.alignCorners as boolean } : {}),
          ...(cfg.recomputeScaleFactor ? { recomputeScaleFactor: true } : {}),
        });
        const x = fixtureTensor(c.inputs.x!, { dtype, requiresGrad: true });
        const y = m.forward(x);
        assertClose(y, c.outputs.y!, { atol: tol, rtol: tol, msg: `${c.name} y` });
        y.backward(fixtureTensor(c.inputs.gradOut!, dtype));
        assertClose(x.grad!, c.grads.x!, { atol: tol, rtol: tol, msg: `${c.name} dJ/dx` });
      }));
    }
  }
}

test('UpsamplingBilinear2d is bilinear with alignCorners, UpsamplingNearest2d is nearest', () => {
  const c = upCases.find((k) => k.name === 'bilinear_x2_align')!;
  const y = new nb.nn.UpsamplingBilinear2d({ scaleFactor: 2 }).forward(fixtureTensor(c.inputs.x!));
  assertClose(y, c.outputs.y!, { atol: 1e-9, rtol: 1e-9 });
  const n = upCases.find((k) => k.name === 'nearest_size_7x5')!;
  assertClose(new nb.nn.UpsamplingNearest2d({ size: [7, 5] }).forward(fixtureTensor(n.inputs.x!)), n.outputs.y!, { atol: 0, rtol: 0 });
});

test('a ConvTranspose2d with kernel = stride = 2 undoes the shape of a 2x2 stride-2 pooling', () => {
  const m = new nb.nn.ConvTranspose2d(8, 4, 2, { stride: 2 });
  const y: Tensor = m.forward(nb.randn([3, 8, 5, 7]));
  assert.deepEqual(y.shape, [3, 4, 10, 14]);
  assert.deepEqual(m.weight.shape, [8, 4, 2, 2]);
  assert.deepEqual(Object.keys(m.stateDict()).sort(), ['bias', 'weight']);
});
