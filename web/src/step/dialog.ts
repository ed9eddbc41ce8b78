/**
 * The trainer's "step through this update": a dialog over the trainer page with the step-through
 * view of its current network on one training point (nb.explain's JSON from the worker), and
 * buttons to move to the previous or next training point. Nothing here changes the network: the
 * step is computed and not applied (training goes on underneath if it was playing).
 */
import { mountStepView, type StepView } from './view.js';
import { publishStepState } from './state.js';
import type { FromWorker } from '../protocol.js';

type StepMessage = Extract<FromWorker, { type: 'stepThrough' }>;

let dialog: HTMLDialogElement | null = null;
let view: StepView | null = null;

function button(text: string, cls: string, onclick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = cls;
  b.textContent = text;
  b.onclick = onclick;
  return b;
}

/** Shows (or refreshes) the dialog for `m`; `requestPoint(i)` asks the worker for training point i. */
export function showStepDialog(m: StepMessage, requestPoint: (index: number) => void): void {
  if (dialog === null) {
    dialog = document.createElement('dialog');
    dialog.className = 'st-dialog';
    dialog.addEventListener('close', () => {
      view?.destroy();
      view = null;
    });
    document.body.append(dialog);
  }
  const d = dialog;
  const [x, y, label] = m.point;
  const info = document.createElement('div');
  info.className = 'st-dialog-info';
  const sgd = m.data.update.lr === null ? '' : `; the update shown is plain gradient descent with the trainer's learning rate α = ${m.data.update.lr}`;
  info.textContent = `training point ${m.index + 1} of ${m.count}: x = (${x.toFixed(3)}, ${y.toFixed(3)}), class ${label}; the network after ${m.step} step${m.step === 1 ? '' : 's'}${sgd}; nothing is applied (the network is unchanged).`;
  const head = document.createElement('div');
  head.className = 'st-dialog-head';
  const title = document.createElement('h2');
  title.textContent = 'Step through this update';
  head.append(
    title,
    button('◀ point', 'st-point-prev', () => requestPoint(m.index - 1)),
    button('point ▶', 'st-point-next', () => requestPoint(m.index + 1)),
    button('close ✕', 'st-close', () => d.close()),
  );
  const body = document.createElement('div');
  const at = view?.state.index ?? 0;
  view?.destroy();
  d.replaceChildren(head, info, body);
  view = mountStepView(body, m.data, (s) => publishStepState({ source: 'trainer', ...s }));
  view.go(at);
  if (!d.open) d.showModal();
}
