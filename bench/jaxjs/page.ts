/** The jax-js page of the browser run (its thread count is the page's navigator.hardwareConcurrency, set by the runner). */
import { exposeCells } from '../web/page.js';
import { jaxW1, jaxW2, jaxW5, prepareJaxjs } from './index.js';

exposeCells(async (spec, train) => {
  await prepareJaxjs();
  switch (spec.workload) {
    case 'W1': return jaxW1(spec);
    case 'W2': return jaxW2(spec, await train());
    case 'W5': return jaxW5(spec);
  }
  throw new Error(`jax-js page: no ${spec.workload} cell`);
});
