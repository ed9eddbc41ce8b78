/**
 * One benchmark cell in its own process: `tsx bench/cell.ts '<CellSpec JSON>'`. Prints each
 * result as a line `@@RESULT {json}` (the runner parses those lines; everything else is log).
 */
import { RESULT_TAG, SKIPPED, type CellResult, type CellSpec } from './lib/types.js';

async function run(spec: CellSpec): Promise<CellResult[]> {
  if (spec.lib === 'nabla') {
    if (spec.workload === 'W1' && spec.peak) return (await import('./nabla/peak.js')).runPeak(spec);
    if (spec.workload === 'W1' && spec.backend === 'native') return (await import('./nabla/w1.js')).runW1(spec);
    const { prepareNabla } = await import('./nabla/setup.js');
    await prepareNabla(spec);
    if (spec.workload === 'W1' && spec.pair && spec.backend === 'wasm') return (await import('./nabla/w1wasm-pair.js')).runW1WasmPair(spec);
    if (spec.workload === 'W2' && spec.pair && spec.backend === 'wasm') return (await import('./nabla/w2wasm-pair.js')).runW2WasmPair(spec);
    if (spec.workload === 'W1') return (await import('./web/nabla.js')).nablaW1(spec);
    if (spec.web && spec.workload === 'W2') return (await import('./web/nabla.js')).nablaW2(spec, (await import('./web/nodedata.js')).fashionNode().train);
    if (spec.web && spec.workload === 'W5') return (await import('./web/nabla.js')).nablaW5(spec);
    switch (spec.workload) {
      case 'W2': case 'W3': return (await import('./nabla/classify.js')).runClassify(spec);
      case 'W4': return (await import('./nabla/charlstm.js')).runCharLstm(spec);
      case 'W5': return (await import('./nabla/latency.js')).runLatency(spec);
      case 'OPS': return (await import('./nabla/latency.js')).runOps(spec);
      case 'W6': return (await import('./nabla/chargpt.js')).runCharGpt(spec);
    }
  }
  if (spec.lib === 'jspytorch' && spec.workload === 'W6') return (await import('./jspytorch/chargpt.js')).runJsPytorch(spec);
  if (spec.lib === 'purejs' && spec.workload === 'W1') return (await import('./purejs/gemm.js')).runPureJs(spec);
  if (spec.lib === 'tfjs') {
    // a computed path: the peers live in bench/node_modules (bench/peers.ts), outside the typecheck
    const entry = new URL('./tfjs/index.js', import.meta.url).href;
    const tfjs = (await import(entry)) as { runTfjs(spec: CellSpec): Promise<CellResult[]> };
    return tfjs.runTfjs(spec);
  }
  if (spec.lib === 'jaxjs') {
    const jax = (await import(new URL('./jaxjs/node.js', import.meta.url).href)) as { runJaxjs(spec: CellSpec): Promise<CellResult[]> };
    return jax.runJaxjs(spec);
  }
  if (spec.lib === 'convnetjs' && spec.workload === 'W3') {
    const cn = (await import(new URL('./convnetjs/cnn.js', import.meta.url).href)) as { runConvnetjs(spec: CellSpec): Promise<CellResult[]> };
    return cn.runConvnetjs(spec);
  }
  if (spec.lib === 'onnxruntime' && spec.workload === 'W5') return (await import('./ort/latency.js')).runLatency(spec);
  throw new Error(`bench/cell.ts: unknown lib ${spec.lib}`);
}

/** A skipped cell (a backend or peer not available here): one result whose error says why, exit 0. */
async function runOrSkip(spec: CellSpec): Promise<CellResult[]> {
  try {
    return await run(spec);
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'SkipCell') throw e;
    return [{
      workload: spec.workload, lib: spec.lib, backend: spec.backend, threads: spec.threads, case: '', metric: '', unit: '', higherIsBetter: true,
      median: NaN, min: NaN, max: NaN, n: 0, method: '', cpuPar: NaN, error: `${SKIPPED}${e.message}`,
    }];
  }
}

const spec = JSON.parse(process.argv[2] ?? '{}') as CellSpec;
// the browser page's code run in Node: kept apart from the Node tables (engine 'node-page')
const results = (await runOrSkip(spec)).map((r) => (spec.web ? { ...r, engine: 'node-page' as const } : r));
// peak resident set size of this process (the cell measured one library alone), in MB
const rssMB = process.resourceUsage().maxRSS / 1024;
for (const r of results) process.stdout.write(RESULT_TAG + JSON.stringify({ ...r, rssMB: r.rssMB ?? rssMB }) + '\n');
