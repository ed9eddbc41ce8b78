/** nabla's browser cells (W1, W2, W5 of bench/web/nabla.ts on the backend the spec names), for the page and for its worker. */
import { useBackend } from '../web/backend.js';
import { nablaW1, nablaW2, nablaW5 } from '../web/nabla.js';
import type { PageRunner } from '../web/page.js';

export const nablaCell: PageRunner = async (spec, train) => {
  await useBackend(spec.backend, spec.threads);
  switch (spec.workload) {
    case 'W1': return nablaW1(spec);
    case 'W2': return nablaW2(spec, await train());
    case 'W5': return nablaW5(spec);
  }
  throw new Error(`nabla page: no ${spec.workload} cell`);
};
