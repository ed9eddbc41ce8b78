/** What the step-through shows, published as `globalThis.nablaStep` (read by the Chromium test and the console). */
import type { StepViewState } from './view.js';

export interface StepState extends StepViewState {
  /** 'worked example' (web/step.html) or 'trainer' (the trainer's current network) */
  source: string;
  error: string | null;
}

export function publishStepState(s: StepViewState & { source: string; error?: string }): void {
  const g = globalThis as unknown as { nablaStep?: StepState };
  g.nablaStep = { ...s, error: s.error ?? null };
}
