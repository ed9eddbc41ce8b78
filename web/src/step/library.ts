/**
 * The parts of nabla's explainer the step-through view draws with, imported from the library's
 * source (the site is built from it, like `nabla` itself): the document of steps that every
 * renderer shares, its LaTeX, the number formatting, and the tutorial's worked example. Nothing
 * here is reimplemented in web/.
 */
export { act, buildDocument, resolveRender, type Resolved, type Section, type Step, type Term } from '../../../src/explain/doc.js';
export { stepTex, texNum } from '../../../src/explain/latex.js';
export { fmt } from '../../../src/explain/snapshot.js';
export { DenseNet, SEED_EXAMPLE, SEED_PRINTED, isSeedFirstLayer } from '../../../src/explain/seed.js';
export type { ExplanationData, LayerStep } from '../../../src/explain/types.js';
