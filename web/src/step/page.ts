/**
 * web/step.html: the step-through opened on the tutorial's 2-2-1 worked example. nb.explain runs
 * in the page (float64, as the CLI's `npx nabla explain`) on the library's copy of the example;
 * the loss and the learning rate can be changed. `globalThis.nablaStep` exposes the view's state
 * (for the Chromium test and the console).
 */
import * as nb from 'nabla';
import { DenseNet, SEED_EXAMPLE } from './library.js';
import { mountStepView, type StepView, type StepViewState } from './view.js';
import { publishStepState } from './state.js';

const host = document.getElementById('step-view')!;
const form = document.getElementById('step-controls') as HTMLFormElement;
let view: StepView | null = null;

function field(name: string): string {
  const e = form.elements.namedItem(name);
  if (!(e instanceof HTMLInputElement || e instanceof HTMLSelectElement)) throw new Error(`step page: no control '${name}'`);
  return e.value;
}

function explainExample(): void {
  const loss = field('loss') === 'bce' ? 'bce' : 'halfSquaredError';
  const lr = Number(field('lr'));
  if (!Number.isFinite(lr) || lr < 0) throw new Error(`the learning rate must be a number >= 0, got '${field('lr')}'`);
  const model = new DenseNet(SEED_EXAMPLE.layers, 'sigmoid', 'float64');
  const ex = nb.explain({ model, input: SEED_EXAMPLE.x, target: SEED_EXAMPLE.y, loss, lr });
  const at = view?.state.index ?? 0;
  view?.destroy();
  view = mountStepView(host, ex.toJSON(), (s: StepViewState) => publishStepState({ source: 'worked example', ...s }));
  view.go(at);
}

function run(): void {
  try {
    explainExample();
  } catch (e) {
    publishStepState({ source: 'worked example', index: 0, count: 0, id: '', error: (e as Error).message });
    host.textContent = `error: ${(e as Error).message}`;
  }
}

form.addEventListener('change', run);
run();
