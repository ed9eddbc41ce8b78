/** The jax-js cells in Node (bench/cell.ts loads this by a computed path: jax-js is an on-demand peer). */
import type { CellResult, CellSpec } from '../lib/types.js';
import { jaxW1, jaxW2, jaxW5, prepareJaxjs } from './index.js';
import { fashionNode } from '../web/nodedata.js';

export async function runJaxjs(spec: CellSpec): Promise<CellResult[]> {
  await prepareJaxjs();
  switch (spec.workload) {
    case 'W1': return jaxW1(spec);
    case 'W2': {
      const { train, test } = fashionNode();
      return jaxW2(spec, train, test);
    }
    case 'W5': return jaxW5(spec);
  }
  throw new Error(`bench/jaxjs: no ${spec.workload} workload (jax-js is measured on W1, W2 and W5)`);
}
