/** The TensorFlow.js page of the browser run: W1, W2 and W5 on the wasm backend with the spec's thread count. */
import { exposeCells } from '../web/page.js';
import { prepareTfjs } from './setup.js';
import { runGemm } from './gemm.js';
import { runLatency } from './latency.js';
import { tfjsW2 } from './webmlp.js';

exposeCells(async (spec, train) => {
  await prepareTfjs(spec);
  switch (spec.workload) {
    case 'W1': return runGemm(spec);
    case 'W2': return tfjsW2(spec, await train());
    case 'W5': return runLatency(spec);
  }
  throw new Error(`TF.js page: no ${spec.workload} cell`);
});
